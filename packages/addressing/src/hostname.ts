/** Host name syntax: RFC 1123 §2.1 labels, RFC 3696 §2 non-numeric top label. */

/**
 * Whether `text` is a syntactically valid host name: dot-separated labels of 1-63 letters,
 * digits and hyphens, not starting or ending with a hyphen, 253 characters at most (one
 * trailing dot allowed, as in `example.test.`). The last label may not be all digits
 * (RFC 3696 §2), so `1.2.3.256` and `10.1` are bad addresses, not host names.
 * Underscores are refused: they are legal in DNS names (`_sip._tcp`) but not in host names.
 * @param text the candidate host name
 * @returns true when it is one; never throws
 * @example isHostname('mail.example.test') // true
 */
export function isHostname(text: string): boolean {
  const end = text.endsWith('.') ? text.length - 1 : text.length;
  if (end === 0 || end > 253) return false;
  let labelStart = 0;
  let allDigits = true;
  for (let i = 0; i <= end; i++) {
    const c = i === end ? 46 : text.charCodeAt(i);
    if (c === 46) {
      const length = i - labelStart;
      if (length === 0 || length > 63) return false;
      if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return false;
      if (i === end && allDigits) return false;
      labelStart = i + 1;
      allDigits = true;
    } else if (c >= 48 && c <= 57) {
      // digit: keeps allDigits as it is
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 45) {
      allDigits = false;
    } else {
      return false;
    }
  }
  return true;
}

/** Says what is wrong with a name that {@link isHostname} rejected. */
export function hostnameProblem(text: string): string {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name === '') return 'host name is empty';
  if (name.length > 253) return `host name is ${name.length} characters, more than 253`;
  const labels = name.split('.');
  for (const label of labels) {
    if (label === '') return 'host name has an empty label';
    if (label.length > 63) return `label of ${label.length} characters, more than 63`;
    const bad = /[^A-Za-z0-9-]/.exec(label);
    if (bad) return `character ${JSON.stringify(bad[0])} is not allowed in a host name`;
    if (label.startsWith('-') || label.endsWith('-')) {
      return `label ${JSON.stringify(label)} starts or ends with a hyphen`;
    }
  }
  return /^[0-9.]+$/.test(name)
    ? 'not a valid IPv4 address (all-numeric names are not host names)'
    : 'the last label is all digits, which no host name has';
}
