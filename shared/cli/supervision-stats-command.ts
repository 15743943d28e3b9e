// `tongban supervision stats --period P [--department D] [--item I] [--channel C] [--public] [--csv]
// [--check]`: a period's figures (GET /v1/statistics: a department its own, platform and auditors
// everyone's), the published ones (GET /v1/public/statistics, JSON or CSV), or the check of a
// department's period against the case records (GET /v1/statistics/check, every page).
import type { ApiClient, ApiResponse } from './api-client.ts';
import { UsageError } from './api-client.ts';
import { printTable } from './output.ts';

export interface StatsOptions {
  period?: string | undefined;
  department?: string | undefined;
  item?: string | undefined;
  channel?: string | undefined;
  public?: boolean | undefined;
  csv?: boolean | undefined;
  check?: boolean | undefined;
  json?: boolean | undefined;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** Pages of a check followed at most (25 cases each). */
const MAX_CHECK_PAGES = 10_000;

export async function statsCommand(ctx: { api: ApiClient; o: StatsOptions; out: (res: ApiResponse, print: (body: never) => void) => number }): Promise<number> {
  const { api, o, out } = ctx;
  if (!o.period) throw new UsageError('supervision stats needs --period (2026, 2026-11 or 2026-11-05)');
  if (o.check) {
    if (!o.department) throw new UsageError('supervision stats --check needs --department');
    let cursor: string | undefined;
    for (let page = 0; page < MAX_CHECK_PAGES; page++) {
      const res = await api.request('GET', '/v1/statistics/check', { query: { period: o.period, department: o.department, cursor } });
      if (res.status >= 400) return out(res, () => undefined);
      const body = res.body as Json;
      for (const d of body.differences as Json[]) console.log(`不一致 ${String(d.kind)} ${String(d.subject)}: ${String(d.detail)}`);
      cursor = body.cursor as string | undefined;
      if (!cursor) {
        console.log(
          body.consistent
            ? `核对一致 consistent: ${String(body.factsRecomputed)} 项由办件记录重算 recomputed from ${String(body.casesRead)} cases`
            : `核对不一致 inconsistent: ${String(body.differing)} differences`,
        );
        return body.consistent ? 0 : 1;
      }
    }
    throw new UsageError(`the check did not end within ${MAX_CHECK_PAGES} pages`);
  }
  if (o.public) {
    const res = await api.request('GET', '/v1/public/statistics', { query: { period: o.period, format: o.csv ? 'csv' : 'json' } });
    if (o.csv && res.status < 400) {
      console.log(String(res.body).replace(/\r\n$/, ''));
      return 0;
    }
    return out(res, printPublic);
  }
  if (o.csv) throw new UsageError('--csv is for the published figures: add --public');
  return out(await api.request('GET', '/v1/statistics', { query: { period: o.period, department: o.department, item: o.item, channel: o.channel } }), printDetailed);
}

const pct = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);
const num = (n: number | null) => (n === null ? '-' : String(n));

function printPublic(s: Json): void {
  console.log(`${String(s.period)} (${String(s.from)} – ${String(s.to)})${s.sealed ? ' · 已签章 sealed' : ''}`);
  printTable(
    ['部门 DEPARTMENT', '事项', '收件', '受理', '不予受理', '准予', '不予', '撤回', '网办比例', '承诺时限内', '法定时限内', '平均工作日', 'P90'],
    (s.departments as Json[]).map((d) => [
      String(d.departmentName),
      String(d.itemsPublished),
      String(d.received),
      String(d.accepted),
      String(d.refused),
      String(d.approved),
      String(d.denied),
      String(d.withdrawn),
      pct(d.onlineShare as number | null),
      pct(d.promisedOnTimeRate as number | null),
      pct(d.statutoryOnTimeRate as number | null),
      num(d.meanWorkingDays as number | null),
      num(d.p90WorkingDays as number | null),
    ]),
  );
}

function printDetailed(s: Json): void {
  console.log(`${String(s.period)} (${String(s.from)} – ${String(s.to)})`);
  const row = (label: string, f: Json) => [
    label,
    String(f.received),
    pct(f.onlineShare as number | null),
    String(f.accepted),
    String(f.refused),
    String(f.approved),
    String(f.denied),
    String(f.withdrawn),
    String(f.pauses),
    String(f.extensions),
    String(f.supplementRounds),
    String(f.escalations),
    pct(f.promisedOnTimeRate as number | null),
    pct(f.statutoryOnTimeRate as number | null),
    num(f.meanWorkingDays as number | null),
    num(f.p90WorkingDays as number | null),
  ];
  const rows: string[][] = [];
  for (const d of s.departments as Json[]) {
    rows.push(row(`${String(d.departmentName)}（事项 ${String(d.itemsPublished)}）`, d.figures as Json));
    for (const r of d.byItemAndChannel as Json[]) rows.push(row(`  ${String(r.itemCode)} · ${String(r.channelId)}`, r.figures as Json));
    const findings = Object.entries(d.findingsByRule as Record<string, number>);
    if (findings.length > 0) rows.push([`  监察预警 findings: ${findings.map(([rule, n]) => `${rule} ${n}`).join(', ')}`, ...Array<string>(15).fill('')]);
  }
  printTable(['部门/事项·渠道', '收件', '网办', '受理', '不予受理', '准予', '不予', '撤回', '暂停', '延期', '补正', '督办', '承诺时限内', '法定时限内', '平均工作日', 'P90'], rows);
}
