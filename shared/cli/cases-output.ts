// Human-readable rendering of cases for the terminal: the receipt (收件回执), a case, its history
// with the chain check, queues and the supervision lists. Chinese first, English after.
import type { CaseHistoryView, FilingResult, JointTaskEntry, SupervisionEntry } from '../domain/cases/case-service.ts';
import type { JointTask } from '../domain/cases/case-record.ts';
import type { CaseState, CaseStatus } from '../domain/cases/case-record.ts';
import { CASE_STATUS_ZH, NOTICE_TITLE_ZH, SPECIAL_PROCEDURE_ZH } from '../domain/cases/case-record.ts';
import type { SupervisionKind } from '../domain/cases/case-store.ts';
import type { CaseFindingSummary } from '../contracts/supervision-findings.ts';
import { FINDING_STATE_ZH } from '../contracts/supervision-findings.ts';
import { printTable } from './output.ts';

/** A date, marked when it is provisional (counted across a year whose holiday arrangement is not loaded). */
const PROVISIONAL = ' (暂定 provisional)';
const dated = (c: { provisional?: string[] | undefined }, path: string, date: string | undefined, flag?: string): string =>
  date ? `${date}${c.provisional?.includes(path) ? PROVISIONAL : ''}` : flag ? `未知 unknown (${flag})` : '';

const statusOf = (s: string) => (CASE_STATUS_ZH[s as CaseStatus] ? `${CASE_STATUS_ZH[s as CaseStatus]} ${s}` : s);

export function printReceipt(body: FilingResult, idempotencyKey: string): void {
  const r = body.receipt;
  console.log(`收件回执 / receipt${body.replayed ? '  (重复提交，返回原办件 / a retry: the case filed earlier with this key)' : ''}`);
  console.log(`办件编号 case no:       ${r.caseNo}`);
  console.log(`事项 item:              ${r.itemName}  (${r.itemCode}, version ${r.itemVersion})`);
  console.log(`收件时间 received:      ${r.receivedAt}`);
  console.log('材料 materials:');
  for (const m of r.materials)
    console.log(`  - ${m.name}  ${m.kind === 'upload' ? `${m.contentType}, ${m.size} bytes, sha256 ${m.sha256}` : `电子证照 licence ${m.licenceId} (免提交)`}`);
  if (r.answerDueOn) console.log(`答复期限 answer due:    ${dated(r, 'answerDueOn', r.answerDueOn)}  (逾期未答复视为受理 / deemed accepted after it)`);
  if (r.dueFlag) console.log(`答复期限 answer due:    未知 unknown (${r.dueFlag})`);
  console.log(`Idempotency-Key:        ${idempotencyKey}  (重试请用 / retry with --idempotency-key ${idempotencyKey})`);
}

/** The written notices given (sealed) and still owed: kind, Chinese title, the entry each notifies, when sealed. */
function printNotices(c: CaseState): void {
  const rows = [
    ...(c.notices ?? []).map((n) => [NOTICE_TITLE_ZH[n.kind], n.kind, String(n.entry), n.sealedAt]),
    ...(c.noticesDue ?? []).map((n) => [NOTICE_TITLE_ZH[n.kind], n.kind, String(n.entry), '待加盖 pending']),
  ];
  if (rows.length === 0) return;
  console.log('告知书 notices (tongban cases notice <caseNo> <kind|entry> --out <dir>):');
  for (const [title, kind, entry, sealed] of rows) console.log(`  ${title} ${kind} · entry ${entry} · 盖章 sealed ${sealed}`);
}

export function printCase(c: CaseState & { supervisionFindings?: CaseFindingSummary[] }): void {
  console.log(`${c.caseNo}  ${c.itemName} (${c.itemCode}, version ${c.itemVersion})`);
  console.log(`状态 status: ${statusOf(c.status)}${c.supervision ? `  [${SUPERVISION_ZH[c.supervision]}]` : ''} · case version ${c.version}`);
  for (const f of c.findings ?? []) console.log(`督查 finding: ${SUPERVISION_ZH[f.kind]} (due ${f.due}, recorded ${f.on})`);
  for (const f of c.supervisionFindings ?? [])
    console.log(`监察预警 ${f.id}: ${f.rule} (${f.severity === 'red' ? '红' : '黄'}) ${FINDING_STATE_ZH[f.state]} · raised ${f.raisedOn} · due ${f.dueOn}`);
  console.log(
    `申请人 applicant: ${c.applicant.name} (${c.applicant.kind === 'person' ? c.applicant.residentId : c.applicant.creditCode}) · channel ${c.channelId} · department ${c.departmentId}`,
  );
  console.log(`收件 received: ${c.receivedAt}${c.deemedAcceptedOn ? ` · 答复期限 answer due ${dated(c, 'deemedAcceptedOn', c.deemedAcceptedOn)}` : ''}`);
  if (c.preReview) {
    console.log(
      `预审 pre-review on ${c.preReview.on}${c.preReview.late ? ' (逾期 late)' : ''}: ${c.preReview.outcome === 'passes' ? '通过 passes' : `材料不全 incomplete: ${c.preReview.missing.join('; ')}`} · 下一步 next: ${c.preReview.nextSteps}`,
    );
  } else if (c.preReviewOffered && c.status === 'received' && c.preReviewDue) console.log(`预审 pre-review due ${dated(c, 'preReviewDue', c.preReviewDue)}`);
  for (const p of c.supplementRequest ?? []) console.log(`  补正 supplement: ${p.material}: ${p.problem}`);
  if (c.acceptance) {
    const pending = c.acceptance.pendingMaterials?.length ? ` · 容缺 pending ${c.acceptance.pendingMaterials.join(', ')} due ${c.acceptance.pendingDueOn ?? '?'}` : '';
    const delivered = c.acceptance.delivered?.length ? ` · 已补交 delivered ${c.acceptance.delivered.map((d) => `${d.material} (${d.on})`).join(', ')}` : '';
    console.log(`受理 accepted on ${c.acceptance.on} (${c.acceptance.mode})${pending}${delivered}`);
  }
  if (c.deadlines) {
    const flag = c.deadlines.flag;
    console.log(
      `时限 deadlines: 承诺 promised ${dated(c, 'deadlines.promised', c.deadlines.promised, flag)} · 法定 statutory ${dated(c, 'deadlines.statutory', c.deadlines.statutory, flag)}`,
    );
  }
  for (const [i, p] of c.pauses.entries()) {
    const expected =
      p.expectedDays !== undefined
        ? ` · 预计 expected ${p.expectedDays} working days${p.expectedUntil ? ` (until ${dated(c, `pauses.${i}.expectedUntil`, p.expectedUntil)})` : ''}`
        : '';
    console.log(`  暂停 pause ${p.from} → ${p.to ?? '…'}: ${SPECIAL_PROCEDURE_ZH[p.procedure]} ${p.procedure}: ${p.reason}${expected}`);
  }
  if (c.extension) console.log(`  延长 extended on ${c.extension.on} by ${c.extension.days} working days, approved by ${c.extension.approvedBy}${reasons(c.extension.reasons)}`);
  if (c.coDepartmentIds.length > 0) {
    console.log(`联合办理 joint handling: co-departments ${c.coDepartmentIds.join(', ')}${c.jointTasks ? '' : ' (not dispatched yet)'}`);
    for (const t of c.jointTasks ?? []) console.log(`  ${taskLine(c, t)}`);
    if (c.jointFailure) console.log(`  流程故障 workflow failed on ${c.jointFailure.on}: ${c.jointFailure.error} ${c.jointFailure.cause}`);
  }
  if (c.decision) console.log(`决定 decision on ${c.decision.on}: ${c.decision.outcome === 'approved' ? '准予 approved' : '不予 denied'}${reasons(c.decision.reasons)}`);
  if (c.decision?.overrideReasons) console.log(`  不采纳协办意见的理由 override reasons${reasons(c.decision.overrideReasons)}`);
  if (c.results) {
    const header = JSON.parse(Buffer.from(c.results.decision.seal.protected, 'base64url').toString('utf8')) as Record<string, string>;
    console.log(
      `电子印章 sealed at ${c.results.sealedAt}: ${header['tongban:seal']} of ${header['tongban:department']} (${header.alg})${c.results.licenceId ? ` · 电子证照 licence ${c.results.licenceId}` : ''}`,
    );
  } else if (c.status === 'decided') console.log('电子印章 seal: 待加盖 pending (the sweep seals it)');
  printNotices(c);
  if (c.archive?.state === 'archived')
    console.log(
      `归档 archived at ${c.archive.archivedAt}: ${c.archive.bundleKey} (${c.archive.size} bytes, kept until ${c.archive.retainUntil.slice(0, 10)}${c.archive.legalHold ? ', legal hold' : ''})`,
    );
  if (c.archive?.state === 'failed') {
    console.log(`归档失败 archiving FAILED on ${c.archive.on} (attempt ${c.archive.attempts}; tried again by the sweep):`);
    for (const f of c.archive.findings) console.log(`  ✗ ${f.property} ${f.code}${f.path ? ` ${f.path}` : ''}: ${f.message}`);
  }
  for (const e of c.archiveExceptions ?? []) {
    console.log(`  接受 accepted ${e.code} ${e.path} on ${e.on} by ${e.acceptedBy}: ${e.reasons.join('; ')}`);
  }
  if (c.refusal) console.log(`不予受理 refused on ${c.refusal.on}${reasons(c.refusal.reasons)}`);
  if (c.withdrawal) console.log(`撤回 withdrawn on ${c.withdrawal.on}: ${c.withdrawal.reason}`);
  console.log('材料 materials:');
  for (const [name, m] of Object.entries(c.materials)) {
    console.log(`  - ${name}  ${m.kind === 'upload' ? `${m.contentType}, ${m.size} bytes, sha256 ${m.sha256}` : `电子证照 licence ${m.licenceId}`}`);
  }
}

/** The history, one entry a line, then the chain check. */
export function printHistory(h: CaseHistoryView): void {
  console.log(`${h.caseNo}: ${h.entries.length} entries`);
  for (const e of h.entries) console.log(`${e.n}  ${e.at}  ${e.actor.name} (${e.actor.role})  ${e.from ?? '—'}→${e.to}  ${e.type}`);
  console.log(h.check.ok ? '链校验通过 / chain intact' : `链校验失败 / chain broken at entry ${h.check.n}: ${h.check.reason}`);
  more(h.nextCursor);
}

export function printCaseList(body: { cases: CaseState[]; nextCursor?: string }): void {
  if (body.cases.length === 0) console.log('(no cases)');
  else {
    const rows = body.cases.map((c) => [c.caseNo, c.itemName, statusOf(c.status), dueOf(c), c.applicant.name]);
    printTable(['CASE NO', 'ITEM', 'STATUS', 'DUE', 'APPLICANT'], rows);
  }
  more(body.nextCursor);
}

/** A co-department's joint tasks: its own task on each case, soonest due first. */
export function printJointTaskList(body: { tasks: JointTaskEntry[]; nextCursor?: string }): void {
  if (body.tasks.length === 0) console.log('(no joint tasks)');
  else {
    const rows = body.tasks.map((t) => [
      t.caseNo,
      t.itemName,
      t.leadDepartmentId,
      TASK_STATUS_ZH[t.task.status],
      dated(t, `jointTasks.${t.task.departmentId}.dueOn`, t.task.dueOn, t.task.dueFlag),
      dated(t, 'deadlines.statutory', t.deadlines?.statutory, t.deadlines?.flag),
    ]);
    printTable(['CASE NO', 'ITEM', 'LEAD', 'TASK', 'DUE', 'STATUTORY'], rows);
  }
  more(body.nextCursor);
}

const TASK_STATUS_ZH: Record<JointTask['status'], string> = {
  pending: '待提出意见 pending',
  escalated: '已超期督办 escalated',
  answered: '已提出意见 answered',
  missing: '意见缺失 missing',
};

function taskLine(c: CaseState, t: JointTask): string {
  const due = `due ${dated(c, `jointTasks.${t.departmentId}.dueOn`, t.dueOn, t.dueFlag ?? '?')}`;
  const opinion = t.opinion ? ` · ${t.opinion.outcome === 'agree' ? '同意 agree' : '不同意 disagree'} on ${t.opinion.on} by ${t.opinion.by}${reasons(t.opinion.reasons)}` : '';
  const marks = `${t.escalatedOn ? ` · escalated ${t.escalatedOn}` : ''}${t.missingOn ? ` · missing ${t.missingOn}` : ''}`;
  return `${t.departmentId}: ${TASK_STATUS_ZH[t.status]} · ${due}${marks}${opinion}`;
}

const SUPERVISION_ZH: Record<SupervisionKind, string> = {
  overdue: '超期 overdue',
  violation: '超法定时限 violation',
  'procedure-overrun': '特别程序超时 procedure-overrun',
  'pre-review-late': '预审逾期 pre-review-late',
  'materials-late': '容缺材料逾期 materials-late',
};

export function printSupervisionList(body: { cases: SupervisionEntry[]; nextCursor?: string }): void {
  if (body.cases.length === 0) console.log('(no cases)');
  else {
    const rows = body.cases.map((c) => [
      c.caseNo,
      c.itemName,
      c.departmentId,
      statusOf(c.status),
      SUPERVISION_ZH[c.supervision],
      c.passedDeadline ?? '',
      c.deadlines?.promised ?? '',
      c.deadlines?.statutory ?? '',
    ]);
    printTable(['CASE NO', 'ITEM', 'DEPARTMENT', 'STATUS', 'LIST', 'PASSED', 'PROMISED', 'STATUTORY'], rows);
  }
  more(body.nextCursor);
}

/** What a queue sorts by: the answer's last day while received, the promised deadline once accepted. */
function dueOf(c: CaseState): string {
  if (c.status === 'received' || c.status === 'supplement-requested') return dated(c, 'deemedAcceptedOn', c.deemedAcceptedOn, c.dueFlag);
  if (c.deadlines) return dated(c, 'deadlines.promised', c.deadlines.promised, c.deadlines.flag);
  return '';
}

function reasons(list: string[]): string {
  return list.length ? `: ${list.join('; ')}` : '';
}

/** The hint for the next page, when there is one. */
export function more(cursor: string | undefined): void {
  if (cursor) console.log(`\nmore: --cursor ${cursor}`);
}
