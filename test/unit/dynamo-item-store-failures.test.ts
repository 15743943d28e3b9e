// What only AWS can show, with aws-sdk-client-mock: throttling and IAM denials on the item store.
// The running-store behaviour (conditions, indexes, roll-forward) is tested against dynalite in
// dynamo-item-store.test.ts; here the client is mocked to make DynamoDB fail on purpose.
import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import { firstVersion } from '../../shared/domain/items/item-lifecycle.ts';
import { GUIDES } from '../support/guide-fixtures.ts';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const mock = mockClient(db);
const guide = ServiceGuideSchema.parse(GUIDES.food);
const record = firstVersion(guide.implementationCode, guide, { actor: 'market', at: '2026-11-23T02:00:00.000Z', today: '2026-11-23' });

afterEach(() => mock.reset());

describe('DynamoItemStore when DynamoDB fails', () => {
  it('reports success once the version is written, even if the head write is throttled, and says the head lags', async () => {
    // Prepare: the version put succeeds, the head put is throttled
    mock.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === 'HEAD') throw new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} });
      return {};
    });
    const lag = vi.fn();
    const store = new DynamoItemStore(db, 'items', lag);

    // Act
    await store.append(record, undefined);

    // Assess
    const puts = mock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Item?.sk)).toEqual(['V#0000000001', 'HEAD']);
    expect(puts[0]!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(lag).toHaveBeenCalledWith(record.code, 1, expect.any(ProvisionedThroughputExceededException));
  });

  it('turns a lost race on the version write into ITEM_VERSION_CONFLICT and does not touch the head', async () => {
    mock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const store = new DynamoItemStore(db, 'items', vi.fn());

    await expect(store.append(record, undefined)).rejects.toMatchObject({ code: 'ITEM_VERSION_CONFLICT', kind: 'conflict' });
    expect(mock.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('lets an IAM denial on the version write surface as a failure, with nothing written', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: dynamodb:PutItem'), { name: 'AccessDeniedException' });
    mock.on(PutCommand).rejects(denied);
    const store = new DynamoItemStore(db, 'items', vi.fn());

    await expect(store.append(record, undefined)).rejects.toThrow(/not authorized/);
    expect(mock.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('reads the newest version consistently and only rolls the head forward when it is behind', async () => {
    mock.on(QueryCommand).resolves({ Items: [{ pk: `ITEM#${record.code}`, sk: 'V#0000000001', ...record }] });
    mock.on(GetCommand).resolves({ Item: { pk: `ITEM#${record.code}`, sk: 'HEAD', version: 1 } });
    const store = new DynamoItemStore(db, 'items', vi.fn());

    expect(await store.latest(record.code)).toEqual(record);
    expect(mock.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ ConsistentRead: true, ScanIndexForward: false, Limit: 1 });
    expect(mock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('still answers a read when rolling a lagging head forward is throttled', async () => {
    mock.on(QueryCommand).resolves({ Items: [{ pk: `ITEM#${record.code}`, sk: 'V#0000000001', ...record }] });
    mock.on(GetCommand).resolves({});
    mock.on(PutCommand).rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    const lag = vi.fn();
    const store = new DynamoItemStore(db, 'items', lag);

    expect(await store.latest(record.code)).toEqual(record);
    expect(mock.commandCalls(PutCommand)[0]!.args[0].input.Item?.sk).toBe('HEAD');
    expect(lag).toHaveBeenCalledWith(record.code, 1, expect.any(ProvisionedThroughputExceededException));
  });
});
