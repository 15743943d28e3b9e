// DynamoDB Streams for the embedded DynamoDB (dynalite, which has none), and a Lambda event source
// mapping over them that invokes an in-process handler as Lambda's DynamoDB event source mapping does.
//
// The stream (`installStreams`, called by startDynalite through a hook on dynalite's `db.create`):
// every item write to a stream-enabled table — PutItem, UpdateItem, DeleteItem, BatchWriteItem's puts
// and deletes, all of which end in the table's item sub-db `put`/`del` under dynalite's item lock —
// goes to LevelDB as ONE batch holding the item and its stream record (and the stream's sequence
// counter). A record therefore exists if and only if the write happened, across `kill -9` too: an
// item whose batch did not reach the log has no record, and no record outlives its item write.
// As on AWS, a write that changes nothing (a put of the same item, a delete of a missing item) writes
// no record. Writes of one stream are committed one after another (a per-table queue in this
// process), so sequence numbers grow in commit order; they are 21 decimal digits, zero-padded, so
// their strings sort as their numbers. StreamViewType is NEW_IMAGE (REMOVE records carry Keys only).
// SizeBytes is the Keys plus the NewImage counted as DynamoDB counts item sizes.
//
// Retention: a record is deleted once every consumer checkpointed in the same LevelDB (every
// `startStreamMapping` id that ever ran on this stream) has passed it, and in any case after 24 hours
// (AWS's retention). A mapping started for the first time reads from the oldest record kept
// (TRIM_HORIZON) or from the end (LATEST). Trimming runs when a mapping saves its checkpoint and when
// the stream opens, at most TRIM_BATCH records a time.
//
// The mapping (`startStreamMapping`): reads the stream in sequence order, one batch at a time, from
// its durable checkpoint (a key in the same LevelDB, written after each batch), so after a restart it
// goes on from where it was — records handled before a kill -9 but not yet checkpointed are handed
// over again (at-least-once), none is lost. Filter criteria as Lambda's (event-pattern.ts; records
// that match no filter are passed over and never invoke the handler). ReportBatchItemFailures: the
// handler's `{batchItemFailures: [{itemIdentifier: <SequenceNumber>}]}` retries from the first failed
// record; an identifier that is not one of the batch's fails the whole batch (as Lambda does). A thrown
// error retries the batch (the same records) with exponential backoff; with `bisectBatchOnFunctionError`
// a failing batch is first split in halves (splits do not count as retries). After
// `maximumRetryAttempts` the batch goes to `onFailure` (as to an on-failure destination: batch info and
// the records) and the mapping goes on. Woken when a record is appended, not by polling.
//
// Not modelled: shards (one ordered stream per table), the 1 MB GetRecords page, function timeouts,
// batching windows, MaximumRecordAgeInSeconds, tumbling windows, stream view types other than NEW_IMAGE.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValueLike } from '../../shared/adapters/dynamo-item-size.ts';
import { attributeItemBytes } from '../../shared/adapters/dynamo-item-size.ts';
import type { EventPattern } from './event-pattern.ts';
import { compilePattern, matchesAny } from './event-pattern.ts';

type Item = Record<string, AttributeValueLike>;

/** 24 hours, as DynamoDB Streams keeps records. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;
const SEQUENCE_DIGITS = 21;
const TRIM_BATCH = 1000;
/** The largest batch a mapping takes (AWS allows 10,000 for DynamoDB streams; 1,000 is plenty here). */
export const MAX_BATCH_SIZE = 1000;
/** At most this many filters, as Lambda allows by default. */
export const MAX_FILTERS = 5;

/** A stream record as kept in LevelDB. */
export interface StoredStreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  SequenceNumber: string;
  SizeBytes: number;
  Keys: Item;
  NewImage?: Item;
  /** Epoch seconds, as Lambda's event gives it. */
  ApproximateCreationDateTime: number;
  /** Epoch milliseconds of the commit (retention). */
  createdAtMs: number;
}

/** One table's stream, read in process. */
export interface LocalDynamoStream {
  readonly tableName: string;
  /** `arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>` (label: when the stream was first opened on this data). */
  readonly arn: string;
  readonly region: string;
  /** Up to `limit` records after `afterSequence` (from the oldest kept without it), in sequence order. */
  read(afterSequence: string | undefined, limit: number): Promise<StoredStreamRecord[]>;
  /** The sequence number of the last record committed, if any was ever written. */
  lastSequence(): Promise<string | undefined>;
  /** Resolves at the next append (or when the stream closes). */
  nextAppend(): Promise<void>;
  /** Calls `listener` after each append; answers the function that removes it. */
  onAppend(listener: (record: StoredStreamRecord) => void): () => void;
  loadCheckpoint(consumer: string): Promise<string | undefined>;
  /** Saves a consumer's checkpoint durably, then trims what every consumer has passed. */
  saveCheckpoint(consumer: string, sequence: string): Promise<void>;
  /** Deletes records every consumer has passed, and records older than 24 h; answers how many. */
  trim(): Promise<number>;
  /** Whether the stream's database is closed (startDynalite's close). */
  readonly closed: boolean;
}

// ---------------------------------------------------------------------------------------------
// The stream, inside dynalite
// ---------------------------------------------------------------------------------------------

/** The LevelDB (abstract-level 3) as dynalite's store holds it: promise forms of its methods. */
interface LevelDb {
  get(key: string): Promise<unknown>;
  batch(ops: { type: 'put' | 'del'; key: string; value?: unknown }[]): Promise<void>;
  iterator(opts: { gt?: string; gte?: string; lt?: string; limit?: number }): { all(): Promise<[string, unknown][]> };
}

type Callback = (err: Error | null) => void;

interface ItemSubDb {
  put(key: string, value: Item, cb: Callback): void;
  del(key: string, cb: Callback): void;
  tongbanStream?: true;
}

interface DynaliteStore {
  db: LevelDb;
  getItemDb(name: string): ItemSubDb;
  getTable(name: string, cb: (err: Error | null, table?: { KeySchema: { AttributeName: string }[] }) => void): void;
}

export interface StreamsOptions {
  /** Tables whose writes produce stream records. */
  tables: readonly string[];
  region: string;
  account: string;
  /** Tests: the clock (epoch ms). */
  now?: () => number;
}

/** What the hook on `db.create` is given through dynalite's options. */
export const STREAMS_OPTION = 'tongbanStreams';
export interface StreamsHook extends StreamsOptions {
  /** Called with the streams once dynalite's store exists. */
  opened(streams: Map<string, LocalStream>): void;
}

const requireHere = createRequire(import.meta.url);
let hooked = false;

/**
 * Makes dynalite's `db.create` (called once per dynalite server) install streams on the store it
 * creates when its options carry STREAMS_OPTION. Once per process: the module is shared.
 */
export function hookDynaliteStreams(): void {
  if (hooked) return;
  const dbModule = requireHere('dynalite/db') as { create: (options: Record<string, unknown>) => DynaliteStore };
  const create = dbModule.create;
  dbModule.create = (options) => {
    const store = create(options);
    const hook = options[STREAMS_OPTION] as StreamsHook | undefined;
    if (hook) hook.opened(installStreams(store, hook));
    return store;
  };
  hooked = true;
}

function installStreams(store: DynaliteStore, opts: StreamsOptions): Map<string, LocalStream> {
  const streams = new Map(opts.tables.map((t) => [t, new LocalStream(store, t, opts)]));
  const getItemDb = store.getItemDb.bind(store);
  store.getItemDb = (name) => {
    const sub = getItemDb(name);
    const stream = streams.get(name);
    if (stream && !sub.tongbanStream) {
      sub.put = (key, value, cb) => void stream.commit(key, value).then(() => cb(null), cb);
      sub.del = (key, cb) => void stream.commit(key, undefined).then(() => cb(null), cb);
      sub.tongbanStream = true;
    }
    return sub;
  };
  return streams;
}

const pad = (n: bigint): string => n.toString().padStart(SEQUENCE_DIGITS, '0');

interface StreamMeta {
  label: string;
  last?: string;
}

export class LocalStream implements LocalDynamoStream {
  readonly region: string;
  private readonly prefix: string;
  private readonly recordPrefix: string;
  private readonly checkpointPrefix: string;
  private readonly metaKey: string;
  private readonly itemPrefix: string;
  private readonly now: () => number;
  private meta: Promise<StreamMeta>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly appends = new Appends();
  private trimming: Promise<number> | undefined;
  private arnValue = '';
  closed = false;

  constructor(
    private readonly store: DynaliteStore,
    readonly tableName: string,
    private readonly opts: StreamsOptions,
  ) {
    this.region = opts.region;
    this.now = opts.now ?? Date.now;
    this.prefix = `tongban-stream~${tableName}~`;
    this.recordPrefix = `${this.prefix}rec~`;
    this.checkpointPrefix = `${this.prefix}ckpt~`;
    this.metaKey = `${this.prefix}meta`;
    this.itemPrefix = `item-${tableName}~`;
    this.meta = this.loadMeta();
    this.meta.catch(() => undefined); // surfaced by ready() and the writes
  }

  get arn(): string {
    return this.arnValue;
  }

  /** Resolves when the stream's metadata is read (its ARN known); startDynalite awaits it. */
  async ready(): Promise<void> {
    await this.meta;
  }

  private async loadMeta(): Promise<StreamMeta> {
    let meta = (await this.store.db.get(this.metaKey)) as StreamMeta | undefined;
    if (!meta) {
      meta = { label: new Date(this.now()).toISOString().slice(0, 23) };
      await this.store.db.batch([{ type: 'put', key: this.metaKey, value: meta }]);
    }
    const partition = this.region.startsWith('cn-') ? 'aws-cn' : 'aws';
    this.arnValue = `arn:${partition}:dynamodb:${this.region}:${this.opts.account}:table/${this.tableName}/stream/${meta.label}`;
    return meta;
  }

  /** Writes (or deletes, `item` undefined) an item and its stream record in one batch, after the writes before it. */
  commit(key: string, item: Item | undefined): Promise<void> {
    const run = this.queue.then(() => this.write(key, item));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(key: string, item: Item | undefined): Promise<void> {
    if (this.closed) throw new Error('Database is closed');
    const meta = await this.meta;
    const old = (await this.store.db.get(this.itemPrefix + key)) as Item | undefined;
    const itemOp = item === undefined ? { type: 'del' as const, key: this.itemPrefix + key } : { type: 'put' as const, key: this.itemPrefix + key, value: item };
    const eventName = item === undefined ? (old ? 'REMOVE' : undefined) : !old ? 'INSERT' : sameItem(old, item) ? undefined : 'MODIFY';
    if (eventName === undefined) {
      await this.store.db.batch([itemOp]);
      return;
    }
    const keyNames = await this.keyNames();
    const source = (item ?? old)!;
    const Keys: Item = {};
    for (const name of keyNames) if (source[name] !== undefined) Keys[name] = source[name];
    const sequence = pad((meta.last === undefined ? 0n : BigInt(meta.last)) + 1n);
    const now = this.now();
    const record: StoredStreamRecord = {
      eventID: randomUUID().replaceAll('-', ''),
      eventName,
      SequenceNumber: sequence,
      SizeBytes: attributeItemBytes(Keys) + (item ? attributeItemBytes(item) : 0),
      Keys,
      ...(item ? { NewImage: item } : {}),
      ApproximateCreationDateTime: Math.floor(now / 1000),
      createdAtMs: now,
    };
    const nextMeta: StreamMeta = { ...meta, last: sequence };
    await this.store.db.batch([itemOp, { type: 'put', key: this.recordPrefix + sequence, value: record }, { type: 'put', key: this.metaKey, value: nextMeta }]);
    this.meta = Promise.resolve(nextMeta);
    this.appends.tell(record);
  }

  private keyNames(): Promise<string[]> {
    return new Promise((resolve, reject) =>
      this.store.getTable(this.tableName, (err, table) =>
        err || !table ? reject(err ?? new Error(`no table ${this.tableName}`)) : resolve(table.KeySchema.map((k) => k.AttributeName)),
      ),
    );
  }

  async read(afterSequence: string | undefined, limit: number): Promise<StoredStreamRecord[]> {
    const bounded = Math.max(1, Math.min(limit, MAX_BATCH_SIZE));
    const range = afterSequence === undefined ? { gte: this.recordPrefix } : { gt: this.recordPrefix + afterSequence };
    const rows = await this.store.db.iterator({ ...range, lt: `${this.recordPrefix}\xff`, limit: bounded }).all();
    return rows.map(([, value]) => value as StoredStreamRecord);
  }

  async lastSequence(): Promise<string | undefined> {
    return (await this.meta).last;
  }

  nextAppend(): Promise<void> {
    return this.closed ? Promise.resolve() : this.appends.next();
  }

  onAppend(listener: (record: StoredStreamRecord) => void): () => void {
    return this.appends.listen(listener);
  }

  async loadCheckpoint(consumer: string): Promise<string | undefined> {
    return (await this.store.db.get(this.checkpointPrefix + consumer)) as string | undefined;
  }

  async saveCheckpoint(consumer: string, sequence: string): Promise<void> {
    await this.store.db.batch([{ type: 'put', key: this.checkpointPrefix + consumer, value: sequence }]);
    await this.trim();
  }

  trim(): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    this.trimming ??= this.trimOnce().finally(() => (this.trimming = undefined));
    return this.trimming;
  }

  private async trimOnce(): Promise<number> {
    const checkpoints = (await this.store.db.iterator({ gte: this.checkpointPrefix, lt: `${this.checkpointPrefix}\xff` }).all()).map(([, v]) => v as string);
    const passed = checkpoints.length === 0 ? undefined : checkpoints.reduce((a, b) => (a < b ? a : b));
    const expired = this.now() - STREAM_RETENTION_MS;
    const rows = await this.store.db.iterator({ gte: this.recordPrefix, lt: `${this.recordPrefix}\xff`, limit: TRIM_BATCH }).all();
    const doomed: string[] = [];
    for (const [key, value] of rows) {
      const record = value as StoredStreamRecord;
      if ((passed !== undefined && record.SequenceNumber <= passed) || record.createdAtMs < expired) doomed.push(key);
      else break;
    }
    if (doomed.length > 0) await this.store.db.batch(doomed.map((key) => ({ type: 'del' as const, key })));
    return doomed.length;
  }

  /** Stops appends and reads; wakes the waiting mappings. Awaits a trim in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.appends.wake();
    await this.trimming?.catch(() => undefined);
    await this.queue;
  }
}

/** A stream's appends as its readers wait for them: the next one (`next`), each one (`listen`). */
export class Appends {
  private waiters: (() => void)[] = [];
  private readonly listeners = new Set<(record: StoredStreamRecord) => void>();

  /** Resolves at the next append, or at `wake()`. */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Calls `listener` after each append; answers the function that removes it. */
  listen(listener: (record: StoredStreamRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the waiting readers and the listeners of an append. */
  tell(record: StoredStreamRecord): void {
    this.wake();
    for (const l of this.listeners) l(record);
  }

  /** Resolves every `next()` waiting (an append, or the stream's close). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Whether two items are the same (attribute order aside): an unchanged item writes no stream record. */
function sameItem(a: Item, b: Item): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------------
// The event source mapping
// ---------------------------------------------------------------------------------------------

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void | undefined | null>;

/** What an on-failure destination receives (AWS's shape, trimmed) plus the records themselves. */
export interface StreamMappingFailure {
  mapping: string;
  condition: 'RetryAttemptsExhausted';
  approximateInvokeCount: number;
  errorMessage: string;
  DDBStreamBatchInfo: {
    streamArn: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
  };
  records: DynamoDBRecord[];
}

export interface StreamMappingOptions {
  stream: LocalDynamoStream;
  /** The mapping's name: its checkpoint's key. Keep it stable across restarts. */
  id: string;
  handler: StreamHandler;
  /** Records per invocation, 1..MAX_BATCH_SIZE (default 100, as Lambda's). */
  batchSize?: number;
  /** Filter criteria patterns (JSON text or objects), OR'ed; at most MAX_FILTERS. None: every record. */
  filters?: readonly (string | EventPattern)[];
  /** Where a mapping without a checkpoint starts (default TRIM_HORIZON). */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Honour `batchItemFailures` in the handler's answer (default true: the relay's setting). */
  reportBatchItemFailures?: boolean;
  bisectBatchOnFunctionError?: boolean;
  /** Retries of a failing batch before it goes to `onFailure` (default 10; AWS's default -1, until the records expire, is not offered). */
  maximumRetryAttempts?: number;
  /** Backoff before retry k: min(base × 2^(k-1), max) ms (defaults 500 ms and 30 s). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** The on-failure destination. If it throws, the batch is retried (and sent again after the next attempts run out). */
  onFailure?: (failure: StreamMappingFailure) => void | Promise<void>;
  /** Failures of the mapping itself (reading the stream, saving the checkpoint); it retries with backoff. */
  onError?: (err: unknown) => void;
}

export interface StreamMapping {
  /** Resolves once every record committed before the call has been processed (or passed over); rejects if the mapping stops first. */
  drained(): Promise<void>;
  /** The last sequence number processed (checkpointed). */
  checkpoint(): string | undefined;
  /** Stops after the batch in progress (its checkpoint saved). */
  stop(): Promise<void>;
}

const toLambdaRecord = (stream: LocalDynamoStream, r: StoredStreamRecord): DynamoDBRecord => ({
  eventID: r.eventID,
  eventName: r.eventName,
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: stream.region,
  eventSourceARN: stream.arn,
  dynamodb: {
    ApproximateCreationDateTime: r.ApproximateCreationDateTime,
    Keys: r.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
    ...(r.NewImage ? { NewImage: r.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] } : {}),
    SequenceNumber: r.SequenceNumber,
    SizeBytes: r.SizeBytes,
    StreamViewType: 'NEW_IMAGE',
  },
});

/** Starts invoking `handler` with the stream's records, as Lambda's event source mapping does (see the top of this file). */
export function startStreamMapping(opts: StreamMappingOptions): StreamMapping {
  const { stream, id, handler } = opts;
  const batchSize = opts.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) throw new RangeError(`batchSize must be 1..${MAX_BATCH_SIZE}`);
  const filters = (opts.filters ?? []).map((f) => compilePattern(f));
  if (filters.length > MAX_FILTERS) throw new RangeError(`at most ${MAX_FILTERS} filters`);
  const maxRetries = opts.maximumRetryAttempts ?? 10;
  const base = opts.retryBaseDelayMs ?? 500;
  const maxDelay = opts.retryMaxDelayMs ?? 30_000;
  const reportFailures = opts.reportBatchItemFailures ?? true;

  let checkpoint: string | undefined;
  let stopped = false;
  let wakeStop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (wakeStop = resolve));
  const drainWaiters: { target: string | undefined; resolve: () => void; reject: (e: Error) => void }[] = [];

  const settleDrains = (): void => {
    for (let i = drainWaiters.length - 1; i >= 0; i--) {
      const w = drainWaiters[i]!;
      if (w.target === undefined || (checkpoint !== undefined && checkpoint >= w.target)) {
        drainWaiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      void stopSignal.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  const save = async (sequence: string): Promise<void> => {
    await stream.saveCheckpoint(id, sequence);
    checkpoint = sequence;
    settleDrains();
  };

  /** Invokes the handler; answers undefined on success, or the sequence number to retry from and why. */
  const invoke = async (records: StoredStreamRecord[]): Promise<{ from: string; error: string; thrown: boolean } | undefined> => {
    let answer: DynamoDBBatchResponse | void | undefined | null;
    try {
      answer = await handler({ Records: records.map((r) => toLambdaRecord(stream, r)) });
    } catch (e) {
      return { from: records[0]!.SequenceNumber, error: (e as Error)?.message ?? String(e), thrown: true };
    }
    const failures = reportFailures && answer && Array.isArray(answer.batchItemFailures) ? answer.batchItemFailures : [];
    if (failures.length === 0) return undefined;
    const sequences = new Set(records.map((r) => r.SequenceNumber));
    const ids = failures.map((f) => f?.itemIdentifier);
    if (ids.some((i) => typeof i !== 'string' || !sequences.has(i)))
      return { from: records[0]!.SequenceNumber, error: 'batchItemFailures names an item not in the batch', thrown: false };
    const first = ids.reduce((a, b) => (a < b ? a : b));
    return { from: first, error: `batch item failure from ${first}`, thrown: false };
  };

  const loop = async (): Promise<void> => {
    checkpoint = await stream.loadCheckpoint(id);
    if (checkpoint === undefined && opts.startingPosition === 'LATEST') {
      const last = await stream.lastSequence();
      if (last !== undefined) await save(last);
    }
    let attempts = 0;
    /** While retrying: the end of the batch that failed (retries hand over the same records). */
    let retryUntil: string | undefined;
    let bisectUntil: string | undefined;
    let errorStreak = 0;
    while (!stopped) {
      try {
        const appended = stream.nextAppend();
        const bound = bisectUntil ?? retryUntil;
        const raw = (await stream.read(checkpoint, batchSize)).filter((r) => bound === undefined || r.SequenceNumber <= bound);
        errorStreak = 0;
        if (raw.length === 0) {
          settleDrains();
          await Promise.race([appended, stopSignal]);
          continue;
        }
        const end = raw[raw.length - 1]!.SequenceNumber;
        const batch = raw.filter((r) => matchesAny(filters, toLambdaRecord(stream, r)));
        const failed = batch.length === 0 ? undefined : await invoke(batch);
        if (!failed) {
          await save(end);
          attempts = 0;
          retryUntil = undefined;
          bisectUntil = undefined;
          continue;
        }
        // Records before the first failed one are done.
        const done = raw.filter((r) => r.SequenceNumber < failed.from);
        if (done.length > 0) {
          await save(done[done.length - 1]!.SequenceNumber);
          attempts = 0;
        }
        retryUntil ??= end;
        const remaining = batch.filter((r) => r.SequenceNumber >= failed.from);
        if (failed.thrown && opts.bisectBatchOnFunctionError && remaining.length > 1) {
          bisectUntil = remaining[Math.ceil(remaining.length / 2) - 1]!.SequenceNumber;
          continue;
        }
        bisectUntil = undefined;
        attempts += 1;
        if (attempts > maxRetries) {
          const first = remaining[0]!;
          const last = remaining[remaining.length - 1]!;
          await opts.onFailure?.({
            mapping: id,
            condition: 'RetryAttemptsExhausted',
            approximateInvokeCount: attempts,
            errorMessage: failed.error,
            DDBStreamBatchInfo: {
              streamArn: stream.arn,
              startSequenceNumber: first.SequenceNumber,
              endSequenceNumber: last.SequenceNumber,
              approximateArrivalOfFirstRecord: new Date(first.createdAtMs).toISOString(),
              approximateArrivalOfLastRecord: new Date(last.createdAtMs).toISOString(),
              batchSize: remaining.length,
            },
            records: remaining.map((r) => toLambdaRecord(stream, r)),
          });
          await save(end);
          attempts = 0;
          retryUntil = undefined;
          continue;
        }
        await pause(Math.min(base * 2 ** (attempts - 1), maxDelay));
      } catch (e) {
        if (stopped || stream.closed) break;
        opts.onError?.(e);
        errorStreak += 1;
        await pause(Math.min(base * 2 ** Math.min(errorStreak - 1, 20), maxDelay));
      }
    }
  };

  const running = loop()
    .catch((e: unknown) => opts.onError?.(e))
    .finally(() => {
      stopped = true;
      for (const w of drainWaiters.splice(0)) w.reject(new Error(`stream mapping ${id} stopped`));
    });

  return {
    async drained() {
      const target = await stream.lastSequence();
      if (stopped) throw new Error(`stream mapping ${id} stopped`);
      if (target === undefined || (checkpoint !== undefined && checkpoint >= target)) return;
      await new Promise<void>((resolve, reject) => drainWaiters.push({ target, resolve, reject }));
    },
    checkpoint: () => checkpoint,
    async stop() {
      stopped = true;
      wakeStop();
      await running;
    },
  };
}
