/** The accounts file: parsing, validation, account choice, XDG location. */
import { describe, expect, it } from 'vitest';
import { defaultConfigPath, parseConfig, selectAccount } from './config.ts';
import type { MailError } from './errors.ts';

const GOOD = `
default = "work"
[accounts.work]
email = "ann@example.test"
name = "Ann Ödegaard"
password_env = "WORK_PW"
ca = "certs/ca.pem"
imap = { host = "[::1]:1993", tls = "implicit" }
smtp = { host = "127.0.0.1", tls = "starttls" }

[accounts.home]
email = "ann@home.test"
user = "ann"
auth = "xoauth2"
token_cmd = "oauth-token home"
imap = { host = "imap.home.test", tls = "starttls" }
smtp = { host = "smtp.home.test:465", tls = "implicit" }
`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as MailError).code;
  }
  return undefined;
}

describe('config', () => {
  it('parses several accounts, endpoints through parseEndpoint, default ports per TLS mode', () => {
    const config = parseConfig(GOOD, '/etc/mail/config.toml');
    const work = selectAccount(config);
    expect(work.name).toBe('work');
    expect(work.imap.endpoint).toMatchObject({ host: '::1', port: 1993, family: 'ipv6' });
    expect(work.smtp.endpoint.port).toBe(587);
    expect(work.user).toBe('ann@example.test');
    expect(work.ca).toBe('/etc/mail/certs/ca.pem');
    const home = selectAccount(config, 'home');
    expect(home).toMatchObject({ auth: 'xoauth2', tokenCmd: 'oauth-token home', user: 'ann' });
    expect(home.imap.endpoint.port).toBe(143);
    expect(home.smtp.endpoint.port).toBe(465);
  });

  it('rejects bad files with ERR_CONFIG', () => {
    expect(codeOf(() => parseConfig('default = ', 'x'))).toBe('ERR_CONFIG');
    expect(codeOf(() => parseConfig('default = "a"', 'x'))).toBe('ERR_CONFIG');
    const base =
      '[accounts.a]\nemail = "a@b.test"\nimap = { host = "127.0.0.1" }\nsmtp = { host = "127.0.0.1" }\n';
    // no password source, both sources, a typo, a bad endpoint, a bad TLS mode
    expect(codeOf(() => parseConfig(base, 'x'))).toBe('ERR_CONFIG');
    expect(codeOf(() => parseConfig(`${base}password_env = "A"\npassword_cmd = "b"`, 'x'))).toBe(
      'ERR_CONFIG',
    );
    expect(codeOf(() => parseConfig(`${base}password_env = "A"\npasword_cmd = "b"`, 'x'))).toBe(
      'ERR_CONFIG',
    );
    expect(
      codeOf(() =>
        parseConfig(`${base.replace('127.0.0.1"', '127.0.0.1:99999"')}password_env = "A"`, 'x'),
      ),
    ).toBe('ERR_CONFIG');
    expect(
      codeOf(() =>
        parseConfig(`${base.replace('{ host', '{ tls = "none", host')}password_env = "A"`, 'x'),
      ),
    ).toBe('ERR_CONFIG');
    expect(codeOf(() => parseConfig(`${base}auth = "xoauth2"`, 'x'))).toBe('ERR_CONFIG');
  });

  it('needs --account when there are several accounts and no default', () => {
    const config = parseConfig(GOOD.replace('default = "work"', ''), 'x');
    expect(codeOf(() => selectAccount(config))).toBe('ERR_NO_ACCOUNT');
    expect(codeOf(() => selectAccount(config, 'nope'))).toBe('ERR_NO_ACCOUNT');
    expect(selectAccount(config, 'home').name).toBe('home');
  });

  it('finds the file in the XDG config folder', () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/h' })).toBe(
      '/x/cfg/netlab-mail/config.toml',
    );
    expect(defaultConfigPath({ HOME: '/h' })).toBe('/h/.config/netlab-mail/config.toml');
    // XDG Base Directory spec: a relative value is invalid and ignored.
    expect(defaultConfigPath({ XDG_CONFIG_HOME: 'rel', HOME: '/h' })).toBe(
      '/h/.config/netlab-mail/config.toml',
    );
  });

  it('timeout = SECONDS sets the command deadline; anything else is ERR_CONFIG', () => {
    expect(parseConfig(`timeout = 2.5\n${GOOD}`, 'c.toml').timeoutMs).toBe(2500);
    expect(parseConfig(GOOD, 'c.toml').timeoutMs).toBeUndefined();
    for (const bad of ['0', '-1', '"30"', '7200'])
      expect(codeOf(() => parseConfig(`timeout = ${bad}\n${GOOD}`, 'c.toml'))).toBe('ERR_CONFIG');
  });

  it('refuses control characters in the settings that reach a header (email, name, user)', () => {
    const bad = GOOD.replace('name = "Ann Ödegaard"', 'name = "Ann\\r\\nBcc: eve@x"');
    expect(codeOf(() => parseConfig(bad, 'c.toml'))).toBe('ERR_CONFIG');
  });
});
