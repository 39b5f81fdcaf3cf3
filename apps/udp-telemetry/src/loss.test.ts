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
});
