// Ports: what a ticket is checked and routed against — the catalogue (an item's implementing
// department), the cases (a case's department and the channel that filed it), the directory (the
// departments), the e-licences (a licence's holder and issuer) and, for an answer to a correction, the
// licence amendments and case-record corrections it names (each made for this ticket). The tickets
// function implements them over the items, cases and directory tables through their stores, the cases
// read only (StoredTicketSubjects, StoredLicenceAmendments, StoredCaseCorrections below).
import type { Directory } from '../../contracts/directory.ts';
import type { CaseStore } from '../cases/case-store.ts';
import type { ItemStore } from '../items/item-store.ts';
import { amendmentForTicket } from '../licences/licence-service.ts';
import type { LicenceStore } from '../licences/licence-store.ts';

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

/** What a case version named in an answer is found to be. */
export type CaseCorrectionCheck = { ok: true } | { ok: false; reason: 'unknown-case' | 'no-such-version' | 'not-for-this-ticket' };

export interface CaseCorrections {
  /** Whether case `caseNo` has a version `version` made by its `correct` action naming ticket `ticketId`. */
  correctedBy(caseNo: string, version: number, ticketId: string): Promise<CaseCorrectionCheck>;
}

/** The subjects read from the stores the tickets function reads: the catalogue, the cases (read only), the directory, the licences. */
export class StoredTicketSubjects implements TicketSubjects {
  constructor(
    private readonly deps: {
      items: Pick<ItemStore, 'latest'>;
      cases: Pick<CaseStore, 'get'>;
      directory: () => Promise<Pick<Directory, 'departments'>>;
      licences: Pick<LicenceStore, 'get'>;
    },
  ) {}

  async itemDepartment(code: string): Promise<string | undefined> {
    const latest = await this.deps.items.latest(code);
    return latest && latest.publishedVersion !== undefined ? latest.guide.departmentId : undefined;
  }

  async caseOf(caseNo: string): Promise<{ departmentId: string; channelId: string; itemCode: string } | undefined> {
    const state = await this.deps.cases.get(caseNo);
    return state && { departmentId: state.departmentId, channelId: state.channelId, itemCode: state.itemCode };
  }

  async departmentExists(id: string): Promise<boolean> {
    return (await this.deps.directory()).departments.some((d) => d.id === id);
  }

  async licence(id: string): Promise<{ holderId: string; issuer: string } | undefined> {
    const issued = await this.deps.licences.get(id);
    return issued && { holderId: issued.licence.holder.id, issuer: issued.licence.issuer };
  }
}

/**
 * Licence amendments as the licence store holds them (000 §30): the version an answer names must exist
 * (the licence at that version or later) and have been made by a sealed amendment naming this ticket.
 */
export class StoredLicenceAmendments implements LicenceAmendments {
  constructor(private readonly licences: Pick<LicenceStore, 'get' | 'amendments'>) {}

  async amendedBy(licenceId: string, version: number, ticketId: string): Promise<AmendmentCheck> {
    const issued = await this.licences.get(licenceId);
    if (!issued) return { ok: false, reason: 'unknown-licence' };
    if (version < 2 || issued.licence.version < version) return { ok: false, reason: 'no-such-version' };
    return (await amendmentForTicket(this.licences, licenceId, ticketId, version)) ? { ok: true } : { ok: false, reason: 'not-for-this-ticket' };
  }
}

/**
 * Case-record corrections as the case store holds them (000 §30: the case's `correct` action,
 * case-corrections.ts): the version an answer names must be a correction the case keeps — entry `version`
 * of its history, in its `corrections`, which the history's state digests commit to — made naming this ticket.
 */
export class StoredCaseCorrections implements CaseCorrections {
  constructor(private readonly cases: Pick<CaseStore, 'get'>) {}

  async correctedBy(caseNo: string, version: number, ticketId: string): Promise<CaseCorrectionCheck> {
    const state = await this.cases.get(caseNo);
    if (!state) return { ok: false, reason: 'unknown-case' };
    const made = state.corrections?.find((c) => c.entry === version);
    if (!made) return { ok: false, reason: 'no-such-version' };
    return made.ticketId === ticketId ? { ok: true } : { ok: false, reason: 'not-for-this-ticket' };
  }
}
