// The legal clock's steps (行政许可法 Art. 42, 45, 82): pauses for special procedures and the resume,
// the extension, the supervision marks and findings, the dates computed again after a calendar
// change — and what the sweep does to a case on a day (sweepCommand).
import { requirePauseLeft } from './case-limits.ts';
import type { WorkingDayCalendar } from '../calendar/official-calendar.ts';
import { conflict, invalid } from '../errors.ts';
import { findingsDue } from './case-findings.ts';
import type { CaseState, CasePause, SupervisionMark } from './case-record.ts';
import { SPECIAL_PROCEDURES } from './case-record.ts';
import { datesToRecompute, isProvisional, withComputedDates } from './case-dates.ts';
import type { CaseCommand, Step, StepContext, Steps } from './case-commands.ts';
import { MAX_EXTENSION_DAYS, MAX_JOINT_EXTENSION_DAYS, MAX_PROCEDURE_DAYS, ACTION_ZH } from './case-commands.ts';
import { openPause, requireText, requireTexts, isBlank, clockPaused, outOfOrder } from './case-checks.ts';
import { answerPeriodOver } from './case-answers.ts';

const pauseStep: Step<'pause'> = (state, command, { base, today, ctx }) => {
  if (openPause(state)) throw clockPaused(state, command.action);
  requirePauseLeft(state);
  if (!SPECIAL_PROCEDURES.includes(command.procedure)) {
    throw invalid(
      'CASE_PROCEDURE_UNKNOWN',
      'procedure',
      `“${String(command.procedure)}”不是可暂停计时的特别程序`,
      `"${String(command.procedure)}" is not a special procedure; one of ${SPECIAL_PROCEDURES.join(', ')}`,
    );
  }
  requireText(command.reason, 'reason', '暂停计时');
  if (!Number.isSafeInteger(command.expectedDays) || command.expectedDays < 1 || command.expectedDays > MAX_PROCEDURE_DAYS) {
    throw invalid(
      'CASE_PROCEDURE_DAYS_INVALID',
      'expectedDays',
      `特别程序应载明所需时间（1至${MAX_PROCEDURE_DAYS}个工作日）`,
      `a special procedure names the working days it is expected to take, 1 to ${MAX_PROCEDURE_DAYS}`,
    );
  }
  // A pause starts the day it is recorded: a backdated pause would take days off a clock that
  // has already run, and hide an overdue case from supervision.
  const lastEnd = state.pauses.at(-1)?.to ?? state.acceptance!.on;
  if (today < lastEnd) throw outOfOrder(state, `暂停日期（${today}）早于受理日或上次恢复日（${lastEnd}）`, `a pause from ${today} would start before ${lastEnd}`);
  const pause: CasePause = { from: today, procedure: command.procedure, reason: command.reason, expectedDays: command.expectedDays };
  // A deadline passed already is recorded now: the pause takes the deadlines away, not the lateness.
  // The deadlines go while the clock stands still: they move with the pause.
  return withComputedDates({ ...base, ...lateness(state, today), pauses: [...state.pauses, pause] }, ctx.calendar);
};

const resumeStep: Step<'resume'> = (state, _command, { base, today, ctx }) => {
  const open = openPause(state);
  if (!open) {
    throw conflict('CASE_CLOCK_RUNNING', '办件未暂停计时，无需恢复', `case ${state.caseNo} has no open pause to resume`);
  }
  if (today < open.from) throw outOfOrder(state, `恢复日期（${today}）早于暂停日期（${open.from}）`, `resuming on ${today} would end the pause before it began on ${open.from}`);
  const pauses = [...state.pauses.slice(0, -1), { ...open, to: today }];
  return withComputedDates({ ...base, pauses }, ctx.calendar);
};

const markLateStep = (state: CaseState, command: Extract<CaseCommand, { action: 'mark-overdue' | 'mark-violation' }>, { next, today }: StepContext): Omit<CaseState, 'hash'> => {
  const mark: SupervisionMark = command.action === 'mark-overdue' ? 'overdue' : 'violation';
  const due = supervisionDue(state, today);
  // Exactly the mark due: a case past its statutory deadline goes straight to the violation list.
  if (due !== mark) {
    throw conflict(
      'CASE_NOT_LATE',
      `办件${mark === 'overdue' ? '未超过承诺时限' : '未超过法定时限'}或已登记，不能登记为“${ACTION_ZH[command.action]}”`,
      `case ${state.caseNo} is not ${mark} on ${today} (or is marked already)`,
    );
  }
  // The deadline it passed is kept with the mark: a later pause takes the deadlines away, not the lateness.
  return next(lateness(state, today));
};

const recordFindingsStep: Step<'record-findings'> = (state, _command, { base, today }) => {
  // The sweep's: findings nobody's action has recorded yet (base records them).
  if (findingsDue(state, today).length === 0) {
    throw conflict('CASE_NO_FINDINGS', '办件没有待登记的督查发现', `case ${state.caseNo} has nothing late to record on ${today} (or it is recorded already)`);
  }
  return base;
};

const extendStep: Step<'extend'> = (state, command, { next, today, ctx }) => {
  // Art. 42: once, approved by the head of the department, before the statutory limit has run out.
  if (state.extension) {
    throw conflict(
      'CASE_ALREADY_EXTENDED',
      `办理期限已于${state.extension.on}延长，只能延长一次`,
      `the time limit of case ${state.caseNo} was extended on ${state.extension.on}; it is extended once`,
    );
  }
  const most = state.coDepartmentIds.length > 0 ? MAX_JOINT_EXTENSION_DAYS : MAX_EXTENSION_DAYS;
  if (!Number.isSafeInteger(command.days) || command.days < 1 || command.days > most) {
    throw invalid(
      'CASE_EXTENSION_DAYS_INVALID',
      'days',
      `延长期限为1至${most}个工作日（行政许可法第四十二条）`,
      `an extension is 1 to ${most} working days (Art. 42${most === MAX_JOINT_EXTENSION_DAYS ? ', joint handling' : ''})`,
    );
  }
  if (isBlank(command.approvedBy))
    throw invalid(
      'CASE_EXTENSION_APPROVER_REQUIRED',
      'approvedBy',
      '延长期限须经本行政机关负责人批准，请载明批准人',
      'an extension names the head of the department who approved it',
    );
  requireTexts(command.reasons, 'reasons', '延长办理期限');
  const statutory = state.deadlines?.statutory;
  if (statutory !== undefined && today > statutory && !isProvisional(state, 'deadlines.statutory')) {
    throw conflict(
      'CASE_EXTENSION_TOO_LATE',
      `法定办理期限已于${statutory}届满，不能再延长`,
      `the statutory time limit of case ${state.caseNo} ended on ${statutory}: it can no longer be extended`,
    );
  }
  const extension = { days: command.days, approvedBy: command.approvedBy.trim(), reasons: command.reasons, on: today };
  return withComputedDates(next({ extension }), ctx.calendar);
};

const recomputeDatesStep: Step<'recompute-dates'> = (state, _command, { base, ctx }) => {
  // The calendar data changed for a year the case's dates were counted across (loaded, or a new
  // version): every live date computed again, with the versions it now rests on.
  if (!datesToRecompute(state, ctx.calendar)) {
    throw conflict('CASE_DEADLINES_UNCHANGED', '办件的期限与现行工作日历一致，无需重算', `case ${state.caseNo}'s dates are those the current calendar data gives`);
  }
  return withComputedDates(base, ctx.calendar);
};

/**
 * The supervision mark a case has earned by `today` and not yet received: `violation` once the day
 * after the statutory deadline has come, else `overdue` once the day after the promised one has
 * (a department may act up to and including a deadline day). Undefined while nothing is due: not
 * accepted, clock paused, the deadline flagged or only provisional, or the mark already made.
 */
export function supervisionDue(state: CaseState, today: string): SupervisionMark | undefined {
  if ((state.status !== 'accepted' && state.status !== 'opinions-complete') || !state.deadlines) return undefined;
  const passed = (which: 'promised' | 'statutory') => {
    const deadline = state.deadlines?.[which];
    return deadline !== undefined && today > deadline && !isProvisional(state, `deadlines.${which}`);
  };
  if (passed('statutory') && state.supervision !== 'violation') return 'violation';
  if (passed('promised') && state.supervision === undefined) return 'overdue';
  return undefined;
}

/** The supervision mark a case has earned by `today` and not received yet, as the state records it. */
export function lateness(state: CaseState, today: string): Pick<CaseState, 'supervision' | 'supervisionDeadline'> {
  const mark = supervisionDue(state, today);
  if (!mark) return {};
  return { supervision: mark, supervisionDeadline: state.deadlines![mark === 'overdue' ? 'promised' : 'statutory']! };
}

/**
 * What the periodic sweep does to a case today, if anything: deem it accepted once the department's
 * answer period is over (Art. 32), compute its dates again when the calendar data they were counted
 * with has changed (a year loaded or corrected), then mark it late, or record what else it found late
 * (case-findings.ts). Applied repeatedly until it answers undefined,
 * so one sweep takes a case as far as the calendar says it has come (a deemed acceptance dated back
 * to the receipt of the materials may already be overdue).
 */
export function sweepCommand(state: CaseState, today: string, calendar: WorkingDayCalendar): CaseCommand | undefined {
  if (state.status === 'received' && answerPeriodOver(state, today, calendar)) return { action: 'deem-accepted' };
  if (datesToRecompute(state, calendar)) return { action: 'recompute-dates' };
  const due = supervisionDue(state, today);
  if (due) return due === 'violation' ? { action: 'mark-violation' } : { action: 'mark-overdue' };
  return findingsDue(state, today).length > 0 ? { action: 'record-findings' } : undefined;
}

export const CLOCK_STEPS = {
  pause: pauseStep,
  resume: resumeStep,
  'mark-overdue': markLateStep,
  'mark-violation': markLateStep,
  'record-findings': recordFindingsStep,
  extend: extendStep,
  'recompute-dates': recomputeDatesStep,
} satisfies Partial<Steps>;
