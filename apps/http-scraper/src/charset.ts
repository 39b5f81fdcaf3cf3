/** Character sets: from the BOM, the Content-Type header or a <meta> prescan, decoded per WHATWG. */
import { getBOMEncoding, normalizeEncoding, TextDecoder } from '@exodus/bytes/encoding.js';

// Decoding goes through @exodus/bytes, which follows the WHATWG Encoding Standard's label table
// and byte indexes. Node 20's own TextDecoder (ICU) knows the labels but decodes windows-1252
// as ISO-8859-1: bytes 0x80-0x9f came out as C1 controls instead of “ ” – € and friends, and
// the Standard (like every browser) reads `iso-8859-1`, `latin1` and `us-ascii` as windows-1252.
const decoders = new Map<string, InstanceType<typeof TextDecoder>>();

/**
 * The Encoding Standard's name for a label (`latin1` -> `windows-1252`, `sjis` -> `shift_jis`),
 * or null for a label it does not know. `replacement` is a real answer: `iso-2022-kr` and a few
 * other labels map to it, so that a page in those encodings cannot smuggle markup past a filter.
 */
export function encodingFor(label: string): string | null {
  return normalizeEncoding(label.trim());
}

function decode(name: string, body: Uint8Array): string {
  // Encoding Standard §4.2: the replacement decoder turns any input into one U+FFFD.
  if (name === 'replacement') return body.length > 0 ? '\ufffd' : '';
  let decoder = decoders.get(name);
  if (decoder === undefined) {
    decoder = new TextDecoder(name);
    decoders.set(name, decoder);
  }
  return decoder.decode(body);
}

/** The `charset` parameter of a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType) : null;
  return match?.[1];
}

const META = /<meta\s[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)/i;

/**
 * The HTML "prescan": a `<meta charset=...>` or `<meta http-equiv content="...; charset=...">`
 * in the first 1024 bytes (HTML Standard §13.2.3.2, simplified to one regular expression).
 */
export function charsetFromMeta(body: Uint8Array): string | undefined {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 1024)).toString(
    'latin1',
  );
  return META.exec(head)?.[1];
}

// HTML Standard §13.2.3.2 prescan, last steps: a document cannot declare UTF-16 in its own
// ASCII bytes (it would not be UTF-16 then), and x-user-defined is read as windows-1252.
function fromMeta(label: string | undefined): string | null {
  const name = label === undefined ? null : encodingFor(label);
  if (name === 'utf-16le' || name === 'utf-16be') return 'utf-8';
  if (name === 'x-user-defined') return 'windows-1252';
  return name;
}

/**
 * Decodes an HTML body. Order as the HTML Standard: BOM, then the header's charset, then the
 * document's <meta>, then UTF-8 (the Standard's last resort is a locale guess; UTF-8 is the
 * right guess for ~98% of today's web). A label nobody knows counts as no label. Returns the
 * text and the encoding's WHATWG name.
 */
export function decodeHtml(
  body: Uint8Array,
  contentType: string | undefined,
): { text: string; charset: string } {
  const header = charsetFromContentType(contentType);
  const charset =
    getBOMEncoding(body) ??
    (header === undefined ? null : encodingFor(header)) ??
    fromMeta(charsetFromMeta(body)) ??
    'utf-8';
  return { text: decode(charset, body), charset };
}
