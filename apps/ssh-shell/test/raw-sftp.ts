/** Test helper: SFTP v3 packets written by hand on a `subsystem sftp` channel, for what no client sends. */

import type ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';

/** Packet types (draft-ietf-secsh-filexfer-02 §3). */
export const SFTP = {
  INIT: 1,
  OPEN: 3,
  READ: 5,
  OPENDIR: 11,
  READDIR: 12,
  STAT: 17,
  VERSION: 2,
  STATUS: 101,
  HANDLE: 102,
  DATA: 103,
  NAME: 104,
  ATTRS: 105,
} as const;

export interface Reply {
  type: number;
  id: number;
  /** STATUS: the code; DATA: the byte count. */
  code?: number;
  handle?: Buffer;
  length?: number;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const str = (s: string | Buffer) => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([u32(b.length), b]);
};

/** uint32 length, byte type, then the fields: one SFTP packet. */
export function packet(type: number, ...fields: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([type]), ...fields]);
  return Buffer.concat([u32(body.length), body]);
}

export const openPacket = (id: number, path: string | Buffer, pflags = 1) =>
  packet(SFTP.OPEN, u32(id), str(path), u32(pflags), u32(0));
export const statPacket = (id: number, path: string | Buffer) =>
  packet(SFTP.STAT, u32(id), str(path));
export const opendirPacket = (id: number, path: string) => packet(SFTP.OPENDIR, u32(id), str(path));
export const readdirPacket = (id: number, handle: Buffer) =>
  packet(SFTP.READDIR, u32(id), str(handle));
export const readPacket = (id: number, handle: Buffer, offset: number, length: number) => {
  const off = Buffer.alloc(8);
  off.writeBigUInt64BE(BigInt(offset));
  return packet(SFTP.READ, u32(id), str(handle), off, u32(length));
};

export interface RawSftp {
  channel: ClientChannel;
  send(p: Buffer): boolean;
  /** The next reply (resolves undefined if the channel closes first). */
  next(): Promise<Reply | undefined>;
  closed: Promise<void>;
}

/** Open `subsystem sftp` and exchange INIT/VERSION; replies are parsed as they arrive. */
export function rawSftp(client: ssh2.Client): Promise<RawSftp> {
  return new Promise((resolve, reject) => {
    client.subsys('sftp', (err, channel) => {
      if (err) return reject(err);
      let buf = Buffer.alloc(0);
      const replies: Reply[] = [];
      const waiters: ((r: Reply | undefined) => void)[] = [];
      let ended = false;
      const closed = new Promise<void>((done) =>
        channel.on('close', () => {
          ended = true;
          for (const w of waiters.splice(0)) w(undefined);
          done();
        }),
      );
      channel.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
          const body = buf.subarray(4, 4 + buf.readUInt32BE(0));
          buf = buf.subarray(4 + body.length);
          const r: Reply = { type: body[0]!, id: body.length >= 5 ? body.readUInt32BE(1) : 0 };
          if (r.type === SFTP.STATUS) r.code = body.readUInt32BE(5);
          if (r.type === SFTP.HANDLE) r.handle = body.subarray(9, 9 + body.readUInt32BE(5));
          if (r.type === SFTP.DATA) r.length = body.readUInt32BE(5);
          const w = waiters.shift();
          if (w) w(r);
          else replies.push(r);
        }
      });
      const raw: RawSftp = {
        channel,
        send: (p) => channel.write(p),
        next: () =>
          replies.length > 0
            ? Promise.resolve(replies.shift())
            : ended
              ? Promise.resolve(undefined)
              : new Promise((r) => waiters.push(r)),
        closed,
      };
      raw.send(packet(SFTP.INIT, u32(3)));
      raw
        .next()
        .then((v) => (v?.type === SFTP.VERSION ? resolve(raw) : reject(new Error('no VERSION'))));
    });
  });
}
