/** Bench 2: send-to-arrival latency through IDLE (watchFolder), and the submission ack time beside it. */
import type { MailSession } from '../src/client.ts';
import { watchFolder } from '../src/watcher.ts';

export interface ArrivalTimes {
  /** From just before SMTP submission until watch reported the message. */
  arrival: number[];
  /** From just before SMTP submission until the server's 250 (delivery by LMTP is done then). */
  submitted: number[];
}

export async function timeArrivals(
  sender: MailSession,
  receiver: MailSession,
  count: number,
): Promise<ArrivalTimes> {
  const pending = new Map<string, (at: number) => void>();
  const controller = new AbortController();
  let ready!: () => void;
  const watching = new Promise<void>((resolve) => (ready = resolve));
  const watch = watchFolder({
    session: receiver,
    folder: 'INBOX',
    signal: controller.signal,
    onEvent: (e) => e.type === 'watching' && ready(),
    onMessage: (e) => pending.get(e.subject)?.(performance.now()),
  });
  await watching;
  const times: ArrivalTimes = { arrival: [], submitted: [] };
  const transport = await sender.smtp();
  try {
    for (let i = 0; i < count; i++) {
      const subject = `latency probe ${i}`;
      const arrived = new Promise<number>((resolve) => pending.set(subject, resolve));
      const raw = `From: ${sender.account.email}\r\nTo: bob@netlab.test\r\nSubject: ${subject}\r\n\r\nprobe\r\n`;
      // A short idle gap, so each probe finds the watcher in IDLE rather than mid-fetch.
      await new Promise((r) => setTimeout(r, 50));
      const start = performance.now();
      await transport.sendMail({
        envelope: { from: sender.account.email, to: ['bob@netlab.test'] },
        raw,
      });
      times.submitted.push(performance.now() - start);
      times.arrival.push((await arrived) - start);
    }
  } finally {
    transport.close();
    controller.abort();
    await watch;
  }
  return times;
}
