// The case service and the sweep (test/support/case-service-contract.ts) against the real local
// stand-ins: dynalite for the items, directory and cases tables, s3rver for the materials (uploaded
// through the presigned slots, kept by server-side copy), the catalogue seeded through the real
// catalogue service.
import { editHead, readHead } from '../support/case-heads.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { S3RVER_CREDENTIALS, startS3 } from '../../infra/local/local-s3.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import { sha256 } from '../support/case-materials.ts';
import { caseServiceContract } from '../support/case-service-contract.ts';
import { seedFixtures } from '../support/fixture-seeding.ts';
import { uploadThroughSlot } from '../support/slot-upload.ts';

const BUCKET = 'tongban-test-case-materials';

caseServiceContract('DynamoDB and S3', async (now) => {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-cases-'));
  const [dynamo, s3rver] = await Promise.all([startDynalite(undefined), startS3(dir, '127.0.0.1', [BUCKET])]);
  const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(raw, LOCAL_TABLES);
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const s3 = new S3Client({ endpoint: s3rver.endpoint, region: 'cn-north-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  const vault = new S3MaterialStore(s3, BUCKET, 900, now);
  const items = new DynamoItemStore(db, LOCAL_TABLES.items);
  const directory = new DynamoDirectory(db, LOCAL_TABLES.directory);
  await seedFixtures({ directory, store: items, now });
  return {
    items,
    vault,
    catalogue: new CatalogueService({ store: items, directory: () => directory.load(), calendar: officialCalendar, now }),
    caseStore: async (name) => {
      const table = `tongban-test-${name}`;
      await ensureTables(raw, { ...LOCAL_TABLES, cases: table });
      return {
        store: new DynamoCaseStore(db, table),
        // The head: the one place the newest state is kept (and what the queue lists).
        damage: async (caseNo, field, value) => {
          await editHead(db, table, caseNo, (head) => {
            (head.state as Record<string, unknown>)[field] = value;
          });
        },
        // Where the entry is kept: among the head's pending entries, or (the layout before issue 21) an item of its own.
        deleteEntry: async (caseNo, n) => {
          const head = await readHead(db, table, caseNo);
          const at = ((head?.pending as { entry: { n: number } }[] | undefined) ?? []).findIndex((r) => r.entry.n === n);
          if (at < 0) await db.send(new DeleteCommand({ TableName: table, Key: { pk: `CASE#${caseNo}`, sk: `EVT#${String(n).padStart(10, '0')}` } }));
          else await editHead(db, table, caseNo, (h) => void (h.pending as unknown[]).splice(at, 1));
        },
      };
    },
    // Through a presigned slot of the channel, as its client would.
    upload: (owner, body) => uploadThroughSlot(vault, owner, body),
    emptySlot: async (owner, announced) => (await vault.createUploadSlot(owner, announced)).objectKey,
    // Size and type from HeadObject, SHA-256 of the bytes GetObject returns.
    stored: async (key) => {
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return { size: head.ContentLength, contentType: head.ContentType, sha256: sha256(await object.Body!.transformToByteArray()) };
    },
    // The presigned GET, as a reader's client fetches it.
    read: async (url) => {
      const res = await fetch(url);
      const disposition = res.headers.get('content-disposition') ?? '';
      const filename = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? undefined,
        filename: filename && decodeURIComponent(filename),
        body: Buffer.from(await res.arrayBuffer()),
      };
    },
    stop: async () => {
      raw.destroy();
      s3.destroy();
      await Promise.all([dynamo.close(), s3rver.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
});
