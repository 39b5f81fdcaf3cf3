/** The starter's generated texts: README, pnpm-workspace.yaml, biome.json and its CI workflow. */

/** A shared package the starter carries: its folder name and netlab's scripts for it. */
export interface CarriedPackage {
  name: string;
  scripts?: Record<string, string>;
}

// `pnpm [-s|--silent] --filter [@netlab/]NAME [run] [-s|--silent] `: the forms READMEs use.
const SILENT = '(?:-s |--silent )';
const filterOf = (name: string) =>
  new RegExp(`pnpm (${SILENT})?--filter (?:@netlab/)?${name} (?:run )?(${SILENT})?`, 'g');

/**
 * netlab's commands made to work in the starter: `pnpm --filter <app> <script>` becomes
 * `npm run <script>`, with `--` before any arguments (npm would take them as its own). A
 * carried package's command (`pnpm --filter peers peers start redis`) becomes the command its
 * script runs (`npx tsx packages/peers/src/main.ts start redis`): the starter's packages keep
 * their sources, not their scripts. A bare `pnpm --filter` (`pnpm --filter <app>`), as prose
 * says it, becomes `npm run`. Anything else is left for the caller to judge.
 *
 * @param text A README, help text or source file.
 * @param appName The app's folder name.
 * @param packages The shared packages the starter carries.
 * @returns The text with the commands rewritten.
 */
export function rewriteCommands(
  text: string,
  appName: string,
  packages: (string | CarriedPackage)[],
): string {
  const carried = packages.map((p) => (typeof p === 'string' ? { name: p } : p));
  let body = text
    .replace(filterOf(appName), (_all, s1?: string, s2?: string) =>
      s1 || s2 ? 'npm run --silent ' : 'npm run ',
    )
    // Arguments get `--` before them; a shell operator after the script (`&`, `|`, `>`) is not one.
    .replace(/npm run ((?:--silent )?\w[\w:-]*) (?!--(?:\s|$)|[&|;<>])(\S)/g, 'npm run $1 -- $2');
  for (const { name, scripts = {} } of carried) {
    body = body.replace(
      new RegExp(`${filterOf(name).source}([\\w:-]+)`, 'g'),
      (all, _s1, _s2, script: string) => {
        const command = scripts[script]?.match(/^tsx (\S+)$/)?.[1];
        return command ? `npx tsx packages/${name}/${command}` : all;
      },
    );
  }
  return body.replace(/`pnpm (?:-s |--silent )?--filter(?: <app>)?(?=[ `])/g, '`npm run');
}

/**
 * The app's README made to work in the starter: its commands rewritten (see
 * {@link rewriteCommands}), and a section at the top that says where the project came from and
 * how to set it up.
 *
 * @param readme The app's README in netlab.
 * @param appName The app's folder name.
 * @param packages The shared packages the starter carries.
 * @param options `peersCli`: whether the starter carries the peers CLI (packages/peers/src/main.ts).
 * @returns The starter's README.
 */
export function starterReadme(
  readme: string,
  appName: string,
  packages: (string | CarriedPackage)[],
  options: { peersCli?: boolean } = {},
): string {
  const carried = packages.map((p) => (typeof p === 'string' ? { name: p } : p));
  const body = rewriteCommands(readme, appName, carried);
  const [title = `# ${appName}`, ...rest] = body.split('\n');
  const list = carried.map(({ name }) => `\`packages/${name}\``).join(', ');
  const install =
    options.peersCli === false
      ? ''
      : ', or by `npx tsx packages/peers/src/main.ts install all` where the app carries `packages/peers`';
  const intro = [
    '',
    `> Exported from netlab as a starter project: this app plus the shared packages it uses (${list}), with nothing that points back into netlab. Rename it, change it, make it yours.`,
    '>',
    '> ```sh',
    '> npm install && npm test      # or: pnpm install && pnpm test',
    '> ```',
    '>',
    `> \`npm test\` typechecks, lints and runs the tests. The servers some tests start (Dovecot, sshd, ngircd, Python tools) come from Debian packages, installed on first use when running as root${install}.`,
  ];
  return [title, ...intro, ...rest].join('\n');
}

/**
 * pnpm-workspace.yaml for the starter: the shared packages as workspace packages, `*` linked
 * to them, and the native builds the apps need allowed.
 *
 * @param onlyBuiltDependencies Native packages whose install scripts may run.
 * @param ignored Packages whose optional builds stay off without a warning.
 * @returns The file's text.
 */
export function pnpmWorkspace(onlyBuiltDependencies: string[], ignored: string[] = []): string {
  return [
    'packages:',
    '  - packages/*',
    '',
    '# Resolve `@netlab/*: "*"` to the local packages (npm does so through `workspaces`).',
    'linkWorkspacePackages: true',
    'managePackageManagerVersions: false',
    '',
    'onlyBuiltDependencies:',
    ...onlyBuiltDependencies.map((name) => `  - ${name}`),
    ...(ignored.length > 0 ? ['', 'ignoredBuiltDependencies:'] : []),
    ...ignored.map((name) => `  - ${name}`),
    '',
  ].join('\n');
}

/**
 * The starter's biome.json: netlab's, leaving Markdown alone (the README is the user's to
 * rewrite) and reading no VCS ignore file (a fresh copy may not be a
 * git checkout yet), so it lists what to skip itself.
 *
 * @param biome netlab's biome.json, parsed.
 * @returns The file's text.
 */
export function starterBiome(biome: Record<string, unknown>): string {
  const skip = ['node_modules', '.turbo', 'coverage', 'dist', '.state', '.vitest-results.json'];
  const config = {
    ...biome,
    vcs: { enabled: false },
    files: {
      includes: ['**', ...skip.map((name) => `!**/${name}`), '!**/package-lock.json', '!**/*.md'],
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * The starter's GitHub Actions workflow: install and test on Node 20 and 22. Tests that start
 * real servers (Dovecot, sshd) need root, as they do in netlab's own CI: as root they install
 * the Debian packages they need on first use, or all at once up front through the peers CLI.
 *
 * @param withPeers Whether the starter carries packages/peers (and so real servers to install).
 * @param peersCli Whether it carries the peers CLI (packages/peers/src/main.ts).
 * @returns The workflow's YAML.
 */
export function starterWorkflow(withPeers: boolean, peersCli = withPeers): string {
  const lines = [
    'name: ci',
    'on: [push, pull_request]',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    strategy:',
    '      matrix:',
    '        node: [20, 22]',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '        with:',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    '          node-version: ${{ matrix.node }}',
    '      - run: npm install',
  ];
  if (withPeers && peersCli) {
    lines.push(
      '      - name: Install the real servers the tests start',
      '        run: sudo "$(command -v node)" --import tsx packages/peers/src/main.ts install all',
    );
  }
  if (withPeers) {
    lines.push('      - run: sudo -E env "PATH=$PATH" npm test');
  } else {
    lines.push('      - run: npm test');
  }
  return `${lines.join('\n')}\n`;
}
