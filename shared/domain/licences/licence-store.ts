// Port: where issued e-licences live, each version with its sealed document. A sealed version never
// changes; the licence's revocation is recorded beside its newest version, once. An amendment is
// recorded first as the next version's request (unsealed: once, the first one stands), then sealed
// (licence-sealing.ts), which makes it the newest.
import type { SealedDocument } from '../cases/case-record.ts';
import type { Licence, LicenceAmendment } from './licence.ts';

/** A licence as issued (or amended): the licence (with its revocation, once revoked) and its sealed document. */
export interface IssuedLicence {
  licence: Licence;
  sealed: SealedDocument;
}

/** A version after the first: its amendment, and once sealed the licence as it made it. */
export interface LicenceVersion {
  version: number;
  amendment: LicenceAmendment;
  /** Absent while the version waits for its seal. */
  issued?: IssuedLicence;
}

export interface LicencePage {
  limit: number;
  cursor?: string;
}

export interface LicenceStore {
  /**
   * Keeps a newly issued licence. When one with its identifier exists already (a retried sealing),
   * keeps nothing and answers the stored one: the first issue stands.
   */
  issue(issued: IssuedLicence): Promise<IssuedLicence>;
  /** The licence's newest sealed version, with its revocation. */
  get(id: string): Promise<IssuedLicence | undefined>;
  /**
   * Version `n` ≥ 2 (sealed or waiting for its seal), undefined when there is none. Version 1 is the
   * newest until the first amendment, and kept as version 1 from then on (`sealedVersion`).
   */
  version(id: string, n: number): Promise<LicenceVersion | undefined>;
  /** Sealed version `n` as it was sealed (no revocation), undefined when there is none (yet). */
  sealedVersion(id: string, n: number): Promise<IssuedLicence | undefined>;
  /** The sealed amendments, oldest first (at most MAX_LICENCE_VERSIONS - 1): what each changed, why, who, when, the ticket. */
  amendments(id: string): Promise<LicenceAmendment[]>;
  /**
   * Records `amendment` as the request for the version after `newest` (the newest sealed version as
   * read), unsealed; false when that version is recorded already (another amendment, or this one
   * before): the first stands.
   */
  requestAmendment(newest: IssuedLicence, amendment: LicenceAmendment): Promise<boolean>;
  /** Records the sealed version the request `amendment` made and makes it the newest (the revocation, if any, kept). */
  recordSealedVersion(issued: IssuedLicence, amendment: LicenceAmendment): Promise<IssuedLicence>;
  /** Makes the newest sealed version the licence's newest (after an interrupted `recordSealedVersion`) and answers it. */
  settle(id: string): Promise<IssuedLicence | undefined>;
  /** Records `revoked` (the licence with its revocation) unless the stored one is revoked already (LICENCE_REVOKED). */
  recordRevocation(revoked: Licence): Promise<IssuedLicence>;
  /** A holder's licences (each its newest version), newest issue first, optionally of one type. */
  byHolder(holderId: string, typeCode: string | undefined, page: LicencePage): Promise<{ licences: IssuedLicence[]; nextCursor?: string }>;
}
