// Calendar dates as the wire writes them, `YYYY-MM-DD`, and only real ones: the schemas check them
// (calendar.ts) and the domain counts with them (shared/domain/calendar/china-date.ts).

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.UTC rolls 2026-02-30 over to March 2; a real date survives the round trip unchanged.
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

// Date.UTC reads years 0-99 as 1900-1999, so years 0000-0099 fail the round trip and are refused;
// no deadline or birth date falls there.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
