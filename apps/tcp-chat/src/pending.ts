/** The client's requests awaiting an answer: by id (`re`), or by their echo (say, whisper). */
import { ChatError } from './errors.ts';
import type { Message } from './protocol.ts';

interface Pending {
  resolve(m: Message): void;
  reject(e: Error): void;
  match?: ((m: Message) => boolean) | undefined;
}

export class PendingRequests {
  readonly #byId = new Map<number, Pending>();
  #nextId = 1;

  /** Registers a request; returns its id and the promise of its answer. */
  add(match?: (m: Message) => boolean): { id: number; answer: Promise<Message> } {
    const id = this.#nextId++;
    const answer = new Promise<Message>((resolve, reject) => {
      this.#byId.set(id, { resolve, reject, match });
    });
    return { id, answer };
  }

  /** Settles request `re` with its reply (an `error` rejects); false if none was waiting. */
  answer(re: number, msg: Message): boolean {
    const p = this.#byId.get(re);
    if (!p) return false;
    this.#byId.delete(re);
    if (msg.type === 'error') p.reject(new ChatError(msg.code, msg.message));
    else p.resolve(msg);
    return true;
  }

  /** Settles the oldest request whose `match` accepts this unasked message (its echo). */
  echo(msg: Message): void {
    for (const [id, p] of this.#byId) {
      if (p.match?.(msg)) {
        this.#byId.delete(id);
        p.resolve(msg);
        return;
      }
    }
  }

  fail(id: number, err: Error): void {
    this.#byId.get(id)?.reject(err);
    this.#byId.delete(id);
  }

  /** The connection ended: everything still waiting rejects with `code`. */
  failAll(code: string): void {
    for (const p of this.#byId.values()) p.reject(new ChatError(code, 'connection closed'));
    this.#byId.clear();
  }
}
