/** The runtime import graph of src/*.ts, read with TypeScript's own parser (type-only imports left out). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The package's src folder. */
export const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Which src files each src file loads when it runs: `import`, `export ... from` and `import()`
 * of a relative path. `import type` and `export type` are erased and left out; an import whose
 * names are all inline `type` (`import { type A } from`) is kept, because under
 * `verbatimModuleSyntax` it still loads the module for its side effects.
 * @returns a map from file name (`address.ts`) to the file names it loads
 * @example runtimeImports().get('address.ts') // ['ipv4-address.ts', 'ipv6-address.ts']
 */
export function runtimeImports(): Map<string, string[]> {
  const files = readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(SRC + file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    const targets: string[] = [];
    const visit = (node: ts.Node): void => {
      let specifier: ts.Expression | undefined;
      if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
        specifier = node.moduleSpecifier;
      } else if (ts.isExportDeclaration(node) && !node.isTypeOnly) {
        specifier = node.moduleSpecifier;
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword
      ) {
        specifier = node.arguments[0];
      }
      if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('./')) {
        targets.push(specifier.text.slice(2));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/**
 * Every cycle reachable in `graph`, each as the path that closes it (`a.ts -> b.ts -> a.ts`).
 * @param graph edges from each node to the nodes it loads
 * @returns the cycles found by a depth-first search, empty when there is none
 * @example findCycles(new Map([['a', ['b']], ['b', ['a']]])) // ['a -> b -> a']
 */
export function findCycles(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): void => {
    const at = path.indexOf(node);
    if (at >= 0) {
      cycles.push([...path.slice(at), node].join(' -> '));
      return;
    }
    if (done.has(node)) return;
    path.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    path.pop();
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) visit(node);
  return cycles;
}

/**
 * The src files that loading `entry` loads, itself included.
 * @param graph from {@link runtimeImports}
 * @param entry a file name such as `endpoint-api.ts`
 * @returns the sorted file names
 * @example closure(runtimeImports(), 'errors.ts') // ['errors.ts']
 */
export function closure(graph: Map<string, string[]>, entry: string): string[] {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...(graph.get(file) ?? []));
  }
  return [...seen].sort();
}
