/** The JSDoc of src: every public member documented, and every `@example expr // result` true. */
import { readdirSync, readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';
import { SRC } from './module-graph.ts';

interface Example {
  where: string;
  code: string;
  expected: string;
}

function sources(): ts.SourceFile[] {
  return readdirSync(SRC)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) =>
      ts.createSourceFile(f, readFileSync(SRC + f, 'utf8'), ts.ScriptTarget.Latest, true),
    );
}

/** Every `@example` of the form `expression // expected` that can run without I/O. */
function examples(): { checked: Example[]; skipped: string[] } {
  const checked: Example[] = [];
  const skipped: string[] = [];
  const visit = (node: ts.Node, file: string): void => {
    for (const tag of ts.getJSDocTags(node)) {
      if (tag.tagName.text !== 'example') continue;
      const text = (ts.getTextOfJSDocComment(tag.comment) ?? '').replace(/\s*\n\s*/g, ' ');
      const where = `${file}:${node.getSourceFile().getLineAndCharacterOfPosition(tag.pos).line + 1}`;
      const split = text.lastIndexOf(' // ');
      // `await` means a server (DNS, a listener); those examples are shown, not run.
      if (split < 0 || text.includes('await ')) {
        skipped.push(`${where} ${text}`);
        continue;
      }
      checked.push({ where, code: text.slice(0, split), expected: text.slice(split + 4) });
    }
    ts.forEachChild(node, (child) => visit(child, file));
  };
  for (const source of sources()) visit(source, source.fileName);
  // A tag is found once per node that carries it; keep one of each.
  const unique = new Map(checked.map((e) => [`${e.where} ${e.code}`, e]));
  return { checked: [...unique.values()], skipped: [...new Set(skipped)] };
}

/** Runs `code` with the package's exports in scope, in this realm (so results compare with toEqual). */
function evaluate(code: string): unknown {
  const names = Object.keys(api).join(', ');
  const run = runInThisContext(`(({ ${names} }) => (${code}))`) as (scope: object) => unknown;
  return run(api);
}

describe('JSDoc examples', () => {
  const { checked, skipped } = examples();

  it('most examples are checked (the rest need a server or are declarations)', () => {
    expect(checked.length).toBeGreaterThan(90);
    expect(skipped.length).toBeLessThan(25);
  });

  it.each(checked.map((e) => [`${e.where} ${e.code}`, e] as const))('%s', (_name, example) => {
    expect(evaluate(example.code)).toEqual(evaluate(example.expected));
  });
});

describe('JSDoc coverage of the public API', () => {
  // Building a TypeScript program with node's types takes a few seconds.
  it('every export, and every public method of an exported class, has its tags', {
    timeout: 60_000,
  }, () => {
    const program = ts.createProgram([`${SRC}index.ts`], {
      allowImportingTsExtensions: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
    });
    const checker = program.getTypeChecker();
    const index = checker.getSymbolAtLocation(program.getSourceFile(`${SRC}index.ts`)!)!;
    const gaps: string[] = [];
    const check = (name: string, node: ts.Node, needExample: boolean): void => {
      const tags = ts.getJSDocTags(node);
      const has = (tag: string) => tags.some((t) => t.tagName.text === tag);
      if (ts.getJSDocCommentsAndTags(node).length === 0) gaps.push(`${name}: no JSDoc`);
      if (needExample && !has('example')) gaps.push(`${name}: no @example`);
      if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) {
        const documented = tags.filter(ts.isJSDocParameterTag).map((t) => t.name.getText());
        for (const p of node.parameters) {
          if (!documented.includes(p.name.getText()))
            gaps.push(`${name}: no @param ${p.name.getText()}`);
        }
        if (!has('returns')) gaps.push(`${name}: no @returns`);
      }
      if (ts.isConstructorDeclaration(node)) {
        const documented = tags.filter(ts.isJSDocParameterTag).map((t) => t.name.getText());
        for (const p of node.parameters) {
          if (!documented.includes(p.name.getText()))
            gaps.push(`${name}: no @param ${p.name.getText()}`);
        }
      }
    };
    for (const exported of checker.getExportsOfModule(index)) {
      const symbol = checker.getAliasedSymbol(exported);
      for (const node of symbol.declarations ?? []) {
        check(exported.name, node, true);
        if (!ts.isClassDeclaration(node)) continue;
        for (const member of node.members) {
          const flags = ts.getCombinedModifierFlags(member);
          if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
          const label = `${exported.name}.${member.name?.getText() ?? 'constructor'}`;
          if (ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) {
            check(label, member, true);
          } else if (ts.isGetAccessor(member) || ts.isPropertyDeclaration(member)) {
            check(label, member, false);
          }
        }
      }
    }
    expect(gaps).toEqual([]);
  });
});
