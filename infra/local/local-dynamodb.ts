// DynamoDB for the embedded runtime and the integration tests: dynalite (the real DynamoDB wire
// protocol on LevelDB) and the tables of the data stack, built from the same key layout.
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { DIRECTORY_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';

export const LOCAL_TABLES = { items: 'tongban-local-items', directory: 'tongban-local-directory' } as const;

/** Creates the tables the CDK data stack defines (same keys and indexes), if they are missing. */
export async function ensureTables(client: DynamoDBClient, names: { items: string; directory: string }): Promise<void> {
  const { indexes } = ITEMS_TABLE;
  const tables: CreateTableCommandInput[] = [
    {
      TableName: names.items,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: ITEMS_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: ITEMS_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        ...[ITEMS_TABLE.partitionKey, ITEMS_TABLE.sortKey].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
        ...[...new Set(Object.values(indexes).flatMap((ix) => [ix.partitionKey, ix.sortKey]))].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
      ],
      GlobalSecondaryIndexes: Object.values(indexes).map((ix) => ({
        IndexName: ix.name,
        KeySchema: [
          { AttributeName: ix.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: ix.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
    },
    {
      TableName: names.directory,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: DIRECTORY_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: DIRECTORY_TABLE.partitionKey, AttributeType: 'S' }],
    },
  ];
  for (const table of tables) {
    try {
      await client.send(new DescribeTableCommand({ TableName: table.TableName }));
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException)) throw e;
      await client.send(new CreateTableCommand(table));
    }
  }
}

/** dynalite on a free port; persisted under `path`, or in memory without one. */
export async function startDynalite(path: string | undefined, host = '127.0.0.1'): Promise<{ endpoint: string; close: () => Promise<void> }> {
  if (path) await mkdir(path, { recursive: true });
  const server: Server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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

