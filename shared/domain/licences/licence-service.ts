// Who may see, amend and revoke which e-licence (no 越权): the issuing department its own licences, a
// channel those of the applicant it acts for (naming the holder, as it does when filing), platform
// reviewers and auditors every one. A licence the caller may not see is answered like one that does
// not exist, so an identifier reveals nothing about whose it is. An amendment (000 §30: a correction
// of the holder's name or a data field) is the issuer's: recorded as the next version's request, then
// sealed by the sealing function (licence-sealing.ts) and answered as the newest version; the
// earlier versions stay readable (`version`), and the amendments are listed with the licence.
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import { chinaDate } from '../calendar/china-date.ts';
import { conflict, forbidden, invalid, notFound, unavailable } from '../errors.ts';
import { parseLicenceId } from '../identifiers/licence-id.ts';
import { isCreditCode } from '../identifiers/credit-code.ts';
import { isResidentId } from '../identifiers/resident-id.ts';
import type { AmendRequest, Licence, LicenceAmendment, LicenceStatus } from './licence.ts';
import { amendLicence, licenceStatus, revokeLicence, sameAmendment } from './licence.ts';
import type { LicenceSealer } from './licence-sealing.ts';
import type { IssuedLicence, LicencePage, LicenceStore } from './licence-store.ts';

/** An amendment as a licence's readers see it: what changed (the old values too), why, who, when, the ticket. */
export type LicenceAmendmentView = Omit<LicenceAmendment, 'requested'>;

/** A licence as the API answers it: one version with its sealed document and seal, and the licence's status today. */
export interface LicenceView {
  licence: Licence;
  status: LicenceStatus;
  document: string;
  seal: IssuedLicence['sealed']['seal'];
  /** The licence's newest version: `licence.version` unless an earlier one was asked for. */
  newestVersion: number;
  /** Reads of one licence that was amended: every amendment, oldest first. */
  amendments?: LicenceAmendmentView[];
  /** An amendment answered again (the same request retried): nothing new was sealed. */
  replayed?: boolean;
}

export class LicenceService {
  private readonly now: () => Date;

  constructor(
    private readonly deps: {
      licences: LicenceStore;
      sealer?: LicenceSealer;
      now?: () => Date;
      /** Told when an amended version's sealing failed (it stays waiting; the caller is answered LICENCE_SEALING_PENDING). */
      onSealLag?: (licenceId: string, version: number, error: unknown) => void;
    },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The licence's newest version, or version `version` as it was sealed; with its amendments when amended. */
  async get(caller: Caller, id: string, holder?: string, version?: number): Promise<LicenceView> {
    const newest = await this.readable(caller, id, holder);
    const newestVersion = newest.licence.version;
    if (version !== undefined && version > newestVersion) throw unknownVersion(id, version);
    const asked = version === undefined || version === newestVersion ? newest : await this.deps.licences.sealedVersion(id, version);
    if (!asked) throw unknownVersion(id, version!);
    // An earlier version as sealed, with the licence's revocation (its status is the licence's).
    const licence: Licence = { ...asked.licence, ...(newest.licence.revocation ? { revocation: newest.licence.revocation } : {}) };
    const amendments = newestVersion > 1 ? (await this.deps.licences.amendments(id)).map(amendmentView) : [];
    return { ...this.view({ licence, sealed: asked.sealed }, newestVersion), ...(amendments.length > 0 ? { amendments } : {}) };
  }

  /**
   * Amends a licence (its issuing department): the next version, sealed anew, answered as the newest.
   * Idempotent: the same request again (with `baseVersion` the version it amended, or without it as the
   * newest amendment) answers the version it made, `replayed`; another request on a version that is not
   * the newest any more is refused (LICENCE_VERSION_CONFLICT). A version recorded whose sealing failed is
   * taken up by the next request (the same one: answered once sealed; another: sealed, then refused).
   */
  async amend(caller: Caller, id: string, request: AmendRequest & { baseVersion?: number | undefined }): Promise<LicenceView> {
    requireRole(caller, 'department');
    const { licences, sealer } = this.deps;
    if (!sealer) throw new Error('amending licences needs the licence sealer');
    // The identifier names its issuer: another department is refused without a read, so nothing is revealed.
    if (parseLicenceId(id).issuer !== caller.departmentId) {
      throw forbidden(
        'LICENCE_DEPARTMENT_FORBIDDEN',
        '只有颁发该证照的部门可以更正',
        `only the issuing department may amend licence ${id}; caller ${caller.name} acts for ${caller.departmentId ?? 'no department'}`,
      );
    }
    const { baseVersion, ...asked } = request;
    const newest = await licences.settle(id);
    if (!newest || newest.licence.issuer !== caller.departmentId) throw unknownLicence(id);
    const version = newest.licence.version;
    if (newest.licence.revocation) {
      throw conflict(
        'LICENCE_REVOKED',
        `证照已于${newest.licence.revocation.on}撤销，不能更正`,
        `licence ${id} was revoked on ${newest.licence.revocation.on}: it cannot be amended`,
      );
    }

    // Waiting for its seal (an earlier request whose sealing failed): sealed first.
    const waiting = await licences.version(id, version + 1);
    if (waiting) {
      const sealed = await this.seal(id, version + 1);
      // This very request, retried: sealed now, so not a replay.
      if (sameAmendment(waiting.amendment, caller, asked)) return this.answer(sealed, false);
      throw versionConflict(id, baseVersion ?? version, sealed.licence.version);
    }
    // A retry of an amendment already sealed.
    const made = baseVersion !== undefined ? baseVersion + 1 : version;
    if (made >= 2 && made <= version) {
      const earlier = await licences.version(id, made);
      if (earlier && sameAmendment(earlier.amendment, caller, asked)) return this.answer(newest, true);
    }
    if (baseVersion !== undefined && baseVersion !== version) throw versionConflict(id, baseVersion, version);

    const at = this.now();
    const amendment = amendLicence(newest.licence, caller, asked, at.toISOString(), chinaDate(at));
    if (!(await licences.requestAmendment(newest, amendment))) throw versionConflict(id, version, version + 1);
    return this.answer(await this.seal(id, amendment.version), false);
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

  /** Seals version `version` (waiting) through the sealing function; answers the newest once it is. */
  private async seal(id: string, version: number): Promise<IssuedLicence> {
    let sealed: IssuedLicence;
    try {
      sealed = await this.deps.sealer!.sealLicence(id);
    } catch (e) {
      // What failed is the platform's to see (logged), not the caller's.
      this.deps.onSealLag?.(id, version, e);
      throw unavailable(
        'LICENCE_SEALING_PENDING',
        `更正已登记为第${version}版，但尚未加盖电子印章；请以相同内容重新提交`,
        `version ${version} of licence ${id} is recorded and waits for its seal; send the same request again`,
      );
    }
    if (sealed.licence.version < version) {
      throw unavailable('LICENCE_SEALING_PENDING', `更正已登记为第${version}版，但尚未加盖电子印章；请以相同内容重新提交`, `version ${version} of licence ${id} is not sealed yet`);
    }
    return sealed;
  }

  private async answer(newest: IssuedLicence, replayed: boolean): Promise<LicenceView> {
    const amendments = (await this.deps.licences.amendments(newest.licence.id)).map(amendmentView);
    return { ...this.view(newest, newest.licence.version), ...(amendments.length > 0 ? { amendments } : {}), ...(replayed ? { replayed } : {}) };
  }

  private view(issued: IssuedLicence, newestVersion = issued.licence.version): LicenceView {
    return {
      licence: issued.licence,
      status: licenceStatus(issued.licence, chinaDate(this.now())),
      document: issued.sealed.document,
      seal: issued.sealed.seal,
      newestVersion,
    };
  }
}

/**
 * The amendment of licence `licenceId` that answered correction ticket `ticketId` by making version
 * `version` (sealed), or undefined when there is none: what a correction ticket's answer is checked
 * against (000 §30). Two reads: the licence's newest version and its amendments.
 */
export async function amendmentForTicket(
  licences: Pick<LicenceStore, 'get' | 'amendments'>,
  licenceId: string,
  ticketId: string,
  version: number,
): Promise<LicenceAmendment | undefined> {
  const newest = await licences.get(licenceId);
  if (!newest || newest.licence.version < version) return undefined;
  return (await licences.amendments(licenceId)).find((a) => a.version === version && a.ticketId === ticketId);
}

function amendmentView(amendment: LicenceAmendment): LicenceAmendmentView {
  const { requested: _requested, ...view } = amendment;
  return view;
}

function unknownVersion(id: string, version: number) {
  return notFound('LICENCE_VERSION_NOT_FOUND', `电子证照没有第${version}版`, `licence ${id} has no sealed version ${version}`);
}

function versionConflict(id: string, base: number, newest: number) {
  return conflict(
    'LICENCE_VERSION_CONFLICT',
    `证照已更正为第${newest}版（您依据的是第${base}版），请查看最新版本后再提交`,
    `licence ${id} is at version ${newest}; the amendment was made on version ${base}`,
    'baseVersion',
  );
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
