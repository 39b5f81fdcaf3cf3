/** Character sets: from the BOM, the Content-Type header or a <meta> prescan, decoded by ICU. */
import { TextDecoder } from 'node:util';

const decoders = new Map<string, TextDecoder>();

/** A TextDecoder for a WHATWG label (`iso-8859-1`, `shift_jis`...), or null when unknown. */
export function decoderFor(label: string): TextDecoder | null {
  const key = label.trim().toLowerCase();
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(key);
    } catch {
      return null; // RangeError: not a label the Encoding Standard knows
    }
    decoders.set(key, decoder);
  }
  return decoder;
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

function bomCharset(body: Uint8Array): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/**
 * Decodes an HTML body. Order as the HTML Standard: BOM, then the header's charset, then the
 * document's <meta>, then UTF-8 (the Standard's last resort is a locale guess; UTF-8 is the
 * right guess for ~98% of today's web). Returns the text and the encoding used.
 */
export function decodeHtml(
  body: Uint8Array,
  contentType: string | undefined,
): { text: string; charset: string } {
  const label = bomCharset(body) ?? charsetFromContentType(contentType);
  const decoder = (label && decoderFor(label)) || decoderFor(charsetFromMeta(body) ?? 'utf-8');
  if (decoder) return { text: decoder.decode(body), charset: decoder.encoding };
  return { text: decoderFor('utf-8')!.decode(body), charset: 'utf-8' };
}
