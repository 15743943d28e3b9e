// `tongban tickets file|list|show|assign|transfer|answer|rate`: consultations, complaints and
// data-correction requests (咨询投诉, 更正申请) — filed by a channel for a person, passed on by the
// platform role (转办), passed on and answered by the department holding them, rated by the channel.
// Each builds the route's request from the options and prints the answer through the caller's `out`
// (JSON with --json, exit 1 when refused).
import { randomUUID } from 'node:crypto';
import type { TicketAsRead, TicketReceipt, TicketSummary, TicketView } from '../contracts/tickets.ts';
import { TICKET_KIND_ZH, TICKET_OUTCOME_ZH, TICKET_RATING_LEVEL_ZH, TICKET_STATE_ZH } from '../contracts/tickets.ts';
import type { ApiClient, ApiResponse } from './api-client.ts';
import { UsageError } from './api-client.ts';
import { exactlyOne, isoDate, positiveInt, readJsonObject } from './args.ts';
import { more } from './cases-output.ts';
import { printTable } from './output.ts';

export interface TicketOptions {
  kind?: string | undefined;
  item?: string | undefined;
  case?: string | undefined;
  department?: string | undefined;
  person?: string | undefined;
  subject?: string | undefined;
  text?: string | undefined;
  correction?: string | undefined;
  'idempotency-key'?: string | undefined;
  state?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  note?: string | undefined;
  reason?: string[] | undefined;
  outcome?: string | undefined;
  amended?: string[] | undefined;
  'corrected-case'?: string[] | undefined;
  level?: string | undefined;
  comment?: string | undefined;
  json?: boolean | undefined;
}

export async function ticketsCommand(
  ctx: { api: ApiClient; o: TicketOptions; out: (res: ApiResponse, print: (body: never) => void) => number },
  command: string | undefined,
  id: string | undefined,
): Promise<number> {
  const { api, o, out } = ctx;
  const path = (suffix = '') => {
    if (!id) throw new UsageError(`tickets ${command} needs the ticket's id`);
    return `/v1/tickets/${encodeURIComponent(id)}${suffix}`;
  };
  switch (command) {
    case 'file':
      return file(ctx);
    case 'list': {
      const query = {
        kind: o.kind,
        state: o.state,
        department: o.department,
        from: o.from && isoDate(o.from, '--from'),
        to: o.to && isoDate(o.to, '--to'),
        limit: o.limit,
        cursor: o.cursor,
      };
      return out(await api.request('GET', '/v1/tickets', { query }), printTickets);
    }
    case 'show':
      return out(await api.request('GET', path()), printView);
    case 'assign':
      if (!o.department) throw new UsageError('tickets assign needs --department <credit code>');
      return out(await api.request('POST', path('/assign'), { body: { departmentId: o.department, ...(o.note !== undefined ? { note: o.note } : {}) } }), printOne);
    case 'transfer':
      if (!o.department) throw new UsageError('tickets transfer needs --department <credit code> and --reason <text>');
      return out(await api.request('POST', path('/transfer'), { body: { departmentId: o.department, reasons: exactlyOne(o.reason, '--reason', 'tickets transfer') } }), printOne);
    case 'answer': {
      if (!o.text) throw new UsageError('tickets answer needs --text <the answer>');
      const corrections = [...(o.amended ?? []).map(amendedVersion), ...(o['corrected-case'] ?? []).map(correctedCase)];
      const body = {
        text: o.text,
        ...(o.outcome !== undefined ? { outcome: o.outcome } : {}),
        ...(o.reason?.length ? { reasons: o.reason } : {}),
        ...(corrections.length > 0 ? { corrections } : {}),
      };
      return out(await api.request('POST', path('/answer'), { body }), printOne);
    }
    case 'rate':
      if (!o.level) throw new UsageError(`tickets rate needs --level ${Object.keys(TICKET_RATING_LEVEL_ZH).join('|')}`);
      return out(await api.request('POST', path('/rating'), { body: { level: o.level, ...(o.comment !== undefined ? { comment: o.comment } : {}) } }), printOne);
    default:
      throw new UsageError(`unknown command "tickets ${command ?? ''}"`);
  }
}

/** `tickets file`: the request from the options and files, under a key printed for a retry. */
async function file({ api, o, out }: { api: ApiClient; o: TicketOptions; out: (res: ApiResponse, print: (body: never) => void) => number }): Promise<number> {
  if (!o.kind) throw new UsageError('tickets file needs --kind consultation|complaint|correction');
  if (!o.person) throw new UsageError('tickets file needs --person <person.json> (as a case applicant: kind, name, residentId or creditCode, phone or contact)');
  if (!o.subject || !o.text) throw new UsageError('tickets file needs --subject <text> and --text <text>');
  const named = [o.item && { item: o.item }, o.case && { case: o.case }, o.department && { department: o.department }].filter(Boolean);
  if (named.length > 1) throw new UsageError('tickets file takes at most one of --item, --case, --department (what the ticket is about)');
  const person = await readJsonObject(o.person, 'the person', 'person');
  const correction = o.correction ? await readJsonObject(o.correction, 'the correction', 'correction') : undefined;
  const body = { kind: o.kind, ...(named[0] ? { about: named[0] } : {}), person, subject: o.subject, text: o.text, ...(correction ? { correction } : {}) };
  const key = o['idempotency-key'] ?? randomUUID();
  const retry = `tongban: Idempotency-Key ${key} (retry with --idempotency-key ${key})`;
  try {
    const code = out(await api.request('POST', '/v1/tickets', { headers: { 'Idempotency-Key': key }, body }), printReceipt);
    if (code !== 0 || o.json) console.error(retry);
    return code;
  } catch (e) {
    console.error(retry);
    throw e;
  }
}

/** `--amended <licence id>@<version>`: a licence version the amendment made. */
function amendedVersion(value: string): { licenceId: string; version: number } {
  const at = value.lastIndexOf('@');
  if (at < 1) throw new UsageError(`--amended is <licence id>@<version>, got "${value}"`);
  return { licenceId: value.slice(0, at), version: positiveInt(value.slice(at + 1), '--amended version') };
}

/** `--corrected-case <caseNo>@<version>`: a case version `cases correct` made. */
function correctedCase(value: string): { caseNo: string; version: number } {
  const at = value.lastIndexOf('@');
  if (at < 1) throw new UsageError(`--corrected-case is <caseNo>@<version>, got "${value}"`);
  return { caseNo: value.slice(0, at), version: positiveInt(value.slice(at + 1), '--corrected-case version') };
}

function printReceipt(r: TicketReceipt): void {
  console.log(`${TICKET_KIND_ZH[r.kind]} ${r.id}${r.replayed ? '（此前已提交 already filed）' : ''}`);
  console.log(`收到 received ${r.receivedAt} · 状态 ${TICKET_STATE_ZH[r.state]} (${r.state})`);
  if (r.departmentId !== undefined) console.log(`承办部门 department ${r.departmentId} · 答复期限 due ${r.dueOn ?? '-'}${r.dueProvisional ? ' (暂定 provisional)' : ''}`);
  else console.log('待平台转办 waiting for the platform to pass it on (转办)');
}

function printTickets(body: { tickets: TicketSummary[]; nextCursor?: string }): void {
  if (body.tickets.length === 0) console.log('(no tickets)');
  else
    printTable(
      ['ID', '类别 KIND', '状态 STATE', '主题 SUBJECT', '部门 DEPARTMENT', '收到 RECEIVED', '期限 DUE', '评价 RATING'],
      body.tickets.map((t) => [
        t.id,
        TICKET_KIND_ZH[t.kind],
        TICKET_STATE_ZH[t.state] + (t.late ? ' 逾期' : '') + (t.onTime === false ? ' 超期答复' : ''),
        t.subject,
        t.departmentId ?? '-',
        t.receivedOn,
        (t.dueOn ?? '-') + (t.dueProvisional ? ' (暂定)' : ''),
        t.rating ? TICKET_RATING_LEVEL_ZH[t.rating] : '-',
      ]),
    );
  more(body.nextCursor);
}

function printView(view: TicketView): void {
  const t = view.ticket;
  printOne(t);
  console.log(`主题 subject: ${t.subject}`);
  console.log(`内容 text: ${t.text}`);
  if (t.person) console.log(`当事人 person: ${t.person.name}`);
  if (t.correction) {
    const c = t.correction;
    console.log(
      `更正 correction: ${c.target} ${c.licenceId ?? c.caseNo ?? ''} ${c.field}${c.wrongValue !== undefined ? ` “${c.wrongValue}”` : ''}${c.rightValue !== undefined ? ` → “${c.rightValue}”` : ''}${c.privacyBreach ? ' · 隐私泄露 privacy breach' : ''}`,
    );
  }
  for (const r of t.routing)
    console.log(`  ${r.how === 'rule' ? '按规则分派' : r.how === 'assign' ? '转办' : '转交'} ${r.on} ${r.by.name} → ${r.departmentId}${r.note ? `: ${r.note}` : ''}`);
  if (t.answer) {
    const a = t.answer;
    console.log(`  答复 ${a.on} ${a.by.name}${a.outcome ? ` (${TICKET_OUTCOME_ZH[a.outcome]})` : ''}${a.onTime ? '' : ' 超期'}: ${a.text}`);
    if (a.reasons) console.log(`    理由 reasons: ${a.reasons.join('；')}`);
    for (const c of a.corrections ?? [])
      console.log('licenceId' in c ? `    更正后的证照 ${c.licenceId} 第 ${c.version} 版` : `    更正后的办件记录 ${c.caseNo} 第 ${c.version} 版`);
  }
  if (t.rating) console.log(`  评价 ${t.rating.on}: ${TICKET_RATING_LEVEL_ZH[t.rating.level]}${t.rating.comment ? ` — ${t.rating.comment}` : ''}`);
  console.log('\n历史 history:');
  for (const e of view.history) console.log(`  #${e.n} ${e.at} ${e.type} ${e.from ?? '-'} → ${e.to} by ${e.actor.name}`);
  console.log(view.check.ok ? '链校验通过 / chain intact' : `链校验失败 / chain broken at entry ${view.check.n}: ${view.check.reason}`);
}

function printOne(t: TicketAsRead): void {
  console.log(`${t.id} · ${TICKET_KIND_ZH[t.kind]} (${t.kind}) · 渠道 ${t.channelId}`);
  console.log(
    `状态 ${TICKET_STATE_ZH[t.state]} (${t.state})${t.late ? ' · 逾期 late' : ''} · 收到 ${t.receivedOn} · 部门 ${t.departmentId ?? '-'} · 答复期限 due ${t.dueOn ?? '-'}${t.dueProvisional ? ' (暂定 provisional)' : ''}`,
  );
}
