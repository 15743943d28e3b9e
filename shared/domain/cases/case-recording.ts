// The one place a case's next state becomes a history entry: its digests and hash, chained to the
// previous entry's, and the state stamped with it. The context is checked first (its date is the
// China date of its instant).
import { assertIsoDate, chinaDate } from '../calendar/china-date.ts';
import { entryBody, hashCaseEntry } from './case-history.ts';
import type { CaseEventType, CaseState, CaseTransition } from './case-record.ts';
import type { CaseContext } from './case-commands.ts';

export function record(
  state: Omit<CaseState, 'hash'>,
  type: CaseEventType,
  from: CaseState | null,
  payload: unknown,
  previousHash: string | undefined,
  ctx: CaseContext,
): CaseTransition {
  const body = { caseNo: state.caseNo, ...entryBody(state.version, type, ctx, from?.status ?? null, state.status, payload, state, previousHash) };
  const entry = { ...body, hash: hashCaseEntry(body) };
  return { state: { ...state, hash: entry.hash }, entry };
}

export function checkContext(ctx: CaseContext): void {
  assertIsoDate(ctx.today, 'today');
  const at = new Date(ctx.at);
  // One clock reading makes both: a mismatch is a bug in the caller, and would put the receipt
  // date and the counted deadlines on different days.
  if (Number.isNaN(at.getTime()) || chinaDate(at) !== ctx.today) {
    throw new Error(`case context: ${ctx.today} is not the China date of ${ctx.at}`);
  }
}
