/** Types for the part of libmime (no bundled types) that the envelope parser uses. */
declare module 'libmime' {
  const libmime: {
    /** Decodes RFC 2047 encoded-words (`=?UTF-8?B?...?=`) in a header value. */
    decodeWords(value: string): string;
  };
  export default libmime;
}
