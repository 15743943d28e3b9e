// dynalite on a free port with every table of LOCAL_TABLES made, and a document client on it (as the
// stores are given one): for integration tests of the DynamoDB adapters.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';

export { LOCAL_TABLES };

export async function startLocalTables(): Promise<{ db: DynamoDBDocumentClient; stop: () => Promise<void> }> {
  const dynamo = await startDynalite(undefined);
  const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(raw, LOCAL_TABLES);
  return {
    db: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    stop: async () => {
      raw.destroy();
      await dynamo.close();
    },
  };
}
