/** The command table: one entry per command family file. */
import type { Command } from '../command.ts';
import { demo } from './demo.ts';
import { devServer } from './dev.ts';
import { flag, unflag } from './flags.ts';
import { folders } from './folders.ts';
import { list } from './list.ts';
import { move, remove } from './move.ts';
import { attachments, read } from './read.ts';
import { forward, reply } from './reply.ts';
import { search } from './search.ts';
import { send } from './send.ts';
import { watch } from './watch.ts';

/** A command that needs no account (it starts or drives the local stack). */
export interface LocalCommand {
  name: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Command[] = [
  folders,
  list,
  search,
  read,
  attachments,
  send,
  reply,
  forward,
  flag,
  unflag,
  move,
  remove,
  watch,
];
export const LOCAL_COMMANDS: LocalCommand[] = [devServer, demo];
