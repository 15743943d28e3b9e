// The directory (departments, channels, principals) as one record in the directory table. Read on
// every cold start and then at most once a minute, so a `cdk deploy` of new configuration reaches
// running functions within a minute.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Directory } from '../contracts/directory.ts';
import { DirectorySchema } from '../contracts/directory.ts';
import { DIRECTORY_TABLE } from './table-layout.ts';

const CACHE_MS = 60_000;

export class DynamoDirectory {
  private cached: { directory: Directory; at: number } | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<Directory> {
    if (this.cached && this.now() - this.cached.at < CACHE_MS) return this.cached.directory;
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: DIRECTORY_TABLE.directoryKey } }));
    if (typeof out.Item?.doc !== 'string') throw new Error(`directory table ${this.tableName} holds no directory record`);
    const directory = DirectorySchema.parse(JSON.parse(out.Item.doc));
    this.cached = { directory, at: this.now() };
    return directory;
  }

  async save(directory: Directory): Promise<void> {
    const valid = DirectorySchema.parse(directory);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: DIRECTORY_TABLE.directoryKey, doc: JSON.stringify(valid), updatedAt: new Date(this.now()).toISOString() },
      }),
    );
    this.cached = undefined;
  }
}
