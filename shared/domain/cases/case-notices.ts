// The written notices a case owes its applicant (002 §14, 004 §19; 行政许可法 Art. 32, 38, 42, 45), as
// documents like the decision: canonical JSON (RFC 8785) sealed with the case department's active seal
// by the sealing function (case-sealing.ts), one KMS Sign each. This module is the one place that says
// which action owes which notice, and what each says:
//
//   accept, deem-accepted   受理通知书       acceptance          (Art. 32; 002 §14 受理通知书)
//   accept-pending          容缺受理告知书   pending-acceptance  (004 §18 容缺受理: what to deliver by when)
//   refuse                  不予受理通知书   refusal             (Art. 32, 38: the reasons, review or suit)
//   request-supplement      补齐补正通知书   supplement          (Art. 32: every problem at once, 一次性告知)
//   extend                  延期通知书       extension           (Art. 42)
//   pause (a special        特别程序告知书   special-procedure   (Art. 45, 004 §19: the procedure and the
//     procedure)                                                 time it takes, which does not count)
//
// applyCaseCommand records the notice an action owes in the action's own next state (`noticesDue`:
// its kind, the entry, and the document's content as of that entry), so the history commits to what it
// says and the case record's size check counts it with the action that owes it (case-items.ts keeps
// the room for the seal that follows). The sealing function adds the entry's version and hash
// (`record`), seals each due notice and records them all with one `seal-notices` entry, which moves
// them from `noticesDue` to `notices`. A notice is owed once per action, so the notices are bounded
// by the actions that owe them (case-limits.ts: at most 10 supplement rounds and 50 pauses; one
// acceptance, refusal and extension each).
import { canonicalize } from '../seals/jcs.ts';
import type { Caller } from '../access/caller.ts';
import { officerOf } from '../access/actor.ts';
import { holderOf } from '../licences/licence.ts';
import { conflict } from '../errors.ts';
import { isProvisional } from './case-dates.ts';
import type { CaseCommand, Step, Steps } from './case-commands.ts';
import type { CaseAction, CaseNotice, CaseState, DueNotice, JsonValue, NoticeKind } from './case-record.ts';
import { NOTICE_TITLE_ZH, SPECIAL_PROCEDURES, SPECIAL_PROCEDURE_ZH } from './case-record.ts';
import { FORM } from './case-checks.ts';

/** The `type` member of a notice document: `tongban/notice/<kind>`. */
export const noticeDocumentType = (kind: NoticeKind) => `tongban/notice/${kind}`;

/** The notice each action owes (a pause: only for a special procedure, which every pause names today). */
export const NOTICE_OWED_BY: Readonly<Partial<Record<CaseAction, NoticeKind>>> = {
  accept: 'acceptance',
  'deem-accepted': 'acceptance',
  'accept-pending': 'pending-acceptance',
  refuse: 'refusal',
  'request-supplement': 'supplement',
  extend: 'extension',
  pause: 'special-procedure',
};

/** The notice `command` owes once it is recorded, if any. */
export function noticeOwed(command: CaseCommand): NoticeKind | undefined {
  if (command.action === 'pause') return (SPECIAL_PROCEDURES as readonly string[]).includes(command.procedure) ? 'special-procedure' : undefined;
  return NOTICE_OWED_BY[command.action];
}

/**
 * The next state with the notice its command owes recorded as due: applyCaseCommand's, once for every
 * action. `next` is the state the action leads to (its version is the entry's number), `on` its date,
 * `actor` who took it (the notice names its officer beside the department: 002 §13).
 */
export function owingNotice(command: CaseCommand, next: Omit<CaseState, 'hash'>, on: string, actor: Pick<Caller, 'officer'> = {}): Omit<CaseState, 'hash'> {
  const kind = noticeOwed(command);
  if (!kind) return next;
  const due: DueNotice = { kind, entry: next.version, content: noticeContent(kind, next, on, actor) };
  return { ...next, noticesDue: [...(next.noticesDue ?? []), due] };
}

/** The document a due notice is sealed as: its content and the entry it notifies (`hash`: that entry's). */
export function noticeDocument(due: DueNotice, entryHash: string): string {
  return canonicalize({ ...due.content, record: { version: due.entry, hash: entryHash } });
}

type Content = { [key: string]: JsonValue };

/**
 * What the notice of `kind` says, from the state its action led to: everything but `record`. The
 * officer who took the action (`actor`), when named, beside the department (承办人); a notice the
 * platform owes by itself (deemed acceptance) names none.
 */
export function noticeContent(kind: NoticeKind, s: Omit<CaseState, 'hash'>, on: string, actor: Pick<Caller, 'officer'> = {}): Content {
  const holder = holderOf(s.applicant);
  const head: Content = {
    type: noticeDocumentType(kind),
    kind,
    title: NOTICE_TITLE_ZH[kind],
    caseNo: s.caseNo,
    itemCode: s.itemCode,
    itemName: s.itemName,
    itemVersion: s.itemVersion,
    department: s.departmentId,
    ...officerOf(actor),
    applicant: { kind: holder.kind, id: holder.id, name: holder.name },
    issuedOn: on,
  };
  switch (kind) {
    case 'acceptance':
    case 'pending-acceptance':
      return { ...head, ...acceptanceFacts(s, kind) };
    case 'refusal':
      return { ...head, ...refusalFacts(s) };
    case 'supplement':
      return { ...head, ...supplementFacts(s) };
    case 'extension':
      return { ...head, ...extensionFacts(s) };
    case 'special-procedure':
      return { ...head, ...procedureFacts(s) };
  }
}

const LAW = '《中华人民共和国行政许可法》';
const NEXT_STEPS = '本机关作出决定后，将通过你（单位）提交申请的渠道送达加盖本机关电子印章的决定书（依法颁发电子证照的，一并送达）；你（单位）可凭办件编号随时查询办理进度。';

/** The deadlines as of the entry, each marked provisional where the calendar of its year is not loaded. */
function deadlinesOf(s: Omit<CaseState, 'hash'>): Content {
  const d = s.deadlines ?? {};
  const provisional = (['promised', 'statutory'] as const).filter((k) => d[k] !== undefined && isProvisional(s, `deadlines.${k}`));
  return {
    promisedDays: s.limits.promisedDays,
    statutoryDays: s.limits.statutoryDays + (s.extension?.days ?? 0),
    ...(d.promised !== undefined ? { promised: d.promised } : {}),
    ...(d.statutory !== undefined ? { statutory: d.statutory } : {}),
    ...(d.flag !== undefined ? { flag: d.flag } : {}),
    provisional: [...provisional],
  };
}

/** 受理通知书 and 容缺受理告知书: the acceptance, its deadlines, and (容缺) what to deliver by when. */
function acceptanceFacts(s: Omit<CaseState, 'hash'>, kind: 'acceptance' | 'pending-acceptance'): Content {
  const a = s.acceptance!;
  const deadlines = deadlinesOf(s);
  const provisional = (deadlines.provisional as string[]).length > 0;
  const dateNote = provisional ? '标注为暂定的期限按法定节假日推算，待该年度节假日安排公布后确定。' : '';
  const limits = `本机关将在承诺时限${s.limits.promisedDays}个工作日内作出决定，最迟不超过法定时限${s.limits.statutoryDays}个工作日（依法需要的特别程序所需时间不计算在内）。`;
  const facts: Content = { acceptedOn: a.on, mode: a.mode, deadlines, nextSteps: NEXT_STEPS };
  if (kind === 'pending-acceptance') {
    const materials = [...(a.pendingMaterials ?? [])];
    const dueOn = a.pendingDueOn ?? '';
    return {
      ...facts,
      pending: { materials, dueOn },
      statement: `你（单位）于${s.receivedOn}提交的“${s.itemName}”申请，主要申请材料齐全、符合法定形式，所缺材料允许容缺，本机关决定予以容缺受理（受理日期：${a.on}）。请于${dueOn}（含当日）前补交：${materials.join('、')}。${limits}${dateNote}`,
      consequence: `上述材料补齐前，本机关不作出准予许可的决定；逾期未补交的，记入督查，本机关可以依法作出不予许可的决定。`,
      basis: [`${LAW}第三十二条`],
    };
  }
  const statement =
    a.mode === 'deemed'
      ? `本机关未在法定期限内对你（单位）于${s.receivedOn}提交的“${s.itemName}”申请作出是否受理的决定，依照${LAW}第三十二条，自收到申请材料之日起即为受理（受理日期：${a.on}）。${limits}${dateNote}`
      : `你（单位）于${s.receivedOn}提交的“${s.itemName}”申请，申请材料齐全、符合法定形式，本机关决定予以受理（受理日期：${a.on}）。${limits}${dateNote}`;
  return { ...facts, statement, basis: [`${LAW}第三十二条`] };
}

/** 不予受理通知书: the reasons, and the right to administrative review (60 days) or suit (6 months), Art. 38. */
function refusalFacts(s: Omit<CaseState, 'hash'>): Content {
  const refusal = s.refusal!;
  return {
    refusedOn: refusal.on,
    reasons: [...refusal.reasons],
    statement: `你（单位）于${s.receivedOn}提交的“${s.itemName}”申请，经审查，本机关决定不予受理，理由如下。`,
    remedies: {
      review: { name: '行政复议', withinDays: 60, from: '收到本通知书之日' },
      litigation: { name: '行政诉讼', withinMonths: 6, from: '收到本通知书之日' },
      statement: '如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。',
    },
    basis: [`${LAW}第三十二条`, `${LAW}第三十八条`],
  };
}

/** 补齐补正通知书: every problem at once (一次性告知), each with its material. */
function supplementFacts(s: Omit<CaseState, 'hash'>): Content {
  const problems = (s.supplementRequest ?? []).map((p) => ({ material: p.material === FORM ? '申请表' : p.material, problem: p.problem }));
  return {
    round: s.supplementRounds ?? 1,
    problems,
    statement: `你（单位）提交的“${s.itemName}”申请材料不齐全或者不符合法定形式，现一次性告知需要补正的全部内容（共${problems.length}项）。请按要求补正后通过原渠道提交；本机关自收到补正材料之日起重新计算受理期限。`,
    basis: [`${LAW}第三十二条`],
  };
}

/** 延期通知书 (Art. 42): the days extended, the new statutory limit and deadline, the reasons. */
function extensionFacts(s: Omit<CaseState, 'hash'>): Content {
  const e = s.extension!;
  const deadlines = deadlinesOf(s);
  const statutory = s.deadlines?.statutory;
  return {
    extendedOn: e.on,
    days: e.days,
    approvedBy: e.approvedBy,
    reasons: [...e.reasons],
    deadlines,
    statement:
      `因下列理由，经本机关负责人批准，你（单位）申请的“${s.itemName}”的办理期限延长${e.days}个工作日，法定时限由${s.limits.statutoryDays}个工作日延长至${s.limits.statutoryDays + e.days}个工作日` +
      (statutory !== undefined ? `，至${statutory}届满。` : '；特别程序进行期间暂停计时，届满日于恢复计时后确定。'),
    basis: [`${LAW}第四十二条`],
  };
}

/** 特别程序告知书 (Art. 45): the procedure, its expected length, and that its time does not count. */
function procedureFacts(s: Omit<CaseState, 'hash'>): Content {
  const p = s.pauses.at(-1)!;
  const name = SPECIAL_PROCEDURE_ZH[p.procedure];
  return {
    procedure: p.procedure,
    procedureName: name,
    reason: p.reason,
    from: p.from,
    ...(p.expectedDays !== undefined ? { expectedDays: p.expectedDays } : {}),
    ...(p.expectedUntil !== undefined ? { expectedUntil: p.expectedUntil } : {}),
    statement:
      `你（单位）申请的“${s.itemName}”依法需要${name}。依照${LAW}第四十五条，${name}所需时间不计算在行政许可期限内；自${p.from}起暂停计算期限，${name}结束后恢复计算。` +
      (p.expectedDays !== undefined ? `${name}预计需要${p.expectedDays}个工作日${p.expectedUntil ? `（预计至${p.expectedUntil}）` : ''}。` : ''),
    basis: [`${LAW}第四十五条`],
  };
}

const sameNotice = (a: { kind: NoticeKind; entry: number }, b: { kind: NoticeKind; entry: number }) => a.kind === b.kind && a.entry === b.entry;

/**
 * The sealing function's entry: the notices it sealed move from `noticesDue` to `notices`. Each must be
 * due, and its document exactly the due content with the entry's record: a notice is sealed once, and
 * says what the history recorded.
 */
const sealNoticesStep: Step<'seal-notices'> = (state, command, { next }) => {
  const due = state.noticesDue ?? [];
  const sealed: CaseNotice[] = command.notices;
  if (sealed.length === 0) throw notDue(state, 'none given');
  sealed.forEach((n, i) => {
    const owed = due.find((d) => sameNotice(d, n));
    if (!owed || sealed.findIndex((m) => sameNotice(m, n)) !== i) throw notDue(state, `${n.kind} of entry ${n.entry}`);
    const record = (JSON.parse(n.document) as { record?: { hash?: unknown } }).record;
    if (typeof record?.hash !== 'string' || noticeDocument(owed, record.hash) !== n.document) {
      throw new Error(`case ${state.caseNo}: the ${n.kind} notice of entry ${n.entry} is not the document its due content makes`);
    }
  });
  const left = due.filter((d) => !sealed.some((n) => sameNotice(d, n)));
  const { noticesDue: _due, ...rest } = next({ notices: [...(state.notices ?? []), ...sealed] });
  return left.length > 0 ? { ...rest, noticesDue: left } : rest;
};

function notDue(state: CaseState, what: string) {
  return conflict(
    'CASE_NOTICE_NOT_DUE',
    '该告知书不是办件待盖章的告知书（可能已盖章）',
    `case ${state.caseNo} owes no such notice to seal (${what}): sealed already, or never owed`,
  );
}

export const NOTICE_STEPS = { 'seal-notices': sealNoticesStep } satisfies Partial<Steps>;
