// LicenceStore on DynamoDB, in the cases table beside the cases that issue the licences: one item per
// licence, `pk = LICENCE#<id>`, `sk = LICENCE`, holding the licence, its sealed document and — once
// revoked — its revocation; listed by holder through the sparse `licenceHolder` index
// (`HOLDER#<holder id>`, `<issuedOn>#<id>`), newest first. Issuing is a put that fails if the licence
// exists (the first issue stands); revoking is a put conditioned on the stored item not being revoked,
// so of two revocations one wins and nothing else about the licence can change.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../domain/errors.ts';
import type { IssuedLicence, LicencePage, LicenceStore } from '../domain/licences/licence-store.ts';
import type { Licence } from '../domain/licences/licence.ts';
import { queryIndexPage } from './query-cursor.ts';
import { CASES_TABLE } from './table-layout.ts';

const ix = CASES_TABLE.indexes.licenceHolder;
const SORT = 'LICENCE';
const key = (id: string) => ({ [CASES_TABLE.partitionKey]: `LICENCE#${id}`, [CASES_TABLE.sortKey]: SORT });

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
          Item: item(issued),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': CASES_TABLE.partitionKey },
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
    return { licence: stored.licence, sealed: stored.sealed };
  }

  async recordRevocation(revoked: Licence): Promise<IssuedLicence> {
    const stored = await this.get(revoked.id);
    if (!stored) throw new Error(`licence ${revoked.id} is not stored`);
    if (!revoked.revocation) throw new Error(`licence ${revoked.id} carries no revocation`);
    const next = { ...stored, licence: { ...stored.licence, revocation: revoked.revocation } };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item(next),
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#licence.#revocation)',
          ExpressionAttributeNames: { '#pk': CASES_TABLE.partitionKey, '#licence': 'licence', '#revocation': 'revocation' },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      throw conflict('LICENCE_REVOKED', '证照已被撤销', `licence ${revoked.id} was revoked meanwhile`);
    }
    return next;
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
    const licences = items.map((i) => ({ licence: i.licence, sealed: i.sealed }) as IssuedLicence);
    return nextCursor ? { licences, nextCursor } : { licences };
  }
}

function item(issued: IssuedLicence): Record<string, unknown> {
  const { licence } = issued;
  return {
    ...key(licence.id),
    [ix.partitionKey]: `HOLDER#${licence.holder.id}`,
    [ix.sortKey]: `${licence.issuedOn}#${licence.id}`,
    licence,
    sealed: issued.sealed,
  };
}
