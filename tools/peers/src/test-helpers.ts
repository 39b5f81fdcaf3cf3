/** Helpers shared by this package's tests (not exported from the package). */
import { existsSync } from 'node:fs';
import { expect } from 'vitest';

/** True while a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** After stop(): the daemon is gone and its state folder removed. */
export function expectStopped(pid: number, stateDir: string): void {
  expect(isAlive(pid)).toBe(false);
  expect(existsSync(stateDir)).toBe(false);
}
