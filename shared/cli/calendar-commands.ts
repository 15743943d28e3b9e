// `tongban calendar list|show|load`: the official holiday arrangements the platform counts working days
// on. Everyone may read them; the platform role loads a year (`load <file>`, the file format of
// shared/domain/calendar/data/), or a correction of it as its next version.
import type { CalendarOverview, CalendarYearView } from '../domain/calendar/calendar-service.ts';
import type { CalendarVersion } from '../domain/calendar/calendar-store.ts';
import { UsageError } from './api-client.ts';
import { readJsonFile } from './args.ts';
import type { CommandContext } from './cases-commands.ts';
import { printTable } from './output.ts';

export async function calendarCommand(ctx: CommandContext, command: string | undefined, arg: string | undefined): Promise<number> {
  const { api, out } = ctx;
  switch (command) {
    case 'list':
      return out(await api.request('GET', '/v1/calendar'), printOverview);
    case 'show':
      return out(await api.request('GET', `/v1/calendar/${year(arg, 'show')}`), printYear);
    case 'load': {
      if (!arg) throw new UsageError("calendar load needs the file of the year's arrangement (the format of shared/domain/calendar/data/cn-YYYY.json)");
      const document = await readJsonFile(arg, 'the holiday arrangement');
      const y = (document as { year?: unknown }).year;
      if (typeof y !== 'number') throw new UsageError(`${arg} names no year ("year": YYYY)`);
      return out(await api.request('PUT', `/v1/calendar/${y}`, { body: document }), printLoaded);
    }
    default:
      throw new UsageError(command ? `unknown command "calendar ${command}"` : 'calendar needs a command: list, show <year> or load <file>');
  }
}

function year(arg: string | undefined, command: string): number {
  if (!arg || !/^\d{4}$/.test(arg)) throw new UsageError(`calendar ${command} needs the year (YYYY)`);
  return Number(arg);
}

function printOverview(o: CalendarOverview): void {
  if (o.years.length === 0) console.log('(no year loaded)');
  else
    printTable(
      ['YEAR', 'VERSION', 'SOURCE', 'LOADED', 'BY'],
      o.years.map((y) => [String(y.year), String(y.version), y.source, y.shipped ? 'shipped' : y.loadedAt, y.loadedBy]),
    );
  console.log(
    o.loadedUntil
      ? `\n已载入至 loaded until ${o.loadedUntil}; 此后的日期为暂定 dates from ${o.provisionalFrom} on are provisional (counted on the statutory holidays alone)`
      : `\n${o.today.slice(0, 4)}年未载入 not loaded: dates from ${o.provisionalFrom} on are provisional (counted on the statutory holidays alone)`,
  );
}

function printYear(v: CalendarYearView): void {
  const d = v.current.data;
  console.log(`${v.year} · version ${v.current.version} · ${d.source}`);
  console.log(`loaded ${v.current.loadedAt} by ${v.current.loadedBy}`);
  for (const h of d.holidays) console.log(`  放假 ${h.name}: ${h.days[0]}${h.days.length > 1 ? ` → ${h.days.at(-1)} (${h.days.length} days)` : ''}`);
  if (d.makeupWorkdays.length > 0) console.log(`  调休上班 make-up working days: ${d.makeupWorkdays.join(', ')}`);
  if (v.statutoryHolidays) console.log(`法定节假日 statutory: ${v.statutoryHolidays.map((h) => `${h.name} ${h.days.join(',')}`).join('; ')}`);
  console.log(`versions: ${v.versions.map((x) => `${x.version} (${x.loadedBy}, ${x.loadedAt.slice(0, 10)})`).join(', ')}`);
  console.log(v.check.ok ? '链校验通过 / chain intact' : `链校验失败 / chain broken at version ${v.check.version}: ${v.check.reason}`);
}

function printLoaded(r: { version: CalendarVersion; replayed: boolean }): void {
  const v = r.version;
  console.log(`${v.year} version ${v.version}${r.replayed ? ' (已载入，未变 / loaded before: unchanged)' : ' loaded'} by ${v.loadedBy} at ${v.loadedAt}: ${v.data.source}`);
  console.log('open cases whose dates rest on this year are computed again by the next sweep');
}
