/** TelemetryError: every failure in udp-telemetry, with a stable string code. */
import { CodedError } from '@netlab/cli';

export type TelemetryErrorCode =
  | 'ERR_BAD_LINE'
  | 'ERR_BAD_DATAGRAM'
  | 'ERR_METRIC_TOO_LARGE'
  | 'ERR_INVALID_OPTION'
  | 'ERR_HTTP'
  | 'ERR_ADDRESS_IN_USE'
  | 'ERR_SEND_FAILED'
  | 'ERR_DEMO_FAILED';

/** A telemetry failure: `code` to branch on, the numbers in the message, `cause` kept. */
export class TelemetryError extends CodedError<TelemetryErrorCode> {
  override readonly name = 'TelemetryError';
}
