/** Loss accounting from sequence numbers: each case counted exactly. */
import { describe, expect, it } from 'vitest';
import { LossAccounting, WINDOW } from './loss.ts';

function run(seqs: number[]) {
  const loss = new LossAccounting();
  const fresh = seqs.map((seq) => loss.add('a', seq));
  const { received, lost, reordered, duplicated, late, restarts } = loss.get('a')!;
  return { received, lost, reordered, duplicated, late, restarts, fresh };
}

describe('LossAccounting', () => {
  it('counts an unbroken sequence as all received', () => {
    expect(run([0, 1, 2, 3])).toMatchObject({ received: 4, lost: 0, reordered: 0, duplicated: 0 });
  });

  it('counts gaps as lost', () => {
    expect(run([0, 1, 4, 5, 9])).toMatchObject({
      received: 5,
      lost: 5,
      reordered: 0,
      duplicated: 0,
    });
  });

  it('moves a late arrival from lost to reordered', () => {
    expect(run([0, 2, 3, 1, 4])).toMatchObject({
      received: 5,
      lost: 0,
      reordered: 1,
      duplicated: 0,
    });
  });

  it('counts copies as duplicated and tells the caller to skip them', () => {
    const r = run([0, 1, 1, 2, 0]);
    expect(r).toMatchObject({ received: 3, lost: 0, reordered: 0, duplicated: 2 });
    expect(r.fresh).toEqual([true, true, false, true, false]);
  });

  it('tells a reordered datagram from a duplicate after slots are reused', () => {
    const seqs = Array.from({ length: WINDOW * 3 }, (_, i) => i).filter(
      (i) => i !== WINDOW * 2 + 5,
    );
    seqs.push(WINDOW * 2 + 5, WINDOW * 2 + 6);
    expect(run(seqs)).toMatchObject({ received: WINDOW * 3, lost: 0, reordered: 1, duplicated: 1 });
  });

  it('counts arrivals older than the window as late, and a far jump back as a restart', () => {
    const seqs = Array.from({ length: WINDOW + 10 }, (_, i) => i);
    expect(run([...seqs, 3])).toMatchObject({ late: 1, duplicated: 0 });
    expect(run([WINDOW * 20, 0, 1])).toMatchObject({ restarts: 1, received: 3, lost: 0 });
  });

  it('keeps sources apart and expires silent ones', () => {
    const loss = new LossAccounting();
    loss.add('a', 0, 1000);
    loss.add('b', 5, 2000);
    loss.add('b', 7, 2000);
    expect(loss.get('b')).toMatchObject({ received: 2, lost: 1 });
    loss.expire(1500);
    expect(loss.list().map((s) => s.source)).toEqual(['b']);
  });

  it('takes a spoofed jump forward past 2^20 as a restart, not as 9e15 lost', () => {
    expect(run([0, 1, 2 ** 53 - 1, 2, 3])).toMatchObject({ lost: 0, restarts: 2, received: 5 });
    expect(run([0, 2 ** 20])).toMatchObject({ lost: 2 ** 20 - 1, restarts: 0 });
  });

  it('evicts one-shot sources first, so a spray of fake ids leaves real sources alone', () => {
    const evicted: string[] = [];
    const loss = new LossAccounting(100, (s) => evicted.push(s.source));
    for (let seq = 0; seq < 3; seq++) loss.add('real', seq, seq);
    for (let i = 0; i < 10_001; i++) loss.add(`fake-${i}`, 0, 10 + i);
    expect(loss.evictions).toBe(10_001 + 1 - 100);
    expect(evicted).not.toContain('real');
    expect(loss.size).toBe(100);
    loss.add('real', 5, 20_000);
    expect(loss.get('real')).toMatchObject({ received: 4, lost: 2, resumed: 0 });
  });

  it('reports a source evicted after all as resumed, and counts its gap while evicted as lost', () => {
    const loss = new LossAccounting(2);
    for (let seq = 0; seq < 3; seq++) loss.add('a', seq, seq);
    for (let seq = 0; seq < 3; seq++) loss.add('b', seq, 10 + seq);
    loss.add('c', 0, 20); // both seen more than once: the least recently seen, a, goes
    expect(loss.evictions).toBe(1);
    expect(loss.get('a')).toBeUndefined();
    expect(loss.add('a', 1, 30)).toBe(false); // from before the eviction: late, skipped
    expect(loss.add('a', 10, 31)).toBe(true);
    expect(loss.get('a')).toMatchObject({ received: 4, lost: 7, late: 1, resumed: 1 });
  });
});
