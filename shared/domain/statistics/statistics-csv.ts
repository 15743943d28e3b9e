// The public figures as CSV (RFC 4180): a header of the figures' names, a line per department; a null
// figure (nothing to divide) is an empty field, and so is one a month's sealed document predates.
import type { PublicStatistics } from '../../contracts/statistics.ts';
import { PUBLIC_COLUMNS } from '../../contracts/statistics.ts';

const field = (v: string | number | null | undefined): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function publicCsv(stats: PublicStatistics): string {
  const lines = [['period', ...PUBLIC_COLUMNS].join(',')];
  for (const d of stats.departments) lines.push([stats.period, ...PUBLIC_COLUMNS.map((c) => d[c])].map(field).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
