/** Helpers shared by this package's tests (not exported from the package). */
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { isRunning } from './proc.ts';

/** True while a process with this pid runs (a zombie awaiting its reaper counts as gone). */
export const isAlive = isRunning;

/** After stop(): the daemon is gone and its state folder removed. */
export function expectStopped(pid: number, stateDir: string): void {
  expect(isAlive(pid)).toBe(false);
  expect(existsSync(stateDir)).toBe(false);
}
