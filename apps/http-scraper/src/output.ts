/** Output rows: JSON Lines (one object per page) or CSV (RFC 4180 quoting). */

export type Format = 'jsonl' | 'csv';

export interface Row {
  url: string;
  status: number;
  depth: number;
  fields: Record<string, string | null>;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The file name, optional header and row formatter for a format and field list. */
export function createOutput(format: Format, names: string[]) {
  if (format === 'csv') {
    return {
      file: 'results.csv',
      header: `${['url', 'status', 'depth', ...names].map(csvCell).join(',')}\r\n`,
      format: (row: Row): string =>
        `${[row.url, row.status, row.depth, ...names.map((n) => row.fields[n] ?? null)].map(csvCell).join(',')}\r\n`,
    };
  }
  return {
    file: 'results.jsonl',
    header: undefined,
    format: (row: Row): string =>
      `${JSON.stringify({ url: row.url, status: row.status, depth: row.depth, ...row.fields })}\n`,
  };
}
