// How a case ends and what it leaves: the decision (with its licence terms), the seal over its
// results, its archive bundle (or a failed attempt), and the archive findings the platform accepts.
import { isIsoDate } from '../calendar/china-date.ts';
import { conflict, invalid } from '../errors.ts';
import type { CaseArchive, CaseState, LicenceTerms } from './case-record.ts';
import { ACCEPTABLE_ARCHIVE_FINDINGS } from './case-record.ts';
import type { CaseCommand, Step, StepContext, Steps } from './case-commands.ts';
import { openPause, requireTexts, clockPaused } from './case-checks.ts';
import { lateness } from './case-clock.ts';

const decideStep: Step<'decide'> = (state, command, { next, today }) => {
  if (openPause(state)) throw clockPaused(state, command.action);
  const joint = state.coDepartmentIds.length > 0;
  if (joint && state.status !== 'opinions-complete') {
    throw conflict(
      'CASE_JOINT_OPINIONS_MISSING',
      '联合办理事项须收齐协办部门意见（或法定期限届满后登记缺失）后方可作出决定',
      `case ${state.caseNo} is handled jointly; it is decided once every co-department's opinion is in or recorded missing`,
    );
  }
  if (command.outcome !== 'approved' && command.outcome !== 'denied') {
    throw invalid('CASE_OUTCOME_INVALID', 'outcome', '决定结果应为准予（approved）或不予（denied）', `the outcome is approved or denied, not "${String(command.outcome)}"`);
  }
  const reasons = command.reasons ?? [];
  if (command.outcome === 'denied' || reasons.length > 0) requireTexts(reasons, 'reasons', '不予许可');
  const opinions = state.jointTasks ?? [];
  // 容缺 (004 §18): an approval waits until the pending materials are delivered; a denial need not.
  const pendingNow = state.acceptance?.pendingMaterials ?? [];
  if (command.outcome === 'approved' && pendingNow.length > 0) {
    throw conflict(
      'CASE_PENDING_MATERIALS_OUTSTANDING',
      `容缺材料尚未补交（${pendingNow.join('、')}，期限${state.acceptance?.pendingDueOn ?? ''}），暂不能作出准予决定`,
      `case ${state.caseNo} still waits for its pending materials (${pendingNow.join(', ')}, due ${state.acceptance?.pendingDueOn ?? '?'}): it cannot be approved before they are delivered`,
    );
  }
  const overridden = command.outcome === 'approved' && opinions.some((t) => t.opinion?.outcome === 'disagree');
  if (overridden) requireTexts(command.overrideReasons, 'overrideReasons', '不采纳协办部门的不同意见');
  if (command.licence !== undefined) checkLicenceTerms(command.licence, command.outcome, today);
  const decision = {
    outcome: command.outcome,
    reasons,
    on: today,
    ...(joint ? { opinions } : {}),
    ...(overridden ? { overrideReasons: command.overrideReasons! } : {}),
    ...(command.licence !== undefined ? { licence: command.licence } : {}),
  };
  // Decided after a deadline the sweep has not marked yet: the lateness is recorded with the decision.
  return next({ status: 'decided', decision, ...lateness(state, today) });
};

const sealStep: Step<'seal'> = (state, command, { next }) => {
  // Once: a case's results are sealed a single time, and never replaced.
  if (state.results) {
    throw conflict('CASE_SEALED', `办件结果已于${state.results.sealedAt}加盖电子印章`, `the results of case ${state.caseNo} were sealed at ${state.results.sealedAt}`);
  }
  return next({ results: command.results });
};

const archiveStep = (state: CaseState, command: Extract<CaseCommand, { action: 'archive' | 'archive-failed' }>, { next, today }: StepContext): Omit<CaseState, 'hash'> => {
  // Once archived, for good; a failed attempt is recorded (and counted) until one succeeds.
  if (state.archive?.state === 'archived') {
    throw conflict('CASE_ARCHIVED', `办件已于${state.archive.archivedAt}归档`, `case ${state.caseNo} was archived at ${state.archive.archivedAt} as ${state.archive.bundleKey}`);
  }
  if (state.status === 'decided' && !state.results) {
    throw conflict('CASE_NOT_SEALED', '办件结果尚未加盖电子印章，暂不能归档', `case ${state.caseNo} is decided but its results are not sealed yet`);
  }
  if (command.action === 'archive' && (state.noticesDue?.length ?? 0) > 0) throw noticesNotSealed(state);
  const archive: CaseArchive =
    command.action === 'archive'
      ? command.archive
      : { state: 'failed', on: today, findings: command.findings, attempts: (state.archive?.state === 'failed' ? state.archive.attempts : 0) + 1 };
  if (archive.state === 'archived') return withoutFailure(next({ archive }));
  // A check that failed MAX_ARCHIVE_ATTEMPTS times fails for what the files are, not for an outage:
  // the sweep stops trying, and the platform role looks (retry-follow-up, accept-archive-findings).
  if (archive.attempts >= MAX_ARCHIVE_ATTEMPTS && !state.followUpFailure) {
    const codes = [...new Set(archive.findings.map((f) => f.code))].join(', ');
    return next({
      archive,
      followUpFailure: { step: 'archive', code: 'ARCHIVE_CHECK_FAILED', reason: `the bundle failed its check ${archive.attempts} times: ${codes}`, on: today },
    });
  }
  return next({ archive });
};

/** An ended case whose bundle would lack a notice it owes: archived once its notices are sealed. */
export function noticesNotSealed(state: CaseState) {
  const due = (state.noticesDue ?? []).map((n) => `${n.kind} (entry ${n.entry})`).join(', ');
  return conflict(
    'CASE_NOTICES_NOT_SEALED',
    '办件的告知书尚未加盖电子印章，暂不能归档',
    `case ${state.caseNo} still owes sealed notices (${due}): it is archived once they are sealed`,
  );
}

/** The most failed checks of a case's bundle the platform makes before it gives the archiving up. */
export const MAX_ARCHIVE_ATTEMPTS = 3;

const followUpFailedStep: Step<'follow-up-failed'> = (state, command, { next, today }) => {
  if (state.followUpFailure) {
    throw conflict(
      'CASE_FOLLOW_UP_FAILED',
      `办件的后续步骤已于${state.followUpFailure.on}登记为失败`,
      `case ${state.caseNo}: its ${state.followUpFailure.step} was recorded as failed on ${state.followUpFailure.on}`,
    );
  }
  return next({ followUpFailure: { step: command.step, code: command.code, reason: command.reason.slice(0, 1000), on: today } });
};

const retryFollowUpStep: Step<'retry-follow-up'> = (state, command, { base }) => {
  // The platform role, having mended the cause (a seal key added, a file replaced): the step is taken again at once, and by every sweep after.
  if (!state.followUpFailure) {
    throw conflict('CASE_NO_FOLLOW_UP_FAILURE', '该办件没有登记为失败的后续步骤，无需重试', `case ${state.caseNo} has no failed follow-up to retry`);
  }
  requireTexts(command.reasons, 'reasons', '重试后续步骤');
  return withoutFailure(base);
};

/** The state without its follow-up failure. */
function withoutFailure(state: Omit<CaseState, 'hash'>): Omit<CaseState, 'hash'> {
  const { followUpFailure: _failure, ...rest } = state;
  return rest;
}

const acceptArchiveFindingsStep: Step<'accept-archive-findings'> = (state, command, { next, today, ctx }) => {
  // A case that ended before intake refused such files: the platform role accepts what the
  // archive's check found of a file (not of its format, encrypted), with reasons; the next
  // archiving lists those findings as accepted in the bundle's report instead of failing on them.
  if (state.archive?.state === 'archived') {
    throw conflict('CASE_ARCHIVED', `办件已于${state.archive.archivedAt}归档`, `case ${state.caseNo} was archived at ${state.archive.archivedAt} as ${state.archive.bundleKey}`);
  }
  const accepted = state.archiveExceptions ?? [];
  const open = (state.archive?.state === 'failed' ? state.archive.findings : []).filter(
    (f): f is typeof f & { path: string } => ACCEPTABLE_ARCHIVE_FINDINGS.includes(f.code) && f.path !== undefined && !accepted.some((a) => a.code === f.code && a.path === f.path),
  );
  if (open.length === 0) {
    throw conflict(
      'CASE_ARCHIVE_NOTHING_TO_ACCEPT',
      '该办件最近一次归档检测没有可接受的发现（只有文件格式不符、文件加密两类可以接受）',
      `the last archiving attempt of case ${state.caseNo} found nothing that may be accepted (only ${ACCEPTABLE_ARCHIVE_FINDINGS.join(' and ')} of a file)`,
    );
  }
  requireTexts(command.reasons, 'reasons', '接受归档检测发现');
  const exceptions = open.map((f) => ({ code: f.code, path: f.path, message: f.message, reasons: command.reasons, acceptedBy: ctx.actor.name, on: today }));
  // Archived at once after it: a failure given up is taken up again.
  return withoutFailure(next({ archiveExceptions: [...accepted, ...exceptions] }));
};

/** The e-licence terms of a decision: only with an approval, and valid from the day of the decision. */
export function checkLicenceTerms(terms: LicenceTerms, outcome: 'approved' | 'denied', today: string): void {
  const refuse = (field: string, zh: string, en: string) => invalid('CASE_LICENCE_TERMS_INVALID', `licence${field}`, zh, en);
  if (outcome !== 'approved') throw refuse('', '只有准予许可的决定才颁发电子证照', 'only an approval issues an e-licence: a denial takes no licence terms');
  if (terms.validUntil !== undefined) {
    if (typeof terms.validUntil !== 'string' || !isIsoDate(terms.validUntil)) {
      throw refuse('.validUntil', '有效期截止日应为 YYYY-MM-DD 格式的日期', `validUntil "${String(terms.validUntil)}" is not a date (YYYY-MM-DD)`);
    }
    if (terms.validUntil < today)
      throw refuse('.validUntil', `有效期截止日（${terms.validUntil}）早于决定日（${today}）`, `a licence valid until ${terms.validUntil} cannot be issued on ${today}`);
  }
}

export const RESULT_STEPS = {
  decide: decideStep,
  seal: sealStep,
  archive: archiveStep,
  'archive-failed': archiveStep,
  'accept-archive-findings': acceptArchiveFindingsStep,
  'follow-up-failed': followUpFailedStep,
  'retry-follow-up': retryFollowUpStep,
} satisfies Partial<Steps>;
