/** What both address classes share: the limits, integer coercion and their errors. */
import { AddressError, quote } from './errors.ts';

export const MAX4 = 0xffffffffn;
export const MAX6 = (1n << 128n) - 1n;

export function invalid(text: string, version: 4 | 6, why: string): AddressError {
  return new AddressError(
    'ERR_INVALID_ADDRESS',
    `invalid IPv${version} address ${quote(text)}: ${why}`,
    {
      input: text,
    },
  );
}

export function outOfRange(value: bigint, version: 4 | 6): AddressError {
  return new AddressError(
    'ERR_ADDRESS_OUT_OF_RANGE',
    `${value} is outside the IPv${version} address space 0..${version === 4 ? MAX4 : MAX6}`,
  );
}

export function toBig(n: number | bigint): bigint {
  if (typeof n === 'bigint') return n;
  if (!Number.isSafeInteger(n)) {
    throw new AddressError('ERR_INVALID_ARGUMENT', `${n} is not a safe integer; pass a bigint`);
  }
  return BigInt(n);
}

export function mismatch(a: { version: 4 | 6 }, b: { version: 4 | 6 }): AddressError {
  return new AddressError(
    'ERR_VERSION_MISMATCH',
    `cannot compare ${a} (IPv${a.version}) with ${b} (IPv${b.version})`,
  );
}
