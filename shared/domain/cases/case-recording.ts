// The one place a case's next state becomes a history entry: its digests and hash, chained to the
// previous entry's, and the state stamped with it. The context is checked first (its date is the
// China date of its instant).
import { assertIsoDate, chinaDate } from '../calendar/china-date.ts';
import { caseStateDigest, hashCaseEntry, payloadDigest } from './case-history.ts';
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
  const entryBody = {
    caseNo: state.caseNo,
    n: state.version,
    type,
    actor: { name: ctx.actor.name, role: ctx.actor.role },
    at: ctx.at,
    on: ctx.today,
    from: from?.status ?? null,
    to: state.status,
    payloadDigest: payloadDigest(payload),
    stateDigest: caseStateDigest(state),
    ...(previousHash !== undefined ? { previousHash } : {}),
  };
  const entry = { ...entryBody, hash: hashCaseEntry(entryBody) };
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
