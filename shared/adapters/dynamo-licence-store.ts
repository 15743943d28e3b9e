// LicenceStore on DynamoDB, in the cases table beside the cases that issue the licences, without
// transactions (dynalite has none):
//
//   LICENCE#<id> / LICENCE         the licence's newest sealed version, its sealed document and — once
//                                  revoked — its revocation; listed by holder through the sparse
//                                  `licenceHolder` index (`HOLDER#<holder id>`, `<issuedOn>#<id>`), newest
//                                  issue first. Issuing is a put that fails if the licence exists (the
//                                  first issue stands).
//   LICENCE#<id> / V#<n, 10 digits> version n: for n ≥ 2 its amendment, written once on condition it
//                                  does not exist (the serialisation point of amendments: of two, one
//                                  wins), then — sealed — the licence and sealed document it made, written
//                                  once on condition it is not sealed yet. Version 1 is copied here, as
//                                  issued, before the first amendment is recorded.
//
// The head is put on condition it is exactly as read (its version, revoked or not), so a revocation
// and the move to a newly sealed version never undo each other: each reads again and retries. A head
// left behind its newest sealed version (a run interrupted between the two puts) is moved forward by
// `settle`, which the next amendment (or a retry of the same one) calls.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../domain/errors.ts';
import type { IssuedLicence, LicencePage, LicenceStore, LicenceVersion } from '../domain/licences/licence-store.ts';
import type { Licence, LicenceAmendment } from '../domain/licences/licence.ts';
import { MAX_LICENCE_VERSIONS } from '../domain/licences/licence.ts';
import { queryIndexPage } from './query-cursor.ts';
import { CASES_TABLE } from './table-layout.ts';

const ix = CASES_TABLE.indexes.licenceHolder;
const SORT = 'LICENCE';
const VERSION_PREFIX = 'V#';
const PK = CASES_TABLE.partitionKey;
const SK = CASES_TABLE.sortKey;
const partition = (id: string) => `LICENCE#${id}`;
const key = (id: string) => ({ [PK]: partition(id), [SK]: SORT });
const versionKey = (id: string, n: number) => ({ [PK]: partition(id), [SK]: `${VERSION_PREFIX}${String(n).padStart(10, '0')}` });
/** How often a head put whose condition failed (a revocation or a newer version meanwhile) reads again and retries. */
const HEAD_ATTEMPTS = 5;

interface VersionItem {
  amendment?: LicenceAmendment;
  licence?: Licence;
  sealed?: IssuedLicence['sealed'];
}

export class DynamoLicenceStore implements LicenceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async issue(issued: IssuedLicence): Promise<IssuedLicence> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: headItem(issued),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return issued;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const stored = await this.get(issued.licence.id);
      if (!stored) throw new Error(`licence ${issued.licence.id} exists and cannot be read`);
      return stored;
    }
  }

  async get(id: string): Promise<IssuedLicence | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const stored = out.Item as IssuedLicence;
    return { licence: normalised(stored.licence), sealed: stored.sealed };
  }

  async version(id: string, n: number): Promise<LicenceVersion | undefined> {
    if (n < 2) return undefined;
    const stored = await this.versionItem(id, n);
    if (!stored?.amendment) return undefined;
    return { version: n, amendment: stored.amendment, ...(stored.licence && stored.sealed ? { issued: { licence: stored.licence, sealed: stored.sealed } } : {}) };
  }

  async sealedVersion(id: string, n: number): Promise<IssuedLicence | undefined> {
    const stored = await this.versionItem(id, n);
    if (stored?.licence && stored.sealed) return { licence: normalised(stored.licence), sealed: stored.sealed };
    if (n !== 1) return undefined;
    // Never amended: version 1 is the head (without its revocation: as sealed).
    const head = await this.get(id);
    if (!head || head.licence.version !== 1) return undefined;
    const { revocation: _revocation, ...licence } = head.licence;
    return { licence, sealed: head.sealed };
  }

  async amendments(id: string): Promise<LicenceAmendment[]> {
    const amendments: LicenceAmendment[] = [];
    // Every version of one licence (at most MAX_LICENCE_VERSIONS, and one waiting for its seal): a few
    // pages at most, as DynamoDB reads at most 1 MB a page before it projects.
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          FilterExpression: 'attribute_exists(#amendment) AND attribute_exists(#sealed)',
          ProjectionExpression: '#amendment',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK, '#amendment': 'amendment', '#sealed': 'sealed' },
          ExpressionAttributeValues: { ':pk': partition(id), ':prefix': VERSION_PREFIX },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of out.Items ?? []) amendments.push((i as { amendment: LicenceAmendment }).amendment);
      start = out.LastEvaluatedKey;
    } while (start && amendments.length < MAX_LICENCE_VERSIONS);
    return amendments;
  }

  async requestAmendment(newest: IssuedLicence, amendment: LicenceAmendment): Promise<boolean> {
    const { id } = newest.licence;
    if (amendment.version !== newest.licence.version + 1)
      throw new Error(`amendment to version ${amendment.version} does not follow version ${newest.licence.version} of licence ${id}`);
    if (newest.licence.version === 1) {
      // Version 1 kept as sealed before the head moves on (once: a copy there already is the same).
      const { revocation: _revocation, ...licence } = newest.licence;
      await this.putOnce({ ...versionKey(id, 1), licence, sealed: newest.sealed }, 'attribute_not_exists(#pk)', { '#pk': PK });
    }
    return this.putOnce({ ...versionKey(id, amendment.version), amendment }, 'attribute_not_exists(#pk)', { '#pk': PK });
  }

  async recordSealedVersion(issued: IssuedLicence, amendment: LicenceAmendment): Promise<IssuedLicence> {
    const { id, version } = issued.licence;
    if (version !== amendment.version) throw new Error(`licence ${id}: version ${version} is not the one amendment ${amendment.version} makes`);
    // Sealed once: a second run's seal stands down for the first.
    await this.putOnce({ ...versionKey(id, version), amendment, licence: issued.licence, sealed: issued.sealed }, 'attribute_exists(#pk) AND attribute_not_exists(#sealed)', {
      '#pk': PK,
      '#sealed': 'sealed',
    });
    const settled = await this.settle(id);
    if (!settled) throw new Error(`licence ${id} is not stored`);
    return settled;
  }

  async settle(id: string): Promise<IssuedLicence | undefined> {
    for (let attempt = 0; attempt < HEAD_ATTEMPTS; attempt++) {
      const head = await this.get(id);
      if (!head) return undefined;
      const next = await this.versionItem(id, head.licence.version + 1);
      if (!next?.licence || !next.sealed) return head;
      const moved: IssuedLicence = {
        licence: { ...normalised(next.licence), ...(head.licence.revocation ? { revocation: head.licence.revocation } : {}) },
        sealed: next.sealed,
      };
      // Moved, or the head changed meanwhile: read again either way (a newer sealed version, a revocation).
      await this.putHead(moved, head);
    }
    throw conflict('LICENCE_VERSION_CONFLICT', '证照正被同时更正或撤销，请稍后重试', `licence ${id}: its newest version kept changing while it was moved forward`);
  }

  async recordRevocation(revoked: Licence): Promise<IssuedLicence> {
    if (!revoked.revocation) throw new Error(`licence ${revoked.id} carries no revocation`);
    for (let attempt = 0; attempt < HEAD_ATTEMPTS; attempt++) {
      const stored = await this.get(revoked.id);
      if (!stored) throw new Error(`licence ${revoked.id} is not stored`);
      if (stored.licence.revocation) throw conflict('LICENCE_REVOKED', '证照已被撤销', `licence ${revoked.id} was revoked meanwhile`);
      const next = { ...stored, licence: { ...stored.licence, revocation: revoked.revocation } };
      // Its newest version as read, not revoked meanwhile: else read again (a revocation meanwhile is told above).
      if (await this.putHead(next, stored)) return next;
    }
    throw conflict('LICENCE_VERSION_CONFLICT', '证照正被同时更正，请稍后重试', `licence ${revoked.id}: its newest version kept changing while it was revoked`);
  }

  async byHolder(holderId: string, typeCode: string | undefined, page: LicencePage): Promise<{ licences: IssuedLicence[]; nextCursor?: string }> {
    const { items, nextCursor } = await queryIndexPage(this.db, {
      tableName: this.tableName,
      table: CASES_TABLE,
      index: ix,
      partition: `HOLDER#${holderId}`,
      itemPrefix: 'LICENCE#',
      listedSortKey: SORT,
      page,
      newestFirst: true,
      ...(typeCode ? { filter: { expression: '#licence.#type = :type', names: { '#licence': 'licence', '#type': 'typeCode' }, values: { ':type': typeCode } } } : {}),
    });
    const licences = items.map((i) => ({ licence: normalised(i.licence as Licence), sealed: i.sealed }) as IssuedLicence);
    return nextCursor ? { licences, nextCursor } : { licences };
  }

  private async versionItem(id: string, n: number): Promise<VersionItem | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: versionKey(id, n), ConsistentRead: true }));
    return out.Item as VersionItem | undefined;
  }

  /** Puts `item` on `condition`; false when the condition fails. */
  private async putOnce(item: Record<string, unknown>, condition: string, names: Record<string, string>, values?: Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  /** Puts the head `next` on condition the stored head is still `read` (its version, revoked or not); false when it is not. */
  private putHead(next: IssuedLicence, read: IssuedLicence): Promise<boolean> {
    const names = { '#pk': PK, '#licence': 'licence', '#version': 'version', '#revocation': 'revocation' };
    // A head issued before versions were recorded has no version: it is version 1.
    const version = read.licence.version === 1 ? '(attribute_not_exists(#licence.#version) OR #licence.#version = :version)' : '#licence.#version = :version';
    const revoked = read.licence.revocation ? 'attribute_exists(#licence.#revocation)' : 'attribute_not_exists(#licence.#revocation)';
    return this.putOnce(headItem(next), `attribute_exists(#pk) AND ${version} AND ${revoked}`, names, { ':version': read.licence.version });
  }
}

/** A licence as stored: one issued before versions were recorded is version 1. */
function normalised(licence: Licence): Licence {
  return typeof licence.version === 'number' ? licence : { ...licence, version: 1 };
}

function headItem(issued: IssuedLicence): Record<string, unknown> {
  const { licence } = issued;
  return {
    ...key(licence.id),
    [ix.partitionKey]: `HOLDER#${licence.holder.id}`,
    [ix.sortKey]: `${licence.issuedOn}#${licence.id}`,
    licence,
    sealed: issued.sealed,
  };
}
