/** What one source file imports and exports, read with the TypeScript parser (no type checking). */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** Names a file asks of a module: some by name, or `'all'` (namespace, side effect, `export *`). */
export type Wanted = ReadonlySet<string> | 'all';

/** One module specifier a file uses, with the names it takes from it. */
export interface ImportEdge {
  /** As written: `./wire.ts`, `@netlab/framing`, `statsd/stats.js`. */
  specifier: string;
  names: Wanted;
}

/** One `export ... from` statement of a barrel. */
export interface ReExport {
  specifier: string;
  /** Exported name -> the name in the target module; undefined for `export * from`. */
  names: ReadonlyMap<string, string> | undefined;
  /** The statement's text, without leading comments. */
  text: string;
  /** Where that text starts and ends in the file. */
  start: number;
  end: number;
}

/** A parsed source file, as far as following imports needs it. */
export interface ModuleFacts {
  imports: ImportEdge[];
  /**
   * Set when every statement is an `export ... from`: a barrel, which a starter may cut down
   * to the statements the app needs.
   */
  barrel: ReExport[] | undefined;
  /** Names the file exports from its own declarations (`export function x`, `export { y }`). */
  own: ReadonlySet<string>;
  /** The file's text. */
  text: string;
}

const cache = new Map<string, ModuleFacts>();

/**
 * Reads a TypeScript or JavaScript file's imports, re-exports and own exports. Besides static
 * imports it counts the forms that load a package at run time: `import('x')`, `require('x')`,
 * `require.resolve('x')`, `import.meta.resolve('x')` and `createRequire(...)('x')`.
 *
 * @param path The file's absolute path.
 * @returns Its facts (cached by path).
 */
export function moduleFacts(path: string): ModuleFacts {
  let facts = cache.get(path);
  if (!facts) {
    facts = parseModule(path, readFileSync(path, 'utf8'));
    cache.set(path, facts);
  }
  return facts;
}

/**
 * {@link moduleFacts} for a text in hand.
 *
 * @param path The file's name (its extension picks TypeScript or JavaScript).
 * @param text The file's text.
 * @returns Its facts.
 */
export function parseModule(path: string, text: string): ModuleFacts {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const imports: ImportEdge[] = [];
  const own = new Set<string>();
  const reExports: ReExport[] = [];
  let barrel = source.statements.length > 0;
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      imports.push({ specifier: statement.moduleSpecifier.text, names: importedNames(statement) });
    }
    if (ts.isExportDeclaration(statement)) {
      if (statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const reExport = reExportOf(statement, statement.moduleSpecifier.text, source);
        reExports.push(reExport);
        const names = reExport.names ? new Set(reExport.names.values()) : 'all';
        imports.push({ specifier: reExport.specifier, names });
        continue;
      }
      const clause = statement.exportClause;
      if (clause && ts.isNamedExports(clause))
        for (const e of clause.elements) own.add(e.name.text);
    } else {
      for (const name of declaredExports(statement)) own.add(name);
    }
    barrel = false;
  }
  const visit = (node: ts.Node): void => {
    const specifier = loadedAtRunTime(node);
    if (specifier !== undefined) imports.push({ specifier, names: 'all' });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, barrel: barrel ? reExports : undefined, own, text };
}

function importedNames(statement: ts.ImportDeclaration): Wanted {
  const clause = statement.importClause;
  if (!clause) return 'all'; // `import './x.ts'`: run for its side effects
  const names = new Set<string>();
  if (clause.name) names.add('default');
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) return 'all';
  for (const element of bindings?.elements ?? []) {
    names.add((element.propertyName ?? element.name).text);
  }
  return names;
}

function reExportOf(statement: ts.ExportDeclaration, specifier: string, source: ts.SourceFile) {
  const clause = statement.exportClause;
  let names: Map<string, string> | undefined;
  if (clause && ts.isNamedExports(clause)) {
    names = new Map(clause.elements.map((e) => [e.name.text, (e.propertyName ?? e.name).text]));
  } else if (clause) {
    names = new Map([[clause.name.text, '*']]); // `export * as ns from`: the whole module
  }
  const start = statement.getStart(source);
  return {
    specifier,
    names,
    text: source.text.slice(start, statement.end),
    start,
    end: statement.end,
  };
}

function declaredExports(statement: ts.Statement): string[] {
  const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
  if (ts.isExportAssignment(statement)) return ['default'];
  if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return [];
  if (modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) return ['default'];
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) =>
      ts.isIdentifier(d.name) ? [d.name.text] : [],
    );
  }
  const named = statement as ts.Statement & { name?: ts.Node };
  return named.name && ts.isIdentifier(named.name) ? [named.name.text] : [];
}

// The string argument of a call that loads a module at run time, if `node` is one.
function loadedAtRunTime(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const [first] = node.arguments;
  if (!first || !ts.isStringLiteral(first)) return undefined;
  const callee = node.expression;
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return first.text;
  if (ts.isIdentifier(callee) && callee.text === 'require') return first.text;
  if (isCreateRequire(callee)) return first.text; // createRequire(import.meta.url)('x')
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve') {
    const target = callee.expression;
    const isRequire = ts.isIdentifier(target) && target.text === 'require';
    if (isRequire || ts.isMetaProperty(target) || isCreateRequire(target)) return first.text;
  }
  return undefined;
}

function isCreateRequire(node: ts.Node): boolean {
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'createRequire'
  );
}

/**
 * The package a bare specifier names: `@scope/name/sub` -> `@scope/name`, `statsd/x.js` ->
 * `statsd`; undefined for relative paths and `node:` builtins.
 *
 * @param specifier A module specifier.
 * @returns The package name, if any.
 */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) {
    return undefined;
  }
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
