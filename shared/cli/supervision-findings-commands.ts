// `tongban supervision findings|finding|respond|close|return`: the findings of electronic supervision
// (监察预警) — listed, read with their history, answered by the department responsible, closed or sent
// back by the platform role. Each builds the route's request from the options and prints the answer
// through the caller's `out` (JSON with --json, exit 1 when refused).
import type { FindingListEntry, FindingView } from '../contracts/supervision-findings.ts';
import { FINDING_STATE_ZH } from '../contracts/supervision-findings.ts';
import type { ApiClient, ApiResponse } from './api-client.ts';
import { UsageError } from './api-client.ts';
import { isoDate } from './args.ts';
import { more } from './cases-output.ts';
import { printTable } from './output.ts';

/** The `supervision` commands this module answers (the others are the case lists': cases-commands.ts). */
export const FINDING_COMMANDS = ['findings', 'finding', 'respond', 'close', 'return'] as const;

export interface FindingOptions {
  department?: string | undefined;
  rule?: string | undefined;
  state?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  case?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  explain?: boolean | undefined;
  rectify?: boolean | undefined;
  text?: string | undefined;
  note?: string | undefined;
  reason?: string[] | undefined;
}

export async function supervisionFindingsCommand(
  ctx: { api: ApiClient; o: FindingOptions; out: (res: ApiResponse, print: (body: never) => void) => number },
  command: string | undefined,
  id: string | undefined,
): Promise<number> {
  const { api, o, out } = ctx;
  const path = (suffix = '') => {
    if (!id) throw new UsageError(`supervision ${command} needs the finding's id`);
    return `/v1/supervision/findings/${encodeURIComponent(id)}${suffix}`;
  };
  switch (command) {
    case 'findings': {
      const query = {
        department: o.department,
        rule: o.rule,
        state: o.state,
        from: o.from && isoDate(o.from, '--from'),
        to: o.to && isoDate(o.to, '--to'),
        case: o.case,
        limit: o.limit,
        cursor: o.cursor,
      };
      return out(await api.request('GET', '/v1/supervision/findings', { query }), printFindings);
    }
    case 'finding':
      return out(await api.request('GET', path()), printFinding);
    case 'respond': {
      if (o.explain === o.rectify) throw new UsageError('supervision respond needs --explain or --rectify (one of them) and --text <text>');
      if (!o.text) throw new UsageError('supervision respond needs --text <the explanation, or what was rectified>');
      return out(await api.request('POST', path('/response'), { body: { kind: o.explain ? 'explain' : 'rectify', text: o.text } }), printOne);
    }
    case 'close':
      return out(await api.request('POST', path('/close'), { body: o.note !== undefined ? { note: o.note } : {} }), printOne);
    case 'return':
      if (!o.reason?.length) throw new UsageError('supervision return needs --reason <text> (repeatable)');
      return out(await api.request('POST', path('/return'), { body: { reasons: o.reason } }), printOne);
    default:
      throw new UsageError(`unknown command "supervision ${command ?? ''}"`);
  }
}

function printFindings(body: { findings: FindingListEntry[]; nextCursor?: string }): void {
  if (body.findings.length === 0) console.log('(no findings)');
  else
    printTable(
      ['ID', '规则 RULE', '等级', '状态 STATE', '对象 SUBJECT', '部门 DEPARTMENT', '发现 RAISED', '期限 DUE'],
      body.findings.map((f) => [
        f.id,
        `${f.title} (${f.rule})`,
        f.severity === 'red' ? '红' : '黄',
        FINDING_STATE_ZH[f.state] + (f.late ? ' 逾期' : ''),
        subject(f),
        f.departmentId ?? 'platform',
        f.raisedOn,
        f.dueOn + (f.dueProvisional ? ' (暂定)' : ''),
      ]),
    );
  more(body.nextCursor);
}

function printFinding(view: FindingView): void {
  const f = view.finding;
  printOne(f);
  console.log(`依据 basis: ${f.basis}`);
  console.log(
    `事实 facts: ${
      Object.entries(f.facts)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ') || '-'
    }`,
  );
  for (const r of f.responses) console.log(`  答复 ${r.on} ${r.by.name}: ${r.kind === 'explain' ? '说明' : '整改'} — ${r.text}`);
  for (const r of f.returns) console.log(`  退回 ${r.on} ${r.by.name}: ${r.reasons.join('；')}`);
  if (f.closure) console.log(`  办结 ${f.closure.on} ${f.closure.by.name}${f.closure.note ? `: ${f.closure.note}` : ''}`);
  console.log('\n历史 history:');
  for (const e of view.history) console.log(`  #${e.n} ${e.at} ${e.type} ${e.from ?? '-'} → ${e.to} by ${e.actor.name}`);
  console.log(view.check.ok ? '链校验通过 / chain intact' : `链校验失败 / chain broken at entry ${view.check.n}: ${view.check.reason}`);
}

function printOne(f: FindingListEntry): void {
  console.log(`${f.id} · ${f.title} (${f.rule}, ${f.severity}) · ${subject(f)}`);
  console.log(
    `状态 ${FINDING_STATE_ZH[f.state]} (${f.state})${f.late ? ' · 逾期 late' : ''} · 发现 ${f.raisedOn} · 答复期限 due ${f.dueOn}${f.dueProvisional ? ' (暂定 provisional)' : ''} · 部门 ${f.departmentId ?? 'platform'}`,
  );
}

function subject(f: FindingListEntry): string {
  const s = f.subject;
  return s.kind === 'case' ? `办件 ${s.caseNo}` : s.kind === 'item' ? `事项 ${s.code}` : s.kind === 'evaluation' ? `评价 ${s.id}` : `工单 ${s.id}`;
}
