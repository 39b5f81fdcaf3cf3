/** A README carried into a starter, cut to what is true there: no netlab-only commands, files or sections. */

/** What the export knows when it rewrites one README. */
export interface MarkdownContext {
  /** Turns netlab's commands into the starter's (see `rewriteCommands`). */
  commands: (text: string) => string;
  /** Whether a path, relative to the README's folder, exists in the starter. */
  exists: (path: string) => boolean;
  /** Sections left out, by the start of their heading (`Copy out`, `Bench`). */
  dropSections: string[];
}

/** What a starter's texts never say: commands and folders of the netlab repository itself. */
export const NETLAB_ONLY =
  /pnpm\b[^`\n]*--filter|tools\/tour|pnpm transcripts|pnpm starter|tools\//;

type Block =
  | { kind: 'heading'; level: number; lines: string[] }
  | { kind: 'fence' | 'text'; lines: string[] };

/**
 * Rewrites a README for the starter. Transcript markers (the scripts netlab's tour re-runs) go;
 * commands are rewritten; a code block that still runs something the starter lacks goes with
 * the sentence that introduces it; a list or table row naming a file the starter lacks goes; a
 * sentence about netlab's tooling goes (or just its clause, where the rest still says something);
 * a link to a file the starter lacks becomes plain text; a section left empty goes.
 *
 * @param readme The README as it is in netlab.
 * @param context What the starter holds.
 * @returns The README for the starter.
 */
export function exportMarkdown(readme: string, context: MarkdownContext): string {
  const text = context.commands(readme.replace(/<!-- transcript:[\s\S]*?-->\n?/g, ''));
  const blocks = dropSections(parse(text), context.dropSections);
  const out: Block[] = [];
  for (const block of blocks) {
    if (block.kind === 'heading') {
      out.push(block);
      continue;
    }
    if (block.kind === 'fence') {
      if (block.lines.some((line) => unrunnable(line, context))) {
        const previous = out.at(-1);
        if (previous?.kind === 'text' && previous.lines.at(-1)?.endsWith(':')) out.pop();
        continue;
      }
      out.push(block);
      continue;
    }
    const lines = cleanText(block.lines, context);
    if (lines.length > 0) out.push({ kind: 'text', lines });
  }
  return `${dropEmptySections(out)
    .map((block) => block.lines.join('\n'))
    .join('\n\n')}\n`;
}

function parse(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  let fence = false;
  for (const line of text.split('\n')) {
    if (fence) {
      current?.lines.push(line);
      if (/^\s*```/.test(line)) fence = false;
      continue;
    }
    if (/^\s*```/.test(line)) {
      current = { kind: 'fence', lines: [line] };
      blocks.push(current);
      fence = true;
      continue;
    }
    const heading = /^(#{1,6}) /.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: (heading[1] as string).length, lines: [line] });
      current = undefined;
    } else if (line.trim() === '') {
      current = undefined;
    } else if (current?.kind === 'text') {
      current.lines.push(line);
    } else {
      current = { kind: 'text', lines: [line] };
      blocks.push(current);
    }
  }
  return blocks;
}

function dropSections(blocks: Block[], names: string[]): Block[] {
  const out: Block[] = [];
  let dropping = 0; // the level of the heading being dropped, 0 when none
  for (const block of blocks) {
    if (block.kind === 'heading') {
      if (dropping && block.level > dropping) continue;
      const title = (block.lines[0] as string).replace(/^#+\s*/, '').toLowerCase();
      dropping = names.some((name) => title.startsWith(name.toLowerCase())) ? block.level : 0;
    }
    if (!dropping) out.push(block);
  }
  return out;
}

function dropEmptySections(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const [index, block] of blocks.entries()) {
    if (block.kind === 'heading' && index > 0) {
      const next = blocks.slice(index + 1).find(() => true);
      const empty = !next || (next.kind === 'heading' && next.level <= block.level);
      if (empty) continue;
    }
    out.push(block);
  }
  return out;
}

// A command line that cannot run in the starter: netlab's own commands, or a file not carried.
function unrunnable(line: string, context: MarkdownContext): boolean {
  if (NETLAB_ONLY.test(line)) return true;
  const paths = line.match(/\bpackages\/[\w.-]+\/[\w./-]+\.[cm]?[jt]s\b/g) ?? [];
  return paths.some((path) => !context.exists(path));
}

// Paths a list item or table row is about: its code spans that look like files of the project.
const FILE_SPAN = /`((?:src|bench|test|bin|packages)\/[^`\s]+)`/g;

function cleanText(lines: string[], context: MarkdownContext): string[] {
  const item = /^\s*(?:[-*+] |\d+\. |\|)/;
  if (item.test(lines[0] as string)) {
    // A list or table: drop the items (with their continuation lines) that name a missing file.
    const out: string[] = [];
    let keep = true;
    for (const line of lines) {
      if (item.test(line) || !/^\s/.test(line)) {
        const files = [...line.matchAll(FILE_SPAN)].map((m) => m[1] as string);
        keep = !files.some((file) => !context.exists(file)) && !NETLAB_ONLY.test(line);
      }
      if (keep) out.push(unlink(line, context));
    }
    return out;
  }
  const prose = lines.join(' ');
  const cut = prose
    .replace(/,?\s*(?:is\s+)?run by `pnpm transcripts`[^()]*\(see\s+`tools\/tour`\)/g, '')
    .replace(/\s*`pnpm transcripts` runs \(see `tools\/tour`\)/g, '');
  const sentences = cut.split(/(?<=[.!?])\s+(?=\S)/);
  const kept = sentences.map(withoutNetlabClauses).filter((sentence) => sentence !== '');
  if (kept.length === 0) return [];
  const result = unlink(kept.join(' '), context);
  return result === prose ? lines : wrap(result, 92);
}

// A sentence without its `;`-separated clauses about netlab's tooling ('' when nothing is left);
// the dropped clause's closing `)` and full stop stay.
function withoutNetlabClauses(sentence: string): string {
  if (!NETLAB_ONLY.test(sentence)) return sentence;
  const clauses = sentence.split('; ');
  const kept = clauses.filter((clause) => !NETLAB_ONLY.test(clause));
  if (kept.length === 0) return '';
  let text = kept.join('; ');
  const last = clauses.at(-1) as string;
  if (NETLAB_ONLY.test(last)) text += /\)?[.!?:]?$/.exec(last)?.[0] ?? '';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// `[text](path)` to a file the starter lacks becomes `text`.
function unlink(line: string, context: MarkdownContext): string {
  return line.replace(
    /\[([^\]]+)\]\(([^)#\s]+)(#[^)]*)?\)/g,
    (all, label: string, target: string) =>
      /^[a-z]+:/.test(target) || context.exists(target) ? all : label,
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  // A code span is one word: a line break inside it would show as a space.
  for (const word of text.match(/(?:[^\s`]*`[^`]*`)+[^\s`]*|\S+/g) ?? []) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
