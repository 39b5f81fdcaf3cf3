/** Runs each app's demo in turn with a heading, stopping at the first failure. */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { DemoApp } from './apps.ts';

/** How the tour went. */
export interface TourResult {
  /** The apps whose demo exited 0, in order. */
  passed: string[];
  /** The app whose demo failed, with its exit code, if one did. */
  failed?: { name: string; exitCode: number };
  /** Wall-clock seconds for the whole tour. */
  seconds: number;
}

/**
 * Runs `pnpm run demo` in each app's folder, one after another, with the app's output passed
 * through. Stops at the first demo that exits non-zero.
 *
 * @param apps The apps, in order.
 * @param out Where headings and the summary go.
 * @returns What passed and what failed.
 */
export async function runTour(apps: DemoApp[], out: Writable): Promise<TourResult> {
  const started = performance.now();
  const passed: string[] = [];
  for (const [index, app] of apps.entries()) {
    out.write(`\n━━ [${index + 1}/${apps.length}] ${app.name}: ${app.description}\n\n`);
    const exitCode = await runDemo(app.dir);
    if (exitCode !== 0) {
      return { passed, failed: { name: app.name, exitCode }, seconds: elapsed(started) };
    }
    passed.push(app.name);
  }
  return { passed, seconds: elapsed(started) };
}

/**
 * Renders the tour's closing line.
 *
 * @param result What {@link runTour} returned.
 * @param total How many apps the tour had.
 * @returns One line.
 */
export function summarize(result: TourResult, total: number): string {
  if (total === 0) return 'demo: no app has a demo yet; nothing to run';
  const time = `${result.seconds.toFixed(1)} s`;
  if (result.failed) {
    const { name, exitCode } = result.failed;
    return `demo: ${name} failed (exit ${exitCode}) after ${result.passed.length} of ${total} apps passed, ${time}`;
  }
  if (total === 1) return `demo: ${result.passed[0]} passed in ${time}`;
  return `demo: all ${total} apps passed in ${time} (${result.passed.join(', ')})`;
}

function runDemo(dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['run', '--silent', 'demo'], { cwd: dir, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function elapsed(started: number): number {
  return (performance.now() - started) / 1000;
}
