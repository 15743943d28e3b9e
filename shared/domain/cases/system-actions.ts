// How the system actor acts on a case — the sweep letting time act, the joint workflow's steps: it
// reads the newest state, applies the command a rule asks for, and goes on with the state it wrote
// until the rule asks for nothing more. Someone acting first (CASE_VERSION_CONFLICT) means reading
// again and deciding anew; that is bounded, and what is left is for the caller's next run or retry.
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { chinaDate } from '../calendar/china-date.ts';
import { DomainError } from '../errors.ts';
import type { CaseCommand, CaseContext } from './case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand } from './case-lifecycle.ts';
import type { CaseState } from './case-record.ts';
import type { CaseStore } from './case-store.ts';

/** Races lost in a row before giving up. */
const MAX_CONFLICTS = 5;

/**
 * Applies, as the system actor at `at`, every command `decide` asks for on the case, one after the
 * other; `onApplied` is told of each. Answers the state it ended on, or undefined for an unknown case.
 */
export async function applySystemCommands(
  deps: { store: CaseStore; calendar: CalendarSource },
  caseNo: string,
  at: Date,
  decide: (state: CaseState) => CaseCommand | undefined,
  onApplied: (command: CaseCommand) => void = () => undefined,
): Promise<CaseState | undefined> {
  const ctx: CaseContext = { actor: SYSTEM_CALLER, calendar: await deps.calendar.current(), at: at.toISOString(), today: chinaDate(at) };
  let state = await deps.store.get(caseNo);
  for (let conflicts = 0; state;) {
    const command = decide(state);
    if (!command) return state;
    const next = applyCaseCommand(state, command, ctx);
    try {
      await deps.store.append(next.state, next.entry, state);
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'CASE_VERSION_CONFLICT')) throw e;
      if (++conflicts >= MAX_CONFLICTS) throw new Error(`case ${caseNo} changed under the system actor ${MAX_CONFLICTS} times in a row; the next run tries again`);
      state = await deps.store.get(caseNo);
      continue;
    }
    onApplied(command);
    state = next.state;
    conflicts = 0;
  }
  return undefined;
}
