/** CrawlError: every failure the crawler reports, with a stable code. */
import { CodedError } from '@netlab/cli';

/** The stable codes; tests and the summary's "errors by kind" use them. */
export type CrawlErrorCode =
  | 'ERR_BAD_URL'
  | 'ERR_BAD_SELECTOR'
  | 'ERR_BAD_CONFIG'
  | 'ERR_STATE_MISMATCH'
  | 'ERR_STATE_LOCKED'
  | 'ERR_STATE_WRITE'
  | 'ERR_NETWORK'
  | 'ERR_BLOCKED_ADDRESS'
  | 'ERR_CONNECT_TIMEOUT'
  | 'ERR_HEADERS_TIMEOUT'
  | 'ERR_BODY_TIMEOUT'
  | 'ERR_DEADLINE'
  | 'ERR_HEADERS_TOO_LARGE'
  | 'ERR_URL_TOO_LONG'
  | 'ERR_EXTRACT'
  | 'ERR_HTML_TOO_DEEP'
  | 'ERR_SITEMAP'
  | 'ERR_ROBOTS_UNREACHABLE'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_DECOMPRESS'
  | 'ERR_HTTP_STATUS'
  | 'ERR_TOO_MANY_REDIRECTS'
  | 'ERR_REDIRECT_LOOP'
  | 'ERR_OFFLINE_MISS';

/** A crawl failure: `code` to branch on, the URL and numbers in the message, `cause` kept. */
export class CrawlError extends CodedError<CrawlErrorCode> {
  override readonly name = 'CrawlError';
}

/**
 * Network-level failures worth another try (RFC 9110 §9.2.2: GET is idempotent). Not
 * ERR_DEADLINE: a response that took the whole deadline would likely take it again, and
 * retrying it would hold the host's slot for (1 + --retries) deadlines.
 */
export const RETRYABLE = new Set<string>([
  'ERR_NETWORK',
  'ERR_CONNECT_TIMEOUT',
  'ERR_HEADERS_TIMEOUT',
  'ERR_BODY_TIMEOUT',
]);

const UNDICI_CODES: Record<string, CrawlErrorCode> = {
  UND_ERR_CONNECT_TIMEOUT: 'ERR_CONNECT_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ERR_HEADERS_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'ERR_BODY_TIMEOUT',
  // Response headers past Node's --max-http-header-size (16 KiB): not worth another try.
  UND_ERR_HEADERS_OVERFLOW: 'ERR_HEADERS_TOO_LARGE',
};

/** Turns whatever undici or the socket threw into a CrawlError, keeping the original as cause. */
export function toCrawlError(error: unknown, url: string): CrawlError {
  if (error instanceof CrawlError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  return new CrawlError(UNDICI_CODES[code] ?? 'ERR_NETWORK', `${url}: ${code || message}`, {
    cause: error,
  });
}
