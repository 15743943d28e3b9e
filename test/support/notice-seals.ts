// Sealing the notices a case owes without KMS, for tests of what is not the seal itself (the stores'
// listings, the lifecycle): the documents as the sealing function makes them (case-notices.ts), under
// a seal that is only well-formed. The notices must be owed by the newest entry's action or be given
// the hashes of the entries they notify.
import type { CaseCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import { noticeDocument } from '../../shared/domain/cases/case-notices.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import type { CaseSealer } from '../../shared/domain/cases/case-sealing.ts';
import type { CaseStore } from '../../shared/domain/cases/case-store.ts';
import { applySystemCommands } from '../../shared/domain/cases/system-actions.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';

/** A seal of the right shape that verifies nothing. */
export const TEST_SEAL = { protected: 'e30', signature: 'AA' };

/** The `seal-notices` command for every notice `state` owes, sealed at `sealedAt`. */
export function sealNoticesCommand(state: CaseState, sealedAt: string, hashes: Record<number, string> = {}): Extract<CaseCommand, { action: 'seal-notices' }> {
  return {
    action: 'seal-notices',
    notices: (state.noticesDue ?? []).map((due) => {
      const hash = due.entry === state.version ? state.hash : hashes[due.entry];
      if (hash === undefined) throw new Error(`the hash of entry ${due.entry} of case ${state.caseNo} is not given`);
      return { kind: due.kind, entry: due.entry, document: noticeDocument(due, hash), seal: TEST_SEAL, sealedAt };
    }),
  };
}

/**
 * A stand-in for the sealing function that seals only notices, with TEST_SEAL, as the system: for
 * services and sweeps whose tests are about something else than seals (a case owing a notice is listed
 * undated until it is sealed).
 */
export function testNoticeSealer(deps: { store: CaseStore; calendar: CalendarSource }, now: () => Date): CaseSealer {
  return {
    seal: async (caseNo) => (await applySystemCommands(deps, caseNo, now(), (s) => (s.noticesDue?.length ? sealNoticesCommand(s, now().toISOString()) : undefined)))!,
  };
}
