// Port: where issued e-licences live, each with its sealed document. A licence's content never
// changes; only its revocation is recorded beside it, once.
import type { SealedDocument } from '../cases/case-record.ts';
import type { Licence } from './licence.ts';

/** A licence as issued: the licence (with its revocation, once revoked) and its sealed document. */
export interface IssuedLicence {
  licence: Licence;
  sealed: SealedDocument;
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
  get(id: string): Promise<IssuedLicence | undefined>;
  /** Records `revoked` (the licence with its revocation) unless the stored one is revoked already (LICENCE_REVOKED). */
  recordRevocation(revoked: Licence): Promise<IssuedLicence>;
  /** A holder's licences, newest issue first, optionally of one type. */
  byHolder(holderId: string, typeCode: string | undefined, page: LicencePage): Promise<{ licences: IssuedLicence[]; nextCursor?: string }>;
}
