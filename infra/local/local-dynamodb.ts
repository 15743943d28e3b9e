// DynamoDB for the embedded runtime and the integration tests: dynalite (the real DynamoDB wire
// protocol on LevelDB) and the tables of the data stack, built from the same key layout. dynalite
// refuses an item over 400 KB counted as AWS counts it (UTF-8), not as it counts it itself (UTF-16).
import { createRequire } from 'node:module';
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CASES_TABLE, DIRECTORY_TABLE, EVENTS_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';
import type { IndexLayout } from '../../shared/adapters/table-layout.ts';
import type { AttributeValueLike } from '../../shared/adapters/dynamo-item-size.ts';
import { ITEM_LIMIT_BYTES, attributeItemBytes } from '../../shared/adapters/dynamo-item-size.ts';

export const LOCAL_TABLES = {
  items: 'tongban-local-items',
  directory: 'tongban-local-directory',
  cases: 'tongban-local-cases',
  events: 'tongban-local-events',
  stepFunctions: 'tongban-local-stepfunctions',
} as const;

/**
 * The executions of the local Step Functions stand-in (infra/local/stepfunctions-server.ts): one
 * item per execution, keyed by its ARN. Local only: on AWS, Step Functions keeps its executions itself.
 */
export const STEP_FUNCTIONS_TABLE = { partitionKey: 'executionArn' } as const;

/**
 * Creates the tables the CDK data stack defines (same keys and indexes), if they are missing. The
 * cases table is created when `names.cases` is given (LOCAL_TABLES gives it), the events table
 * when `names.events` is (so does LOCAL_TABLES; dynalite keeps no TTL: expired items stay), the local Step
 * Functions executions table when `names.stepFunctions` is given (LOCAL_TABLES gives it too). Answers
 * the indexes a table made earlier lacks (`<table>/<index>`): dynalite cannot add an index to a table.
 */
export async function ensureTables(
  client: DynamoDBClient,
  names: { items: string; directory: string; cases?: string; events?: string; stepFunctions?: string },
): Promise<string[]> {
  const tables: CreateTableCommandInput[] = [
    withIndexes(names.items, ITEMS_TABLE),
    {
      TableName: names.directory,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: DIRECTORY_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: DIRECTORY_TABLE.partitionKey, AttributeType: 'S' }],
    },
    ...(names.cases !== undefined ? [withIndexes(names.cases, CASES_TABLE)] : []),
    ...(names.events !== undefined ? [withIndexes(names.events, EVENTS_TABLE)] : []),
    ...(names.stepFunctions !== undefined
      ? [
          {
            TableName: names.stepFunctions,
            BillingMode: 'PAY_PER_REQUEST' as const,
            KeySchema: [{ AttributeName: STEP_FUNCTIONS_TABLE.partitionKey, KeyType: 'HASH' as const }],
            AttributeDefinitions: [{ AttributeName: STEP_FUNCTIONS_TABLE.partitionKey, AttributeType: 'S' as const }],
          },
        ]
      : []),
  ];
  const missing: string[] = [];
  for (const table of tables) {
    try {
      const existing = await client.send(new DescribeTableCommand({ TableName: table.TableName }));
      const has = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((ix) => ix.IndexName));
      for (const ix of table.GlobalSecondaryIndexes ?? []) if (!has.has(ix.IndexName)) missing.push(`${table.TableName}/${ix.IndexName}`);
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException)) throw e;
      await client.send(new CreateTableCommand(table));
    }
  }
  return missing;
}

/** A table with a string partition and sort key and string-keyed GSIs projecting every attribute, or their keys alone. */
function withIndexes(tableName: string, layout: { partitionKey: string; sortKey: string; indexes: Record<string, IndexLayout> }): CreateTableCommandInput {
  const indexes = Object.values(layout.indexes);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: layout.partitionKey, KeyType: 'HASH' },
      { AttributeName: layout.sortKey, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [...new Set([layout.partitionKey, layout.sortKey, ...indexes.flatMap((ix) => [ix.partitionKey, ix.sortKey])])].map((a) => ({
      AttributeName: a,
      AttributeType: 'S' as const,
    })),
    GlobalSecondaryIndexes: indexes.map((ix) => ({
      IndexName: ix.name,
      KeySchema: [
        { AttributeName: ix.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: ix.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: ix.projection === 'keys-only' ? ('KEYS_ONLY' as const) : ('ALL' as const) },
    })),
  };
}

/** dynalite on a free port; persisted under `path`, or in memory without one. */
export async function startDynalite(path: string | undefined, host = '127.0.0.1'): Promise<{ endpoint: string; close: () => Promise<void> }> {
  if (path) await mkdir(path, { recursive: true });
  countItemSizesAsAws();
  const server: Server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, maxItemSizeKb: ITEM_LIMIT_BYTES / 1024 });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, host, () => res());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections?.();
      }),
  };
}

/** dynalite's db module, as its validations and actions call it (`db.itemSize(item)`). */
interface DynaliteDb {
  itemSize: (item: Record<string, AttributeValueLike>, ...rest: unknown[]) => number;
}

const requireHere = createRequire(import.meta.url);
let counting = false;

/**
 * Makes dynalite count an item's size as AWS does (shared/adapters/dynamo-item-size.ts) where it
 * checks it against the 400 KB limit: PutItem and each BatchWriteItem put (ValidationException "Item
 * size has exceeded the maximum allowed size"), UpdateItem's resulting item ("Item size to update has
 * exceeded the maximum allowed size"), with its own messages. Those checks (and BatchGetItem's
 * response cap) call the module's exported `itemSize` with the item alone; its capacity and paging
 * counts call it with more arguments, or its own function directly, and are left as they are. (dynalite
 * 4 has no TransactWriteItems; nothing here uses it.) Once per process: the module is shared.
 */
function countItemSizesAsAws(): void {
  if (counting) return;
  const db = requireHere('dynalite/db') as DynaliteDb;
  const own = db.itemSize;
  db.itemSize = (item, ...rest) => (rest.length === 0 ? attributeItemBytes(item) : own(item, ...rest));
  counting = true;
}
