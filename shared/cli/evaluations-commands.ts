// `tongban evaluations list|show|rate|rate-answer|answer|appeal|verdict`: 好差评 — a channel rates an
// ended case (or a hall window a visit) once, the department answers a bad review (with its 回访) or
// appeals it, the channel rates the answer, the platform role decides an appeal. Each builds the
// route's request from the options and prints the answer through the caller's `out` (JSON with
// --json, exit 1 when refused).
import { randomUUID } from 'node:crypto';
import type { EvaluationEntry, EvaluationView } from '../contracts/evaluations.ts';
import { EVALUATION_DIMENSIONS, EVALUATION_DIMENSION_ZH, EVALUATION_LEVEL_ZH, EVALUATION_STATE_ZH } from '../contracts/evaluations.ts';
import type { ApiClient, ApiResponse } from './api-client.ts';
import { UsageError } from './api-client.ts';
import { isoDate } from './args.ts';
import { more } from './cases-output.ts';
import { printTable } from './output.ts';

export interface EvaluationOptions {
  department?: string | undefined;
  state?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  case?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  level?: string | undefined;
  dimension?: string[] | undefined;
  comment?: string | undefined;
  named?: boolean | undefined;
  window?: boolean | undefined;
  visit?: string | undefined;
  item?: string | undefined;
  'contact-name'?: string | undefined;
  'contact-phone'?: string | undefined;
  'idempotency-key'?: string | undefined;
  verification?: string | undefined;
  rectified?: boolean | undefined;
  explained?: boolean | undefined;
  text?: string | undefined;
  'follow-up-on'?: string | undefined;
  'follow-up-by'?: string | undefined;
  'follow-up-outcome'?: string | undefined;
  reason?: string[] | undefined;
  uphold?: boolean | undefined;
  dismiss?: boolean | undefined;
}

export async function evaluationsCommand(
  ctx: { api: ApiClient; o: EvaluationOptions; out: (res: ApiResponse, print: (body: never) => void) => number },
  command: string | undefined,
  arg: string | undefined,
): Promise<number> {
  const { api, o, out } = ctx;
  const path = (suffix = '') => {
    if (!arg) throw new UsageError(`evaluations ${command} needs the evaluation's id`);
    return `/v1/evaluations/${encodeURIComponent(arg)}${suffix}`;
  };
  switch (command) {
    case 'list': {
      const query = {
        department: o.department,
        state: o.state,
        case: o.case,
        from: o.from && isoDate(o.from, '--from'),
        to: o.to && isoDate(o.to, '--to'),
        limit: o.limit,
        cursor: o.cursor,
      };
      return out(await api.request('GET', '/v1/evaluations', { query }), printEvaluations);
    }
    case 'show':
      return out(await api.request('GET', path()), printEvaluation);
    case 'rate': {
      const rating = ratingOf(o);
      const key = o['idempotency-key'] ?? randomUUID();
      const headers = { 'Idempotency-Key': key };
      if (o.window) {
        if (!o.visit || !o.department) throw new UsageError('evaluations rate --window needs --visit <number> and --department <id>');
        const contact = o['contact-name'] !== undefined || o['contact-phone'] !== undefined ? { name: o['contact-name'] ?? '', phone: o['contact-phone'] ?? '' } : undefined;
        const body = { ...rating, window: { visit: o.visit, departmentId: o.department, ...(o.item ? { itemCode: o.item } : {}) }, ...(contact ? { contact } : {}) };
        return out(await api.request('POST', '/v1/evaluations', { body, headers }), printRated(key));
      }
      if (!arg) throw new UsageError('evaluations rate needs the case number (or --window --visit <number> --department <id>)');
      return out(await api.request('POST', `/v1/cases/${encodeURIComponent(arg)}/evaluation`, { body: rating, headers }), printRated(key));
    }
    case 'rate-answer': {
      if (!o.level) throw new UsageError('evaluations rate-answer needs --level <level>');
      return out(await api.request('POST', path('/rating'), { body: { level: o.level, ...(o.comment !== undefined ? { comment: o.comment } : {}) } }), printOne);
    }
    case 'answer': {
      if (o.rectified === o.explained) throw new UsageError('evaluations answer needs --rectified or --explained (one of them)');
      if (!o.verification || !o.text) throw new UsageError('evaluations answer needs --verification <what was verified> and --text <the answer>');
      const on = o['follow-up-on'];
      const followUp = on !== undefined ? { on: isoDate(on, '--follow-up-on'), by: o['follow-up-by'] ?? '', outcome: o['follow-up-outcome'] ?? '' } : undefined;
      const body = { verification: o.verification, kind: o.rectified ? 'rectified' : 'explained', text: o.text, ...(followUp ? { followUp } : {}) };
      return out(await api.request('POST', path('/answer'), { body }), printOne);
    }
    case 'appeal':
      if (!o.reason?.length) throw new UsageError('evaluations appeal needs --reason <text> (repeatable)');
      return out(await api.request('POST', path('/appeal'), { body: { reasons: o.reason } }), printOne);
    case 'verdict':
      if (o.uphold === o.dismiss) throw new UsageError('evaluations verdict needs --uphold or --dismiss (one of them)');
      if (!o.reason?.length) throw new UsageError('evaluations verdict needs --reason <text> (repeatable)');
      return out(await api.request('POST', path('/verdict'), { body: { decision: o.uphold ? 'uphold' : 'dismiss', reasons: o.reason } }), printOne);
    default:
      throw new UsageError(`unknown command "evaluations ${command ?? ''}"`);
  }
}

/** The rating's body from --level, --dimension name=N…, --comment, --named. */
function ratingOf(o: EvaluationOptions) {
  if (!o.level) throw new UsageError('evaluations rate needs --level very-satisfied|satisfied|basic|dissatisfied|very-dissatisfied');
  const dimensions: Record<string, number> = {};
  for (const d of o.dimension ?? []) {
    const m = /^([a-z]+)=([1-5])$/.exec(d);
    if (!m || !(EVALUATION_DIMENSIONS as readonly string[]).includes(m[1]!)) throw new UsageError(`--dimension ${d}: expected ${EVALUATION_DIMENSIONS.join('|')}=1…5`);
    dimensions[m[1]!] = Number(m[2]);
  }
  return {
    level: o.level,
    named: o.named === true,
    ...(Object.keys(dimensions).length > 0 ? { dimensions } : {}),
    ...(o.comment !== undefined ? { comment: o.comment } : {}),
  };
}

function printEvaluations(body: { evaluations: EvaluationEntry[]; nextCursor?: string }): void {
  if (body.evaluations.length === 0) console.log('(no evaluations)');
  else
    printTable(
      ['ID', '对象 SUBJECT', '评价 LEVEL', '状态 STATE', '部门 DEPARTMENT', '评价日 RATED', '期限 DUE'],
      body.evaluations.map((e) => [
        e.id,
        subject(e),
        EVALUATION_LEVEL_ZH[e.level],
        EVALUATION_STATE_ZH[e.state] + (e.late ? ' 逾期' : ''),
        e.departmentId,
        e.ratedOn,
        e.dueOn !== undefined ? e.dueOn + (e.dueProvisional ? ' (暂定)' : '') : '-',
      ]),
    );
  more(body.nextCursor);
}

function printRated(key: string) {
  return (e: EvaluationEntry): void => {
    printOne(e);
    console.log(`Idempotency-Key ${key} (retry with --idempotency-key ${key})`);
  };
}

function printEvaluation(view: EvaluationView): void {
  const e = view.evaluation;
  printOne(e);
  const dims = Object.entries(e.dimensions ?? {}).map(([k, v]) => `${EVALUATION_DIMENSION_ZH[k as keyof typeof EVALUATION_DIMENSION_ZH]} ${String(v)}`);
  if (dims.length > 0) console.log(`分项 dimensions: ${dims.join('，')}`);
  if (e.comment) console.log(`评价内容 comment: ${e.comment}`);
  if (e.contact) console.log(`实名 named: ${e.contact.name} ${e.contact.phone}`);
  if (e.answer) {
    console.log(`答复 ${e.answer.on} ${e.answer.by.name}: ${e.answer.kind === 'rectified' ? '已整改' : '说明'} — ${e.answer.text}（核实：${e.answer.verification}）`);
    if (e.answer.followUp) console.log(`  回访 ${e.answer.followUp.on} ${e.answer.followUp.by}: ${e.answer.followUp.outcome}`);
    console.log(`  ${e.rectifiedOnTime ? '按期整改 on time' : '逾期整改 late'}`);
  }
  if (e.answerRating) console.log(`对答复的评价 ${e.answerRating.on}: ${EVALUATION_LEVEL_ZH[e.answerRating.level]}${e.answerRating.comment ? ` — ${e.answerRating.comment}` : ''}`);
  if (e.appeal) console.log(`申诉 ${e.appeal.on} ${e.appeal.by.name}: ${e.appeal.reasons.join('；')}`);
  if (e.verdict) console.log(`复核 ${e.verdict.on} ${e.verdict.by.name}: ${e.verdict.decision === 'uphold' ? '申诉成立' : '申诉驳回'} — ${e.verdict.reasons.join('；')}`);
  console.log('\n历史 history:');
  for (const h of view.history) console.log(`  #${h.n} ${h.at} ${h.type} ${h.from ?? '-'} → ${h.to} by ${h.actor.name}`);
  console.log(view.check.ok ? '链校验通过 / chain intact' : `链校验失败 / chain broken at entry ${view.check.n}: ${view.check.reason}`);
}

function printOne(e: EvaluationEntry): void {
  console.log(`${e.id} · ${subject(e)} · ${EVALUATION_LEVEL_ZH[e.level]} (${e.level})${e.excluded ? ' · 不计入 excluded' : ''}`);
  console.log(
    `状态 ${EVALUATION_STATE_ZH[e.state]} (${e.state})${e.late ? ' · 逾期 late' : ''} · 评价 ${e.ratedOn}${
      e.dueOn !== undefined ? ` · 整改期限 due ${e.dueOn}${e.dueProvisional ? ' (暂定 provisional)' : ''}` : ''
    } · 部门 ${e.departmentId} · 渠道 ${e.channelId}`,
  );
}

function subject(e: EvaluationEntry): string {
  return e.subject.kind === 'case' ? `办件 ${e.subject.caseNo}` : `窗口 ${e.subject.visit}`;
}
