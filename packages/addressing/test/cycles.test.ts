/** No runtime import cycle among src files: each module can load before the ones that need it. */
import { describe, expect, it } from 'vitest';
import { findCycles, runtimeImports } from './module-graph.ts';

describe('src import graph', () => {
  it('has no runtime import cycle (import type is not an edge)', () => {
    const graph = runtimeImports();
    expect(graph.get('address.ts')).toEqual(['ipv4-address.ts', 'ipv6-address.ts']);
    expect(findCycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycles(graph)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts']);
  });
});
