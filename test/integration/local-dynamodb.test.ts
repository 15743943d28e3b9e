// The embedded DynamoDB (dynalite, as startDynalite runs it for `npm start` and the tests) refuses an
// item over 400 KB counted as AWS counts it — in UTF-8 bytes — with AWS's ValidationException, over
// the real wire protocol: a Chinese form that dynalite alone, counting UTF-16 units, would store at a
// third of the limit is refused just over it and taken just under it, through PutItem, UpdateItem
// (the resulting item), BatchWriteItem and the document client the stores write with.
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite } from '../../infra/local/local-dynamodb.ts';
import { ITEM_LIMIT_BYTES, attributeItemBytes, itemBytes } from '../../shared/adapters/dynamo-item-size.ts';

const TABLE = 'forms';
let close: () => Promise<void>;
let raw: DynamoDBClient;

beforeAll(async () => {
  const dynamo = await startDynalite(undefined);
  close = dynamo.close;
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  await raw.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    }),
  );
});

afterAll(async () => {
  raw.destroy();
  await close();
});

const FIELD = '经营范围';

/**
 * A filing's form of exactly `bytes` bytes as AWS counts the item: `pk` (2) and its value, `form` (4),
 * a map (3) of one element (1) named 经营范围 (12 bytes in UTF-8) holding Chinese text (3 bytes a
 * character) and as many ASCII characters as make up the rest.
 */
function form(pk: string, bytes: number): Record<string, AttributeValue> {
  const fixed = 2 + pk.length + 4 + 3 + 1 + 12;
  const chinese = Math.floor((bytes - fixed) / 3);
  const text = '经'.repeat(chinese) + 'x'.repeat(bytes - fixed - 3 * chinese);
  return { pk: { S: pk }, form: { M: { [FIELD]: { S: text } } } };
}

/** dynalite's own count, in UTF-16 units (its function, called past the hook with a second argument). */
const utf16Count = (item: Record<string, AttributeValue>): number =>
  (createRequire(import.meta.url)('dynalite/db') as { itemSize: (item: unknown, compress: boolean) => number }).itemSize(item, false);

async function refusal(send: Promise<unknown>): Promise<{ name?: string; message?: string } | 'stored'> {
  return send.then(
    () => 'stored' as const,
    (e: unknown) => ({ name: (e as Error).name, message: (e as Error).message }),
  );
}

describe('the embedded DynamoDB counts item sizes as AWS does', () => {
  it('refuses a Chinese form just over 400 KB in UTF-8 bytes (a third of it in UTF-16 units) and takes one at the limit', async () => {
    // Prepare
    const over = form('over', ITEM_LIMIT_BYTES + 1);
    const at = form('at', ITEM_LIMIT_BYTES);

    // Act
    const refused = await refusal(raw.send(new PutItemCommand({ TableName: TABLE, Item: over })));
    const stored = await refusal(raw.send(new PutItemCommand({ TableName: TABLE, Item: at })));
    const readOver = await raw.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'over' } } }));
    const readAt = await raw.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'at' } } }));

    // Assess
    expect([attributeItemBytes(over), attributeItemBytes(at)]).toEqual([409_601, 409_600]);
    expect(utf16Count(over)).toBeLessThan(140_000);
    expect(refused).toEqual({ name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size' });
    expect(stored).toBe('stored');
    expect(readOver.Item).toBeUndefined();
    expect(readAt.Item?.form?.M?.[FIELD]?.S).toBe(at.form!.M![FIELD]!.S);
  });

  it("refuses an update whose resulting item would pass 400 KB, with UpdateItem's own message, and leaves the item as it was", async () => {
    // Prepare: an item 100 bytes under the limit; SET note = 34 characters of Chinese (4 + 102 bytes)
    const item = form('update', ITEM_LIMIT_BYTES - 100);
    await raw.send(new PutItemCommand({ TableName: TABLE, Item: item }));
    const update = (text: string) =>
      raw.send(new UpdateItemCommand({ TableName: TABLE, Key: { pk: { S: 'update' } }, UpdateExpression: 'SET note = :n', ExpressionAttributeValues: { ':n': { S: text } } }));

    // Act
    const refused = await refusal(update('备'.repeat(34)));
    const unchanged = await raw.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'update' } } }));
    const fitting = await refusal(update('备'.repeat(32)));

    // Assess: 4 + 102 = 106 bytes over the 100 left; 4 + 96 = 100 fits exactly
    expect(refused).toEqual({ name: 'ValidationException', message: 'Item size to update has exceeded the maximum allowed size' });
    expect(unchanged.Item?.note).toBeUndefined();
    expect(fitting).toBe('stored');
  });

  it('refuses a BatchWriteItem holding one item over 400 KB, writing none of the batch', async () => {
    // Act
    const refused = await refusal(
      raw.send(
        new BatchWriteItemCommand({
          RequestItems: { [TABLE]: [{ PutRequest: { Item: form('batch-small', 1000) } }, { PutRequest: { Item: form('batch-large', ITEM_LIMIT_BYTES + 1) } }] },
        }),
      ),
    );
    const small = await raw.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'batch-small' } } }));

    // Assess
    expect(refused).toEqual({ name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size' });
    expect(small.Item).toBeUndefined();
  });

  it("agrees with the stores' own measure of a plain item, as the document client writes it", async () => {
    // Prepare: a plain item (a case's form, with a number and a list) sized by itemBytes, padded to the limit
    const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    const base = { pk: 'doc', form: { 经营项目: ['餐饮服务', '食品销售'], 面积: 120.5, 说明: '' }, note: undefined };
    const padded = (bytes: number) => {
      const pad = bytes - itemBytes(base);
      return { ...base, form: { ...base.form, 说明: '经'.repeat(Math.floor(pad / 3)) + 'x'.repeat(pad % 3) } };
    };
    const atLimit = padded(ITEM_LIMIT_BYTES);
    const overLimit = padded(ITEM_LIMIT_BYTES + 1);

    // Act
    const refused = await refusal(doc.send(new PutCommand({ TableName: TABLE, Item: overLimit })));
    const stored = await refusal(doc.send(new PutCommand({ TableName: TABLE, Item: atLimit })));

    // Assess
    expect([itemBytes(atLimit), itemBytes(overLimit)]).toEqual([ITEM_LIMIT_BYTES, ITEM_LIMIT_BYTES + 1]);
    expect(refused).toEqual({ name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size' });
    expect(stored).toBe('stored');
  });
});
