// The cost meter's operation counter: a counting proxy in front of each stand-in of the embedded
// platform (infra/local/platform.ts's `observe.endpoint`), so every request a function sends to
// DynamoDB, S3, KMS, Step Functions, Lambda or EventBridge — and every presigned PUT a channel sends to
// S3 — passes through it and is counted at the wire, by service and operation, while `counting` is on;
// and every run of every function, with its handler's time (`observe.invoked`).
//
// What it records beyond the count:
// - DynamoDB: the write units of every item write (PutItem, UpdateItem, DeleteItem, each put and delete
//   of a BatchWriteItem) from the item before and after it, read from the stand-in directly (uncounted)
//   around the write, the table's indexes from DescribeTable (aws-units.ts says how); refused conditional
//   writes; read units from the items answered, or from what the stand-in reports consumed (asked for
//   on every read: it counts items a filter dropped), whichever is more. Item writes are put one at a
//   time through the proxy, so the item read before a write is the one the write replaced.
// - S3: each request's storage class (the object's, as written with x-amz-storage-class or STANDARD),
//   the bytes read, and the class every object was written as.
// - EventBridge: the entries of each PutEvents and their bytes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { StandInService } from '../../infra/local/platform.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { closeServer, listen } from '../../infra/local/listen.ts';
import { readBody } from '../../infra/local/request-body.ts';
import type { S3StorageClass } from './aws-prices.ts';
import { S3 } from './aws-prices.ts';
import type { Item, TableShape } from './aws-units.ts';
import { readUnits, refusedWriteUnits, writeUnits } from './aws-units.ts';

/** What one measured stretch counted. */
export interface Metered {
  /** Requests by `<service> <operation>`. */
  requests: Map<string, number>;
  dynamo: { itemWrites: number; tableWriteUnits: number; indexWriteUnits: number; indexWrites: number; refusedWrites: number; readUnits: number };
  /** Item writes and their units (table and indexes) by table. */
  tables: Map<string, { writes: number; units: number }>;
  /** S3 requests by storage class and tier (`write`: PUT, COPY, POST, LIST; `read`: GET, HEAD, the rest), bytes read by class. */
  s3: { requests: Map<`${S3StorageClass} ${'write' | 'read'}`, number>; readBytes: Map<S3StorageClass, number> };
  kms: Map<string, number>;
  events: { entries: number; bytes: number };
  /** Runs and handler milliseconds by function. */
  invocations: Map<LambdaName, { runs: number; ms: number }>;
}

const FREE_S3 = new Set(['DeleteObject', 'DeleteObjects', 'AbortMultipartUpload', 'OPTIONS']);
const S3_WRITES = new Set([
  'PutObject',
  'CopyObject',
  'UploadPart',
  'UploadPartCopy',
  'CreateMultipartUpload',
  'CompleteMultipartUpload',
  'ListObjectsV2',
  'ListObjects',
  'ListObjectVersions',
  'PutBucketCors',
  'PostObject',
]);
const ITEM_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

export class AwsMeter {
  /** Counts only while on (the platform's start and the bench's own look-ups are not the cases'). */
  counting = false;
  private m: Metered = emptyMetered();
  /** The class each object was written as, by `<bucket>/<key>` (kept across `take`). */
  readonly objectClasses = new Map<string, S3StorageClass>();
  private readonly servers: ReturnType<typeof createServer>[] = [];
  private readonly agent = new Agent({ keepAlive: true });
  private dynamo: DynamoDBClient | undefined;
  private readonly shapes = new Map<string, Promise<TableShape>>();
  /** Item writes, one at a time (see the header). */
  private writes: Promise<unknown> = Promise.resolve();
  /** The stand-ins' own endpoints, by service. */
  readonly direct = new Map<StandInService, string>();

  /** The platform's `observe`. */
  readonly observer = {
    endpoint: (service: StandInService, url: string) => this.endpoint(service, url),
    invoked: (name: LambdaName, ms: number) => {
      if (!this.counting) return;
      const i = this.m.invocations.get(name) ?? { runs: 0, ms: 0 };
      i.runs++;
      i.ms += Math.ceil(ms); // billed per started millisecond
      this.m.invocations.set(name, i);
    },
  };

  /** What was counted since the last `take`, and counting starts afresh. */
  take(): Metered {
    const m = this.m;
    this.m = emptyMetered();
    return m;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => closeServer(s)));
    this.agent.destroy();
    this.dynamo?.destroy();
  }

  private async endpoint(service: StandInService, url: string): Promise<string> {
    this.direct.set(service, url);
    if (service === 'dynamodb') this.dynamo = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'meter', secretAccessKey: 'meter' } });
    const target = new URL(url);
    const server = createServer((req, res) => {
      this.forward(service, target, req, res).catch((e: unknown) => {
        console.error(`cost meter: ${service} ${req.method} ${req.url}`, e);
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
    });
    const { port } = await listen(server, target.hostname);
    this.servers.push(server);
    return `http://${target.hostname}:${(server.address() as AddressInfo).port ?? port}`;
  }

  private async forward(service: StandInService, target: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = await readBody(req, Number.MAX_SAFE_INTEGER);
    if (body === 'too-large') throw new Error('unreachable');
    const operation = operationOf(service, req, body);
    const send = (b: Buffer) => this.send(target, req, b);
    let answer: Answer;
    if (!this.counting) answer = await send(body);
    else {
      this.count(`${service} ${operation}`);
      if (service === 'dynamodb') answer = await this.dynamoRequest(operation, body, send);
      else {
        answer = await send(body);
        if (service === 's3') this.s3Request(operation, req, answer);
        else if (service === 'kms') this.m.kms.set(operation, (this.m.kms.get(operation) ?? 0) + 1);
        else if (service === 'eventbridge' && operation === 'PutEvents') {
          const entries = (JSON.parse(body.toString('utf8')) as { Entries?: unknown[] }).Entries ?? [];
          this.m.events.entries += entries.length;
          this.m.events.bytes += entries.reduce<number>((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
        }
      }
    }
    body = answer.body;
    const headers = { ...answer.headers };
    if (headers['transfer-encoding']) {
      delete headers['transfer-encoding'];
      headers['content-length'] = String(body.length);
    }
    res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private send(target: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | string[] | undefined> = { ...req.headers, 'content-length': String(body.length) };
      if (req.headers['content-length'] === undefined && body.length === 0) delete headers['content-length'];
      delete headers['transfer-encoding'];
      const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: this.agent }, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => resolve({ status: up.statusCode ?? 502, headers: up.headers as Record<string, string | string[]>, body: Buffer.concat(chunks) }));
        up.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  private count(key: string): void {
    this.m.requests.set(key, (this.m.requests.get(key) ?? 0) + 1);
  }

  private async dynamoRequest(operation: string, raw: Buffer, send: (b: Buffer) => Promise<Answer>): Promise<Answer> {
    const input = JSON.parse(raw.toString('utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const d = this.m.dynamo;
    if (READS.has(operation)) {
      const asked = input.ReturnConsumedCapacity !== undefined;
      const answer = await send(asked ? raw : Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'TOTAL' })));
      if (answer.status !== 200) return answer;
      const out = JSON.parse(answer.body.toString('utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const consumed = ([] as { CapacityUnits?: number }[]).concat(out.ConsumedCapacity ?? []).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      const consistent = input.ConsistentRead === true;
      let counted: number;
      if (operation === 'GetItem') counted = readUnits(out.Item ? [out.Item as Item] : [], consistent);
      else if (operation === 'BatchGetItem')
        counted = Object.entries((out.Responses ?? {}) as Record<string, Item[]>).reduce(
          (n, [table, items]) => n + items.reduce((k, item) => k + readUnits([item], input.RequestItems?.[table]?.ConsistentRead === true), 0),
          0,
        );
      else counted = readUnits((out.Items ?? []) as Item[], consistent);
      d.readUnits += Math.max(counted, consumed);
      return answer;
    }
    if (!ITEM_WRITES.has(operation) && operation !== 'BatchWriteItem') return send(raw);
    // Item writes: one at a time, the item read before and after (after the answer is passed on: the
    // next write waits for it, the writer does not).
    let answered!: (a: Answer) => void;
    const answer = new Promise<Answer>((resolve) => (answered = resolve));
    const turn = this.writes.then(async () => {
      const writes: { table: string; key: Item }[] =
        operation === 'BatchWriteItem'
          ? await Promise.all(
              Object.entries(input.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>).flatMap(([table, requests]) =>
                requests.map(async (r) => ({ table, key: r.DeleteRequest ? r.DeleteRequest.Key : pick(r.PutRequest!.Item, (await this.tableShape(table)).keys) })),
              ),
            )
          : [
              {
                table: input.TableName as string,
                key: operation === 'PutItem' ? pick(input.Item as Item, (await this.tableShape(input.TableName as string)).keys) : (input.Key as Item),
              },
            ];
      const before = await Promise.all(writes.map((w) => this.item(w.table, w.key)));
      const answer = await send(raw);
      answered(answer);
      if (answer.status === 200) {
        const after = await Promise.all(writes.map((w) => this.item(w.table, w.key)));
        for (const [i, w] of writes.entries()) {
          const u = writeUnits(await this.tableShape(w.table), before[i], after[i]);
          d.itemWrites++;
          d.tableWriteUnits += u.table;
          d.indexWriteUnits += u.indexes;
          d.indexWrites += u.indexWrites;
          const t = this.m.tables.get(w.table) ?? { writes: 0, units: 0 };
          t.writes++;
          t.units += u.table + u.indexes;
          this.m.tables.set(w.table, t);
        }
      } else if (answer.body.toString('utf8').includes('ConditionalCheckFailed')) {
        d.refusedWrites++;
        d.tableWriteUnits += refusedWriteUnits(before[0]);
      }
    });
    this.writes = turn.catch((e: unknown) => console.error('cost meter: counting a write failed', e));
    return Promise.race([answer, turn.then(() => answer)]);
  }

  private async item(table: string, key: Item): Promise<Item | undefined> {
    const out = await this.dynamo!.send(new GetItemCommand({ TableName: table, Key: key as never, ConsistentRead: true }));
    return out.Item;
  }

  /** A table's keys and indexes, as the DynamoDB stand-in describes it (uncounted). */
  tableShape(table: string): Promise<TableShape> {
    let shape = this.shapes.get(table);
    if (!shape) {
      shape = this.dynamo!.send(new DescribeTableCommand({ TableName: table })).then(({ Table }) => ({
        keys: (Table?.KeySchema ?? []).map((k) => k.AttributeName!),
        indexes: (Table?.GlobalSecondaryIndexes ?? []).map((ix) => ({
          name: ix.IndexName!,
          keys: (ix.KeySchema ?? []).map((k) => k.AttributeName!),
          projection: ix.Projection?.ProjectionType ?? 'ALL',
          nonKeyAttributes: ix.Projection?.NonKeyAttributes ?? [],
        })),
      }));
      this.shapes.set(table, shape);
    }
    return shape;
  }

  private s3Request(operation: string, req: IncomingMessage, answer: Answer): void {
    if (FREE_S3.has(operation)) return;
    const { bucket, key } = s3Resource(req.url ?? '/');
    const written = storageClassOf(req.headers['x-amz-storage-class']);
    const object = `${bucket}/${key}`;
    if (['PutObject', 'CopyObject', 'CreateMultipartUpload'].includes(operation) && answer.status === 200) this.objectClasses.set(object, written);
    const storageClass = key ? (this.objectClasses.get(object) ?? written) : 'STANDARD';
    const tier = S3_WRITES.has(operation) ? 'write' : 'read';
    const k = `${storageClass} ${tier}` as const;
    this.m.s3.requests.set(k, (this.m.s3.requests.get(k) ?? 0) + 1);
    if (operation === 'GetObject') this.m.s3.readBytes.set(storageClass, (this.m.s3.readBytes.get(storageClass) ?? 0) + answer.body.length);
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

function emptyMetered(): Metered {
  return {
    requests: new Map(),
    dynamo: { itemWrites: 0, tableWriteUnits: 0, indexWriteUnits: 0, indexWrites: 0, refusedWrites: 0, readUnits: 0 },
    tables: new Map(),
    s3: { requests: new Map(), readBytes: new Map() },
    kms: new Map(),
    events: { entries: 0, bytes: 0 },
    invocations: new Map(),
  };
}

function pick(item: Item, keys: readonly string[]): Item {
  return Object.fromEntries(keys.map((k) => [k, item[k]!]));
}

function storageClassOf(header: string | string[] | undefined): S3StorageClass {
  const name = Array.isArray(header) ? header[0] : header;
  return name !== undefined && name in S3 ? (name as S3StorageClass) : 'STANDARD';
}

/** The bucket and key of a path-style S3 request. */
export function s3Resource(url: string): { bucket: string; key: string } {
  const path = url.split('?')[0]!;
  const [, bucket = '', ...key] = path.split('/');
  return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(key.join('/')) };
}

/** The API operation a request to a stand-in is: the JSON protocols' X-Amz-Target, S3's method and subresources, Lambda's path. */
export function operationOf(service: StandInService, req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  if (service === 'lambda') return /\/invocations$/.test((req.url ?? '').split('?')[0]!) ? 'Invoke' : `${req.method} ${req.url}`;
  if (service !== 's3') return `${req.method} ${(req.url ?? '').split('?')[0]}`;
  const method = req.method ?? 'GET';
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  const { key } = s3Resource(req.url ?? '/');
  const copy = req.headers['x-amz-copy-source'] !== undefined;
  if (method === 'OPTIONS') return 'OPTIONS';
  if (method === 'PUT') {
    if (!key) return query.has('cors') ? 'PutBucketCors' : 'PutBucket';
    if (query.has('partNumber')) return copy ? 'UploadPartCopy' : 'UploadPart';
    return copy ? 'CopyObject' : 'PutObject';
  }
  if (method === 'POST') {
    if (query.has('uploads')) return 'CreateMultipartUpload';
    if (query.has('uploadId')) return 'CompleteMultipartUpload';
    if (query.has('delete')) return 'DeleteObjects';
    return body.length > 0 ? 'PostObject' : 'POST';
  }
  if (method === 'DELETE') return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  if (method === 'HEAD') return key ? 'HeadObject' : 'HeadBucket';
  if (!key) return query.has('versions') ? 'ListObjectVersions' : query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  for (const sub of ['retention', 'legal-hold', 'attributes', 'tagging']) if (query.has(sub)) return `GetObject-${sub}`;
  return 'GetObject';
}
