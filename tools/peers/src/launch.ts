/** launchInStateDir: the start-and-clean-up shape every single-config peer shares. */
import type { Daemon } from './daemon.ts';
import { withFreshPorts } from './ports.ts';
import { makeStateDir, removeStateDir } from './state.ts';

/** A daemon running in a state folder of its own. */
export interface Launched {
  daemon: Daemon;
  /** The ports it was started on, in the order `start` was given them. */
  ports: number[];
  stateDir: string;
  /** Ends the daemon and removes its state folder. */
  stop(): Promise<void>;
}

/**
 * Makes a fresh state folder, runs `start` with `count` free ports (again with new ones when a
 * port race is lost), and removes the folder if the start fails.
 *
 * @param name The peer's name, used for the state folder.
 * @param count How many ports the daemon listens on.
 * @param start Writes the config into the folder and starts the daemon on the ports.
 * @returns The running daemon, its ports and folder, and a stop that cleans up both.
 */
export async function launchInStateDir(
  name: string,
  count: number,
  start: (stateDir: string, ports: number[]) => Promise<Daemon>,
): Promise<Launched> {
  const stateDir = await makeStateDir(name);
  try {
    const [daemon, ports] = await withFreshPorts(
      count,
      async (ports) => [await start(stateDir, ports), ports] as const,
    );
    return {
      daemon,
      ports,
      stateDir,
      async stop() {
        await daemon.stop();
        await removeStateDir(stateDir);
      },
    };
  } catch (err) {
    await removeStateDir(stateDir);
    throw err;
  }
}
