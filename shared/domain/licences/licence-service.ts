// Who may see and revoke which e-licence (no 越权): the issuing department its own licences, a
// channel those of the applicant it acts for (naming the holder, as it does when filing), platform
// reviewers and auditors every one. A licence the caller may not see is answered like one that does
// not exist, so an identifier reveals nothing about whose it is.
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import { chinaDate } from '../calendar/china-date.ts';
import { invalid, notFound } from '../errors.ts';
import { parseLicenceId } from '../identifiers/licence-id.ts';
import { isCreditCode } from '../identifiers/credit-code.ts';
import { isResidentId } from '../identifiers/resident-id.ts';
import type { Licence, LicenceStatus } from './licence.ts';
import { licenceStatus, revokeLicence } from './licence.ts';
import type { IssuedLicence, LicencePage, LicenceStore } from './licence-store.ts';

/** A licence as the API answers it: with its sealed document, its seal and its status today. */
export interface LicenceView {
  licence: Licence;
  status: LicenceStatus;
  document: string;
  seal: IssuedLicence['sealed']['seal'];
}

export class LicenceService {
  private readonly now: () => Date;

  constructor(private readonly deps: { licences: LicenceStore; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  async get(caller: Caller, id: string, holder?: string): Promise<LicenceView> {
    const issued = await this.readable(caller, id, holder);
    return this.view(issued);
  }

  async revoke(caller: Caller, id: string, reason: string): Promise<LicenceView> {
    requireRole(caller, 'department');
    parseLicenceId(id);
    const issued = await this.deps.licences.get(id);
    // Another department's licence is answered as unknown, like a read.
    if (!issued || issued.licence.issuer !== caller.departmentId) throw unknownLicence(id);
    const revoked = revokeLicence(issued.licence, caller, reason, chinaDate(this.now()));
    return this.view(await this.deps.licences.recordRevocation(revoked));
  }

  /** A channel's view of the applicant it acts for: that holder's valid licences only. */
  async listValid(caller: Caller, holderId: string, typeCode: string | undefined, page: LicencePage): Promise<{ licences: LicenceView[]; nextCursor?: string }> {
    requireRole(caller, 'channel');
    if (!isResidentId(holderId) && !isCreditCode(holderId)) {
      throw invalid(
        'LICENCE_HOLDER_INVALID',
        'holder',
        '持证人应为有效的居民身份证号码或统一社会信用代码',
        `holder "${holderId}" is neither a resident ID nor a unified social credit code`,
      );
    }
    const { licences, nextCursor } = await this.deps.licences.byHolder(holderId, typeCode, page);
    const views = licences.map((l) => this.view(l)).filter((v) => v.status === 'valid');
    return nextCursor ? { licences: views, nextCursor } : { licences: views };
  }

  private async readable(caller: Caller, id: string, holder: string | undefined): Promise<IssuedLicence> {
    parseLicenceId(id);
    const issued = await this.deps.licences.get(id);
    if (!issued || !mayRead(caller, issued.licence, holder)) throw unknownLicence(id);
    return issued;
  }

  private view(issued: IssuedLicence): LicenceView {
    return { licence: issued.licence, status: licenceStatus(issued.licence, chinaDate(this.now())), document: issued.sealed.document, seal: issued.sealed.seal };
  }
}

function mayRead(caller: Caller, licence: Licence, holder: string | undefined): boolean {
  switch (caller.role) {
    case 'platform':
    case 'auditor':
      return true;
    case 'department':
      return caller.departmentId === licence.issuer;
    case 'channel':
      return holder !== undefined && holder === licence.holder.id;
  }
}

function unknownLicence(id: string) {
  return notFound('LICENCE_NOT_FOUND', '电子证照不存在或无权查看', `no licence ${id} that the caller may see`);
}
