/** TelemetryError: every failure in udp-telemetry, with a stable string code. */

export type TelemetryErrorCode =
  | 'ERR_BAD_LINE'
  | 'ERR_BAD_DATAGRAM'
  | 'ERR_METRIC_TOO_LARGE'
  | 'ERR_INVALID_OPTION'
  | 'ERR_HTTP'
  | 'ERR_ADDRESS_IN_USE'
  | 'ERR_SEND_FAILED'
  | 'ERR_DEMO_FAILED';

export class TelemetryError extends Error {
  override name = 'TelemetryError';
  readonly code: TelemetryErrorCode;

  constructor(code: TelemetryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
