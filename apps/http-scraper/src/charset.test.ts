/** Charset detection and decoding. */
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, charsetFromMeta, decodeHtml } from './charset.ts';
import { renderLatin1, renderShiftJis } from './fixture/site.ts';

describe('charset', () => {
  it('reads the header parameter, quoted or not', () => {
    expect(charsetFromContentType('text/html; charset=ISO-8859-1')).toBe('ISO-8859-1');
    expect(charsetFromContentType('text/html;charset="utf-8"')).toBe('utf-8');
    expect(charsetFromContentType('text/html')).toBeUndefined();
  });

  it('prescans <meta charset> and <meta http-equiv>', () => {
    expect(charsetFromMeta(Buffer.from('<html><head><meta charset="Shift_JIS">'))).toBe(
      'Shift_JIS',
    );
    const equiv = '<meta http-equiv="Content-Type" content="text/html; charset=euc-jp">';
    expect(charsetFromMeta(Buffer.from(equiv))).toBe('euc-jp');
    // Only the first 1024 bytes count, as in the HTML Standard's prescan.
    expect(
      charsetFromMeta(Buffer.from(`${' '.repeat(1100)}<meta charset="koi8-r">`)),
    ).toBeUndefined();
  });

  it('decodes Latin-1 from the header and Shift_JIS from the meta', () => {
    expect(decodeHtml(renderLatin1(), 'text/html; charset=iso-8859-1').text).toContain(
      'Café crème',
    );
    const sjis = decodeHtml(renderShiftJis(), 'text/html');
    expect(sjis.charset).toBe('shift_jis');
    expect(sjis.text).toContain('日本語のページ');
  });

  it('lets a BOM win, and falls back to UTF-8 for unknown labels', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo')]);
    expect(decodeHtml(bom, 'text/html; charset=iso-8859-1')).toEqual({
      text: 'héllo',
      charset: 'utf-8',
    });
    expect(decodeHtml(Buffer.from('ünïcode'), 'text/html; charset=x-nonsense').text).toBe(
      'ünïcode',
    );
  });

  it('follows the HTML Standard for what a <meta> may declare', () => {
    // A document that can say "utf-16" in ASCII bytes is not UTF-16.
    const utf16 = decodeHtml(Buffer.from('<meta charset="utf-16le"><p>é</p>'), 'text/html');
    expect(utf16).toMatchObject({ charset: 'utf-8', text: '<meta charset="utf-16le"><p>é</p>' });
    const user = decodeHtml(
      Buffer.from([...Buffer.from('<meta charset=x-user-defined>'), 0x80]),
      '',
    );
    expect(user).toMatchObject({ charset: 'windows-1252', text: '<meta charset=x-user-defined>€' });
  });

  it('reads labels of the replacement encoding as one U+FFFD, as browsers do', () => {
    // Encoding Standard: iso-2022-kr and friends decode to a single replacement character,
    // so that bytes meant as another encoding cannot turn into markup.
    const page = decodeHtml(
      Buffer.from('<script>alert(1)</script>'),
      'text/html; charset=iso-2022-kr',
    );
    expect(page).toEqual({ text: '\ufffd', charset: 'replacement' });
  });
});
