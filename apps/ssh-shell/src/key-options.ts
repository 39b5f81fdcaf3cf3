/** authorized_keys options (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): what a key may do once in. */

/** What one authorized_keys line allows; every field defaults to the unrestricted value. */
export interface KeyRestrictions {
  /** `command="..."`: runs instead of whatever the client asks (exec, shell, subsystem). */
  command?: string;
  /** `from="pattern-list"`: the client addresses this key may log in from (from-patterns.ts). */
  from?: string;
  noPty: boolean;
  noPortForwarding: boolean;
  noAgentForwarding: boolean;
  noX11Forwarding: boolean;
}

/** A key without options, or a password login. The server forwards nothing in any case. */
export const UNRESTRICTED: KeyRestrictions = {
  noPty: false,
  noPortForwarding: false,
  noAgentForwarding: false,
  noX11Forwarding: false,
};

/**
 * Options that only switch something off, and their `restrict`-era opposites (OpenSSH 7.2+),
 * which switch it back on after `restrict`. `user-rc` is accepted because this server never
 * runs ~/.ssh/rc; the forwarding ones because it forwards nothing, so granting is a no-op.
 */
const FLAGS: Record<string, (r: KeyRestrictions) => void> = {
  'no-pty': (r) => (r.noPty = true),
  pty: (r) => (r.noPty = false),
  'no-port-forwarding': (r) => (r.noPortForwarding = true),
  'port-forwarding': () => {},
  'no-agent-forwarding': (r) => (r.noAgentForwarding = true),
  'agent-forwarding': () => {},
  'no-x11-forwarding': (r) => (r.noX11Forwarding = true),
  'x11-forwarding': () => {},
  'no-user-rc': () => {},
  'user-rc': () => {},
  restrict: (r) => {
    r.noPty = true;
    r.noPortForwarding = true;
    r.noAgentForwarding = true;
    r.noX11Forwarding = true;
  },
};

/**
 * Split the options field (`a,b="x, y",c`) at unquoted commas; `\"` is a quote inside quotes.
 * Returns the options and the rest of the line, or a reason when the quotes never close.
 */
export function splitOptions(text: string): { options: string[]; rest: string } | string {
  const options: string[] = [];
  let current = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && quoted && text[i + 1] === '"') {
      current += '\\"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      current += ch;
    } else if (ch === ',' && !quoted) {
      options.push(current);
      current = '';
    } else if ((ch === ' ' || ch === '\t') && !quoted) break;
    else current += ch;
  }
  if (quoted) return 'unterminated quote in the options';
  options.push(current);
  return { options, rest: text.slice(i).trim() };
}

/** The value of `name="..."`, unquoted, or undefined when it is not a quoted string. */
function quotedValue(option: string): string | undefined {
  const value = option.slice(option.indexOf('=') + 1);
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return undefined;
  return value.slice(1, -1).replace(/\\"/g, '"');
}

/**
 * Turn the option words of one line into restrictions. Any option this server cannot honour
 * (`environment=`, `permitopen=`, `expiry-time=`, `cert-authority`...) refuses the
 * whole key: half-obeying a restriction would grant more than its owner meant.
 * Names are case-insensitive, as in sshd.
 */
export function parseKeyOptions(options: string[]): KeyRestrictions | string {
  const r: KeyRestrictions = { ...UNRESTRICTED };
  for (const option of options) {
    const name = option.split('=')[0]!.toLowerCase();
    const flag = FLAGS[name];
    if (flag && !option.includes('=')) {
      flag(r);
      continue;
    }
    if (name === 'command') {
      const command = quotedValue(option);
      if (command === undefined) return 'command= needs a quoted value';
      if (r.command !== undefined) return 'more than one command= option';
      r.command = command;
      continue;
    }
    if (name === 'from') {
      const from = quotedValue(option);
      if (from === undefined || from === '') return 'from= needs a quoted pattern list';
      if (r.from !== undefined) return 'more than one from= option';
      r.from = from;
      continue;
    }
    return `unsupported option ${name}`;
  }
  return r;
}
