/** CSS selectors matched while streaming: each element is tested against its open ancestors. */
import { type AttributeSelector, parse, type Selector } from 'css-what';
import { CrawlError } from './errors.ts';

/** An open element as the streaming parser sees it. */
export interface OpenElement {
  name: string;
  attribs: Record<string, string>;
}

type Test = (el: OpenElement) => boolean;
interface Compound {
  test: Test;
  /** How this compound relates to the one on its right: `child` or `descendant`. */
  combinator: 'child' | 'descendant';
}
/** One selector of a list, compounds from right (the subject) to left. */
type Chain = Compound[];

/** A compiled selector list; `null` from {@link compileStreaming} means "needs a DOM". */
export type StreamingSelector = (stack: readonly OpenElement[]) => boolean;

function attributeTest(token: AttributeSelector): Test | null {
  const { name, action } = token;
  const fold = token.ignoreCase === true;
  const want = fold ? token.value.toLowerCase() : token.value;
  const read = (el: OpenElement): string | undefined => {
    const value = el.attribs[name];
    return fold && value !== undefined ? value.toLowerCase() : value;
  };
  switch (action) {
    case 'exists':
      return (el) => el.attribs[name] !== undefined;
    case 'equals':
      return (el) => read(el) === want;
    case 'element':
      return (el) => read(el)?.split(/\s+/).includes(want) === true;
    case 'start':
      return (el) => want !== '' && read(el)?.startsWith(want) === true;
    case 'end':
      return (el) => want !== '' && read(el)?.endsWith(want) === true;
    case 'any':
      return (el) => want !== '' && read(el)?.includes(want) === true;
    case 'hyphen':
      return (el) => {
        const value = read(el);
        return value === want || value?.startsWith(`${want}-`) === true;
      };
    default:
      return null; // `not` ([a!=b]) is a jQuery extension: leave it to css-select
  }
}

// Compiles one selector of a list, or returns null when it needs siblings or pseudo-classes.
function compileChain(tokens: Selector[]): Chain | null {
  const chain: Chain = [];
  let tests: Test[] = [];
  let combinator: Compound['combinator'] = 'descendant';
  const close = (next: Compound['combinator']): void => {
    const all = tests;
    chain.unshift({ test: (el) => all.every((t) => t(el)), combinator });
    combinator = next;
    tests = [];
  };
  for (const token of tokens) {
    if (token.type === 'tag') tests.push((el) => el.name === token.name);
    else if (token.type === 'universal') tests.push(() => true);
    else if (token.type === 'attribute') {
      const test = attributeTest(token);
      if (!test) return null;
      tests.push(test);
    } else if (token.type === 'child' || token.type === 'descendant') close(token.type);
    else return null; // siblings, pseudo-classes, ::pseudo-elements
  }
  close('descendant');
  // chain[0] is the subject; each entry's combinator (the one written to its left) links it to
  // the entry after it: `div > p span` is [span (descendant of), p (child of), div].
  return chain;
}

function matchChain(chain: Chain, stack: readonly OpenElement[], at: number, k: number): boolean {
  if (!chain[k]!.test(stack[at]!)) return false;
  if (k === chain.length - 1) return true;
  if (chain[k]!.combinator === 'child') return at > 0 && matchChain(chain, stack, at - 1, k + 1);
  for (let up = at - 1; up >= 0; up--) if (matchChain(chain, stack, up, k + 1)) return true;
  return false;
}

/** Parses a selector; @throws {CrawlError} `ERR_BAD_SELECTOR` when css-what rejects it. */
export function parseSelector(css: string): Selector[][] {
  try {
    return parse(css);
  } catch (error) {
    throw new CrawlError(
      'ERR_BAD_SELECTOR',
      `bad CSS selector '${css}': ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Compiles a selector list for streaming matching: the innermost open element of `stack` is the
 * candidate. Supports type, universal, `#id`, `.class`, attribute selectors, descendant and
 * child combinators; returns null for anything else (siblings, :pseudo-classes).
 */
export function compileStreaming(css: string): StreamingSelector | null {
  const chains: Chain[] = [];
  for (const tokens of parseSelector(css)) {
    const chain = compileChain(tokens);
    if (!chain) return null;
    chains.push(chain);
  }
  return (stack) => chains.some((chain) => matchChain(chain, stack, stack.length - 1, 0));
}
