// A process that writes items to a stream-enabled table of the embedded DynamoDB until it is killed:
// `node --import tsx test/support/stream-writer.ts <data dir> <table>`. It prints `ack <sk>` once a
// write has been answered (committed), so a test that kills it with SIGKILL knows which writes
// happened for sure; others may have been in flight.
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { startDynalite, untilActive } from '../../infra/local/local-dynamodb.ts';

const [path, table] = process.argv.slice(2) as [string, string];
const dynamo = await startDynalite(path, '127.0.0.1', { streams: [table] });
const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
try {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    }),
  );
} catch (e) {
  if (!(e instanceof ResourceInUseException)) throw e;
}
await untilActive(client, table);
process.stdout.write('ready\n');
let next = 0;
const writer = async (): Promise<void> => {
  for (;;) {
    const sk = `EVT#${String(next++).padStart(6, '0')}`;
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'CASE#1' }, sk: { S: sk }, body: { S: 'x'.repeat(200) } } }));
    process.stdout.write(`ack ${sk}\n`);
  }
};
await Promise.all([writer(), writer(), writer(), writer()]);
