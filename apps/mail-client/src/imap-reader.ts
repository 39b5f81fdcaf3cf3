/** IMAP response framing: bytes in any chunking -> whole responses (a line plus its `{n}` literals). */
import { MailError } from './errors.ts';

/**
 * One server response as it came off the wire: the text with each literal left as its `{n}`
 * marker, and the literals' bytes in order. RFC 3501 §4.3: a literal is `{n}` CRLF then exactly
 * n bytes, after which the same response line continues.
 */
export interface RawResponse {
  text: string;
  literals: Buffer[];
}

export interface ReaderLimits {
  /** Longest response text (all its line parts, literals not counted), in bytes. */
  maxLine: number;
  /** Largest single literal, in bytes. */
  maxLiteral: number;
  /**
   * Most literals in one response (default 10,000; a FETCH holds a handful). Each costs a Buffer
   * however small, so a response of endless `{1}` literals would otherwise grow without limit.
   */
  maxLiterals?: number;
}

/** The same bounds the imapflow session uses: a 64 MiB line, a 128 MiB message. */
export const DEFAULT_LIMITS: ReaderLimits = {
  maxLine: 64 * 1024 * 1024,
  maxLiteral: 128 * 1024 * 1024,
};

const LF = 0x0a;
const CR = 0x0d;
// A line part that announces a literal ends with {n} (or {n+}, LITERAL+ from a client, which a
// server never sends but costs nothing to accept). Ten digits cap n far below 2^53.
const LITERAL_AT_END = /\{(\d{1,10})\+?\}$/;

/**
 * Splits a byte stream into responses. Feed it every chunk with `push`; it returns the responses
 * completed by that chunk and keeps the rest. Past a limit it throws ERR_TOO_LARGE, and the
 * connection must be dropped: the reader does not resynchronise after an error.
 */
export class ResponseReader {
  /** Chunks of an unfinished line (none holds an LF), kept apart so a long line costs O(n). */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private text = '';
  private literals: Buffer[] = [];
  /** While reading a literal: the bytes still missing, and the parts read so far. */
  private literalLeft = -1;
  private literalParts: Buffer[] = [];
  /** Literal bytes announced in the current response: at most maxLiteral + maxLine in all. */
  private literalBytes = 0;
  private failed: MailError | undefined;

  constructor(private readonly limits: ReaderLimits = DEFAULT_LIMITS) {}

  /**
   * Adds a chunk and returns the responses it completed, in order.
   * @throws {MailError} ERR_TOO_LARGE when a line or literal passes the limits.
   */
  push(chunk: Buffer): RawResponse[] {
    if (this.failed) throw this.failed;
    try {
      return this.consume(chunk);
    } catch (error) {
      this.failed = error as MailError;
      throw error;
    }
  }

  /** True when no partial response is buffered (a clean place for the peer to stop). */
  get idle(): boolean {
    return this.pendingLength === 0 && this.text === '' && this.literalLeft < 0;
  }

  private consume(chunk: Buffer): RawResponse[] {
    const out: RawResponse[] = [];
    let data = chunk;
    if (this.pending.length) {
      if (chunk.indexOf(LF) < 0) {
        this.keep(chunk);
        return out;
      }
      data = Buffer.concat([...this.pending, chunk]);
      this.pending = [];
      this.pendingLength = 0;
    }
    while (data.length || this.literalLeft === 0) {
      if (this.literalLeft >= 0) {
        const take = Math.min(this.literalLeft, data.length);
        this.literalParts.push(data.subarray(0, take));
        this.literalLeft -= take;
        data = data.subarray(take);
        if (this.literalLeft > 0) break;
        const parts = this.literalParts;
        this.literals.push(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        this.literalParts = [];
        this.literalLeft = -1;
        continue;
      }
      const lf = data.indexOf(LF);
      if (lf < 0) {
        this.keep(data);
        break;
      }
      const end = lf > 0 && data[lf - 1] === CR ? lf - 1 : lf;
      const part = data.toString('utf8', 0, end);
      data = data.subarray(lf + 1);
      this.text += part;
      this.checkLine(this.text.length);
      const literal = LITERAL_AT_END.exec(part);
      if (literal) {
        const size = Number(literal[1]);
        if (size > this.limits.maxLiteral)
          throw new MailError(
            'ERR_TOO_LARGE',
            `the server announced a ${size}-byte literal; the limit is ${this.limits.maxLiteral}`,
          );
        this.checkResponse(size);
        this.literalLeft = size;
        continue;
      }
      out.push({ text: this.text, literals: this.literals });
      this.text = '';
      this.literals = [];
      this.literalBytes = 0;
    }
    return out;
  }

  private keep(part: Buffer): void {
    this.pending.push(part);
    this.pendingLength += part.length;
    this.checkLine(this.text.length + this.pendingLength);
  }

  /** Bounds a response made of many literals, each within limits: their number and total size. */
  private checkResponse(size: number): void {
    this.literalBytes += size;
    const most = this.limits.maxLiterals ?? 10_000;
    if (this.literals.length >= most)
      throw new MailError('ERR_TOO_LARGE', `a server response held more than ${most} literals`);
    const total = this.limits.maxLiteral + this.limits.maxLine;
    if (this.literalBytes > total)
      throw new MailError(
        'ERR_TOO_LARGE',
        `a server response's literals passed ${total} bytes in all`,
      );
  }

  private checkLine(length: number): void {
    if (length > this.limits.maxLine)
      throw new MailError(
        'ERR_TOO_LARGE',
        `a server response line passed ${this.limits.maxLine} bytes without ending`,
      );
  }
}
