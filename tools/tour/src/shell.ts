/** One bash for a whole session, fed a command at a time: variables, `cd` and jobs carry over. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** What one command printed (stdout and stderr as they came) and how it exited. */
export interface ShellResult {
  output: string;
  exitCode: number;
}

/**
 * Bash that runs the command in `$__step` and sets `$__status` as `pipefail` would (a pipe
 * cannot hide a failing command: `cmd | tail` fails when cmd does), except that a part killed
 * by SIGPIPE (141: its reader, such as `head`, stopped early) does not count as failing.
 */
export const RUN_STEP = `__ps=()
eval "$__step"$'\\n''__ps=(\${PIPESTATUS[*]})'
__status=$?
[ \${#__ps[@]} -eq 0 ] && __ps=($__status)
__status=\${__ps[-1]}
for __s in "\${__ps[@]}"; do
  if [ "$__s" != 0 ] && [ "$__s" != 141 ]; then __status=$__s; break; fi
done`;

// bash reads commands NUL-separated from fd 3 (our pipe) and runs each with stdin from
// /dev/null, so no command can swallow the commands after it. `set -m` gives each background
// job its own process group, as an interactive shell does: `kill -INT %1` reaches the whole
// job (pnpm, tsx, node) the way Ctrl-C would.
const LOOP = `exec 3<&0 </dev/null 2>&1
set -m
while IFS= read -r -d '' __step <&3; do
${RUN_STEP}
  printf '\\n%s %d\\n' "$__MARK" "$__status"
done
`;

/** A bash running in a folder, its own process group; commands run one at a time. */
export class Shell {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly mark = `@@step-${randomBytes(6).toString('hex')}`;
  private buffer = '';
  private waiting?: (result: ShellResult) => void;
  private exited = false;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('bash', ['--norc', '--noprofile', '-c', LOOP], {
      cwd,
      env: { ...env, __MARK: this.mark },
      detached: true,
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.collect(chunk.toString('utf8')));
    this.child.stderr.on('data', (chunk: Buffer) => this.collect(chunk.toString('utf8')));
    this.child.on('exit', () => {
      this.exited = true;
      this.waiting?.({ output: this.buffer, exitCode: 127 });
    });
  }

  /**
   * Runs one command line to its end (a background job only to its start).
   *
   * @param command Shell text.
   * @returns What it printed and its exit status.
   */
  run(command: string): Promise<ShellResult> {
    if (this.exited) return Promise.resolve({ output: '', exitCode: 127 });
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.child.stdin.write(`${command}\0`);
    });
  }

  private collect(text: string): void {
    this.buffer += text;
    const at = this.buffer.indexOf(`\n${this.mark} `);
    const end = at < 0 ? -1 : this.buffer.indexOf('\n', at + 1);
    if (at < 0 || end < 0 || !this.waiting) return;
    const exitCode = Number(this.buffer.slice(at + this.mark.length + 2, end));
    const output = this.buffer.slice(0, at);
    this.buffer = this.buffer.slice(end + 1);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve({ output, exitCode });
  }

  /** Ends the shell and anything still in its process group. */
  kill(): void {
    this.child.stdin.end();
    if (this.child.pid && !this.exited) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
