// The directory (departments, channels, principals, seals, archive key) as records of the directory
// table: the directory record, and the seal registry's parts (DIRECTORY_TABLE.sealRegistryKeys), each
// written by its own stack on AWS. Read together on every cold start and then at most once a minute,
// so a `cdk deploy` of new configuration reaches running functions within a minute.
//
// The stacks are deployed one after the other, so for a while a part may still list a department the
// directory record no longer has (it was removed), or the record a department whose seals are not
// written yet (it was added): a seal of a department the record does not name is left out, and a
// department without a seal seals nothing until its stack is deployed, as the sealing function says.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Directory } from '../contracts/directory.ts';
import { DirectorySchema, SealKeySchema } from '../contracts/directory.ts';
import { DIRECTORY_TABLE } from './table-layout.ts';

const CACHE_MS = 60_000;

const SealRegistryPartSchema = z.array(SealKeySchema).max(DIRECTORY_TABLE.maxSealsPerPart);

export class DynamoDirectory {
  private cached: { directory: Directory; at: number } | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<Directory> {
    if (this.cached && this.now() - this.cached.at < CACHE_MS) return this.cached.directory;
    const [record, ...parts] = await Promise.all([DIRECTORY_TABLE.directoryKey, ...DIRECTORY_TABLE.sealRegistryKeys].map((pk) => this.doc(pk)));
    if (record === undefined) throw new Error(`directory table ${this.tableName} holds no directory record`);
    const main = JSON.parse(record) as { departments?: { id?: unknown }[]; seals?: unknown[] };
    const departments = new Set((main.departments ?? []).map((d) => d.id));
    const registered = parts.flatMap((doc, i) => (doc === undefined ? [] : this.sealRegistryPart(DIRECTORY_TABLE.sealRegistryKeys[i]!, doc)));
    const seals = [...(main.seals ?? []), ...registered.filter((k) => departments.has(k.department))];
    const directory = DirectorySchema.parse({ ...main, ...(seals.length > 0 ? { seals } : {}) });
    this.cached = { directory, at: this.now() };
    return directory;
  }

  /** Writes the whole directory, seals included, as the directory record (the embedded platform's way). */
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

  private sealRegistryPart(pk: string, doc: string) {
    const part = SealRegistryPartSchema.safeParse(JSON.parse(doc));
    if (!part.success) throw new Error(`directory table ${this.tableName}: record ${pk} is not a part of the seal registry: ${part.error.message}`);
    return part.data;
  }

  private async doc(pk: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk } }));
    if (out.Item === undefined) return undefined;
    if (typeof out.Item.doc !== 'string') throw new Error(`directory table ${this.tableName}: record ${pk} holds no document`);
    return out.Item.doc;
  }
}
