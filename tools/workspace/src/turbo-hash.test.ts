/** turbo's cache follows the package graph: a change in a shared package moves its dependents' hashes. */
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyRepo, ROOT } from './repo-copy.ts';

const TURBO = join(ROOT, 'node_modules', '.bin', 'turbo');

/** The hash of every task `turbo run <tasks> --dry=json` would run in `dir`. */
function hashes(dir: string): Map<string, string> {
  const out = execFileSync(TURBO, ['run', 'typecheck', 'lint', 'test', '--dry=json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    maxBuffer: 64 * 2 ** 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const plan = JSON.parse(out) as { tasks: { taskId: string; hash: string }[] };
  return new Map(plan.tasks.map((task) => [task.taskId, task.hash]));
}

describe('turbo task hashes', () => {
  let copy: ReturnType<typeof copyRepo>;
  let before: Map<string, string>;
  let after: Map<string, string>;

  beforeAll(() => {
    copy = copyRepo();
    before = hashes(copy.dir);
    // Packages export their TypeScript source: a one-line change there is a change to every
    // app that imports it, though nothing is built.
    appendFileSync(join(copy.dir, 'packages', 'framing', 'src', 'index.ts'), '\n// changed\n');
    after = hashes(copy.dir);
  });
  afterAll(() => copy?.remove());

  test('a change in packages/framing moves the test, typecheck and lint hashes of its dependents', () => {
    for (const pkg of ['framing', 'serialization', 'tcp-chat']) {
      for (const task of ['test', 'typecheck', 'lint']) {
        const id = `@netlab/${pkg}#${task}`;
        expect(before.get(id), id).toBeDefined();
        expect(after.get(id), id).not.toBe(before.get(id));
      }
    }
  });

  test('packages that do not depend on framing keep their hashes', () => {
    for (const id of ['@netlab/cli#test', '@netlab/addressing#test', '@netlab/ssh-shell#test']) {
      expect(before.get(id), id).toBeDefined();
      expect(after.get(id), id).toBe(before.get(id));
    }
  });
});
