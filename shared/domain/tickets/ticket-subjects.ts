// Ports: what a ticket is checked and routed against — the catalogue (an item's implementing
// department), the cases (a case's department and the channel that filed it), the directory (the
// departments), the e-licences (a licence's holder and issuer) and, for an answer to a correction, the
// licence amendments it names (made for this ticket). The tickets function implements them over the
// items, cases and directory tables (shared/adapters/ticket-subjects.ts).

export interface TicketSubjects {
  /** The department that implements item `code` (one published at least once); undefined for an item not in the catalogue. */
  itemDepartment(code: string): Promise<string | undefined>;
  /** A case's department, the channel that filed it and its item; undefined for an unknown case. */
  caseOf(caseNo: string): Promise<{ departmentId: string; channelId: string; itemCode: string } | undefined>;
  /** Whether the directory knows department `id`. */
  departmentExists(id: string): Promise<boolean>;
  /** A licence's holder (resident ID or credit code) and issuing department; undefined for an unknown licence. */
  licence(id: string): Promise<{ holderId: string; issuer: string } | undefined>;
}

/** What a licence version named in an answer is found to be. */
export type AmendmentCheck = { ok: true } | { ok: false; reason: 'unknown-licence' | 'no-such-version' | 'not-for-this-ticket' };

export interface LicenceAmendments {
  /** Whether licence `licenceId` has a version `version`, made by an amendment that names ticket `ticketId`. */
  amendedBy(licenceId: string, version: number, ticketId: string): Promise<AmendmentCheck>;
}
