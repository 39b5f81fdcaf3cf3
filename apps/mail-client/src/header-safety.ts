/** Header values: control characters refused on the command line, removed from what servers send. */
import { UsageError } from '@netlab/cli';

// C0 controls (CR and LF among them), DEL, C1 controls and the Unicode line/paragraph separators.
// A CR LF inside a header value ends the header and starts a new one (RFC 5322 §2.2): a
// `--to 'bob@x\r\nBcc: eve@x'` would add a Bcc the user never saw. No address, subject or file
// name needs any of them, so they are refused rather than encoded.
const isControl = (c: number) =>
  c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;

/** The index of the first control character in `value`, or -1. */
export function controlIndex(value: string): number {
  for (let i = 0; i < value.length; i++) if (isControl(value.charCodeAt(i))) return i;
  return -1;
}

/**
 * Returns `value` when it holds no control character.
 * @throws {UsageError} ERR_USAGE naming the option and the character.
 */
export function checkHeaderValue(option: string, value: string): string {
  const at = controlIndex(value);
  if (at >= 0) {
    const code = value.charCodeAt(at).toString(16).padStart(4, '0');
    throw new UsageError(
      `${option} contains the control character U+${code.toUpperCase()}; header values cannot hold control characters`,
    );
  }
  return value;
}

/**
 * What a server sent (a display name, a subject decoded from RFC 2047 words, a file name), made
 * safe to print and to reuse in a reply: each run of control characters becomes one space, so
 * `=?utf-8?q?Eve=0D=0ABcc:_x?=` can neither add a header nor move the terminal's cursor.
 */
export function stripControls(text: string): string {
  if (controlIndex(text) < 0) return text;
  let out = '';
  let inRun = false;
  for (const char of text) {
    const control = isControl(char.charCodeAt(0));
    if (!control) out += char;
    else if (!inRun) out += ' ';
    inRun = control;
  }
  return out;
}

/** A Message-ID as RFC 5322 §3.6.4 shapes it (`<left@right>`, no spaces), or null. */
export function safeMessageId(id: string | null | undefined): string | null {
  return id && /^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(id) ? id : null;
}
