/** Cluster requests about people: hello (unique nicks, takeover by token), whisper, nick. */
import type { Req } from './bus.ts';
import { newToken, privateFrame, renamed, welcome } from './local-bus.ts';
import { evict, presence } from './redis-events.ts';
import { claimNick, releaseNick, removeMember } from './redis-keys.ts';
import { type ClusterState, FAILED } from './redis-state.ts';
import type { Session } from './session.ts';

export async function hello(state: ClusterState, s: Session, msg: Req<'hello'>): Promise<void> {
  const { cmd, keys } = state.link;
  const token = msg.token ?? newToken();
  const owner = state.ownerOf(s, token);
  const key = keys.nick(msg.nick);
  const claim = await state.call(s, msg.id, () =>
    claimNick.run(cmd, [key], [owner, state.nickTtl, msg.token ?? '']),
  );
  if (claim === FAILED) return;
  const [result, previous] = claim as [number, string];
  if (result === 0) return s.error('ERR_NICK_IN_USE', `nick ${msg.nick} is taken`, msg.id);
  if (result === 2) evict(state, msg.nick, previous);
  // Gone while Redis answered: give the nick back rather than hold it for a TTL.
  if (s.closing) return state.track(releaseNick.run(cmd, [key], [owner]));
  welcome(state.ctx, s, msg, token);
}

export async function whisper(state: ClusterState, s: Session, msg: Req<'whisper'>): Promise<void> {
  const local = state.ctx.nicks.get(msg.to);
  if (local) {
    const frame = privateFrame(s.nick, local.nick, msg.text);
    local.send(frame);
    if (local !== s) s.send(frame); // the echo is the sender's acknowledgement
    return;
  }
  const { keys, cmd } = state.link;
  const ts = Date.now();
  // To the channel of the server holding the nick; 0 receivers means that server is gone.
  const delivered = await state.call(s, msg.id, async () => {
    const owner = await cmd.get(keys.nick(msg.to));
    if (!owner) return 0;
    const event = { k: 'private', from: s.nick, to: msg.to, ts, text: msg.text };
    return cmd.publish(keys.server(owner.split('/')[0]!), JSON.stringify(event));
  });
  if (delivered === FAILED) return;
  if (delivered === 0) return s.error('ERR_NO_SUCH_NICK', `no one is called ${msg.to}`, msg.id);
  s.reply({ type: 'private', from: s.nick, to: msg.to, ts, text: msg.text });
}

export async function rename(state: ClusterState, s: Session, msg: Req<'nick'>): Promise<void> {
  if (msg.nick === s.nick) return renamed(state.ctx, s, msg);
  const { keys, cmd } = state.link;
  const owner = state.ownerOf(s);
  const claim = await state.call(s, msg.id, () =>
    claimNick.run(cmd, [keys.nick(msg.nick)], [owner, state.nickTtl, '']),
  );
  if (claim === FAILED) return;
  if ((claim as [number])[0] !== 1) {
    return s.error('ERR_NICK_IN_USE', `nick ${msg.nick} is taken`, msg.id);
  }
  const old = s.nick;
  const moved = await state.call(s, msg.id, async () => {
    await releaseNick.run(cmd, [keys.nick(old)], [owner]);
    for (const room of s.rooms.keys()) {
      await removeMember.run(cmd, [keys.members(room)], [old, owner]);
      await cmd.hset(keys.members(room), msg.nick, owner);
    }
  });
  if (moved === FAILED) return;
  renamed(state.ctx, s, msg);
  for (const room of s.rooms.keys())
    presence(state, { room, nick: old, action: 'nick', to: msg.nick });
}
