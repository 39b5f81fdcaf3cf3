/** --trace: pick the protocol events out of ssh2's debug stream (kex, auth, channel requests). */

/** Per-packet data noise that would drown the exchange. */
const NOISE =
  /CHANNEL_DATA|CHANNEL_EXTENDED_DATA|CHANNEL_WINDOW_ADJUST|IGNORE|\(local\)|\(remote\)/;
const EVENTS = /^(Handshake:|Outbound:|Inbound:|Client:|Agent:|Remote ident|Socket|Debug output)/;

/** Wrap a line printer into an ssh2 `debug` function that keeps only the protocol events. */
export function protocolTrace(print: (line: string) => void): (message: string) => void {
  return (message) => {
    // The server prefixes each connection's lines with `[hrtime] `.
    const text = message.replace(/^\[[\d.]+\] /, '');
    if (!EVENTS.test(text) || NOISE.test(text)) return;
    print(text);
  };
}
