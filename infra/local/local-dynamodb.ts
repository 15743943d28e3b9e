// DynamoDB for the embedded runtime and the integration tests: dynalite (the real DynamoDB wire
// protocol on LevelDB) and the tables of the data stack, built from the same key layout. dynalite
// refuses an item over 400 KB counted as AWS counts it (UTF-8), not as it counts it itself (UTF-16).
// Tables named in `streams` get DynamoDB Streams (dynamodb-streams.ts), which dynalite lacks.
import { createRequire } from 'node:module';
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CASES_TABLE, DIRECTORY_TABLE, EVENTS_TABLE, FEEDBACK_TABLE, ITEMS_TABLE, STATISTICS_TABLE, SUPERVISION_TABLE } from '../../shared/adapters/table-layout.ts';
import type { IndexLayout } from '../../shared/adapters/table-layout.ts';
import type { AttributeValueLike } from '../../shared/adapters/dynamo-item-size.ts';
import { ITEM_LIMIT_BYTES, attributeItemBytes } from '../../shared/adapters/dynamo-item-size.ts';
import type { LocalDynamoStream, LocalStream, StoredStreamRecord, StreamsHook } from './dynamodb-streams.ts';
import { Appends, STREAMS_OPTION, hookDynaliteStreams } from './dynamodb-streams.ts';
import type { DynaliteThreadInput, DynaliteThreadValue, REMOTE_STREAM_METHODS } from './local-dynamodb-thread.ts';
import type { StandInThread } from './stand-in-thread.ts';
import { startStandInThread } from './stand-in-thread.ts';

export const LOCAL_TABLES = {
  items: 'tongban-local-items',
  directory: 'tongban-local-directory',
  cases: 'tongban-local-cases',
  events: 'tongban-local-events',
  supervision: 'tongban-local-supervision',
  statistics: 'tongban-local-statistics',
  feedback: 'tongban-local-feedback',
  stepFunctions: 'tongban-local-stepfunctions',
  eventBridge: 'tongban-local-eventbridge',
} as const;

/**
 * The executions of the local Step Functions stand-in (infra/local/stepfunctions-server.ts): one
 * item per execution, keyed by its ARN. Local only: on AWS, Step Functions keeps its executions itself.
 */
export const STEP_FUNCTIONS_TABLE = { partitionKey: 'executionArn' } as const;

/**
 * The local EventBridge stand-in's log and rule checkpoints (infra/local/eventbridge-server.ts):
 * `BUS#<bus>` / `<sequence>` per accepted event, `RULE#<bus>#<rule>` / `CHECKPOINT`. Local only.
 */
export const EVENTBRIDGE_TABLE = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * Creates the tables the CDK data stack defines (same keys and indexes), if they are missing. The
 * cases table is created when `names.cases` is given (LOCAL_TABLES gives it), the events table
 * when `names.events` is (so does LOCAL_TABLES; dynalite keeps no TTL: expired items stay), the supervision,
 * statistics and feedback tables when `names.supervision`, `names.statistics` and `names.feedback` are (LOCAL_TABLES gives them), the local Step
 * Functions executions table when `names.stepFunctions` is given (LOCAL_TABLES gives it too), the
 * local EventBridge's log when `names.eventBridge` is given (LOCAL_TABLES gives it too). Answers
 * the indexes a table made earlier lacks (`<table>/<index>`): dynalite cannot add an index to a table.
 */
export async function ensureTables(
  client: DynamoDBClient,
  names: {
    items: string;
    directory: string;
    cases?: string;
    events?: string;
    supervision?: string;
    statistics?: string;
    feedback?: string;
    stepFunctions?: string;
    eventBridge?: string;
  },
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
    ...(names.supervision !== undefined ? [withIndexes(names.supervision, SUPERVISION_TABLE)] : []),
    ...(names.statistics !== undefined ? [withIndexes(names.statistics, STATISTICS_TABLE)] : []),
    ...(names.feedback !== undefined ? [withIndexes(names.feedback, FEEDBACK_TABLE)] : []),
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
    ...(names.eventBridge !== undefined
      ? [
          {
            TableName: names.eventBridge,
            BillingMode: 'PAY_PER_REQUEST' as const,
            KeySchema: [
              { AttributeName: EVENTBRIDGE_TABLE.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: EVENTBRIDGE_TABLE.sortKey, KeyType: 'RANGE' as const },
            ],
            AttributeDefinitions: [
              { AttributeName: EVENTBRIDGE_TABLE.partitionKey, AttributeType: 'S' as const },
              { AttributeName: EVENTBRIDGE_TABLE.sortKey, AttributeType: 'S' as const },
            ],
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
      await untilActive(client, table.TableName!);
    }
  }
  return missing;
}

/**
 * Waits until dynalite reports a new table ACTIVE. It answers CreateTable with the table CREATING and
 * marks it ACTIVE a timer tick and a LevelDB write later (createTableMs 0); a write sent at once may
 * come first and be refused (ResourceNotFoundException). Bounded: 200 DescribeTable calls.
 */
export async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`table ${tableName} not ACTIVE after 200 checks`);
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
    ...(indexes.length === 0
      ? {}
      : {
          GlobalSecondaryIndexes: indexes.map((ix) => ({
            IndexName: ix.name,
            KeySchema: [
              { AttributeName: ix.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: ix.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: ix.projection === 'keys-only' ? ('KEYS_ONLY' as const) : ('ALL' as const) },
          })),
        }),
  };
}

export interface DynaliteOptions {
  /** Tables whose item writes produce DynamoDB Streams records (NEW_IMAGE), read through `streams`. */
  streams?: readonly string[];
  /** Region and account of the streams' ARNs (defaults: AWS_REGION or cn-north-1, and 000000000000). */
  region?: string;
  account?: string;
}

export interface LocalDynalite {
  endpoint: string;
  /** The streams of the tables named in `options.streams` (by table name). */
  streams: ReadonlyMap<string, LocalDynamoStream>;
  /** Closes the streams (waiting for writes in progress), then the server and its LevelDB. Stop the stream mappings first. */
  close: () => Promise<void>;
}

/** dynalite on a free port; persisted under `path`, or in memory without one. */
export async function startDynalite(path: string | undefined, host = '127.0.0.1', options: DynaliteOptions = {}): Promise<LocalDynalite> {
  if (path) await mkdir(path, { recursive: true });
  countItemSizesAsAws();
  closeQueryIterators();
  hookDynaliteStreams();
  let streams = new Map<string, LocalStream>();
  const hook: StreamsHook = {
    tables: options.streams ?? [],
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    account: options.account ?? '000000000000',
    opened: (opened) => (streams = opened),
  };
  const server: Server = dynalite({
    ...(path ? { path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    maxItemSizeKb: ITEM_LIMIT_BYTES / 1024,
    ...(hook.tables.length > 0 ? { [STREAMS_OPTION]: hook } : {}),
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, host, () => res());
  });
  for (const stream of streams.values()) {
    await stream.ready();
    await stream.trim();
  }
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    streams,
    close: async () => {
      for (const stream of streams.values()) await stream.close();
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections?.();
      });
    },
  };
}

/**
 * startDynalite in a worker thread of its own (stand-in-thread.ts), off the caller's event loop: the
 * same endpoint, and streams whose reads and checkpoints are made in that thread (`path` as startDynalite's).
 * The embedded platform runs it so; the integration tests call startDynalite in their own thread.
 */
export async function startDynaliteThread(path: string | undefined, host = '127.0.0.1', options: DynaliteOptions = {}): Promise<LocalDynalite> {
  const input: DynaliteThreadInput = { path, host, options };
  const thread = await startStandInThread<DynaliteThreadValue>(new URL('./local-dynamodb-thread.ts', import.meta.url), input);
  const streams = new Map(thread.value.streams.map((s) => [s.tableName, new ThreadStream(s, thread)]));
  thread.on('append', (payload) => {
    const { table, record } = payload as { table: string; record: StoredStreamRecord };
    streams.get(table)?.appended(record);
  });
  return {
    endpoint: thread.value.endpoint,
    streams,
    close: async () => {
      for (const stream of streams.values()) stream.close();
      await thread.close();
    },
  };
}

/** A table's stream in dynalite's thread, as the platform's mappings read it: calls across, appends told back. */
class ThreadStream implements LocalDynamoStream {
  readonly tableName: string;
  readonly arn: string;
  readonly region: string;
  closed = false;
  private readonly appends = new Appends();

  constructor(
    described: DynaliteThreadValue['streams'][number],
    private readonly thread: StandInThread<DynaliteThreadValue>,
  ) {
    ({ tableName: this.tableName, arn: this.arn, region: this.region } = described);
  }

  private remote<T>(method: (typeof REMOTE_STREAM_METHODS)[number], ...args: unknown[]): Promise<T> {
    return this.thread.call<T>('stream', this.tableName, method, args);
  }

  read(afterSequence: string | undefined, limit: number): Promise<StoredStreamRecord[]> {
    return this.remote('read', afterSequence, limit);
  }

  lastSequence(): Promise<string | undefined> {
    return this.remote('lastSequence');
  }

  loadCheckpoint(consumer: string): Promise<string | undefined> {
    return this.remote('loadCheckpoint', consumer);
  }

  saveCheckpoint(consumer: string, sequence: string): Promise<void> {
    return this.remote('saveCheckpoint', consumer, sequence);
  }

  trim(): Promise<number> {
    return this.closed ? Promise.resolve(0) : this.remote('trim');
  }

  nextAppend(): Promise<void> {
    return this.closed ? Promise.resolve() : this.appends.next();
  }

  onAppend(listener: (record: StoredStreamRecord) => void): () => void {
    return this.appends.listen(listener);
  }

  /** An append in the thread (told in commit order, after the write). */
  appended(record: StoredStreamRecord): void {
    this.appends.tell(record);
  }

  close(): void {
    this.closed = true;
    this.appends.wake();
  }
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

/** A LevelDB iterator (abstract-level 3), as dynalite's value streams hold one. */
interface LevelIterator {
  close(): Promise<void>;
}

/** dynalite's db module, as its Query and Scan actions and its server call it. */
interface DynaliteQueryModule {
  create: (options: Record<string, unknown>) => { db: { values: (options: unknown) => LevelIterator } };
  queryTable: (...args: unknown[]) => unknown;
}

let closingIterators = false;

/**
 * Makes dynalite close the LevelDB iterator of each Query and Scan once it has answered. It reads
 * them through a stream over `db.values()` that it stops reading at the page's end (Limit, 1 MB)
 * and then "destroys" with `iterator.return()`, which abstract-level 3 iterators do not have: each
 * such query left its iterator open, and every open iterator pins a LevelDB snapshot — memory (the
 * memtables and tables it holds) grew with every query, without bound. Here the iterators a
 * queryTable call opens (synchronously, as it starts) are closed after its callback. Once per process.
 */
function closeQueryIterators(): void {
  if (closingIterators) return;
  const db = requireHere('dynalite/db') as DynaliteQueryModule;
  let opening: LevelIterator[] | undefined;
  const create = db.create;
  db.create = (options) => {
    const store = create(options);
    const values = store.db.values.bind(store.db);
    store.db.values = (o) => {
      const iterator = values(o);
      opening?.push(iterator);
      return iterator;
    };
    return store;
  };
  const queryTable = db.queryTable;
  db.queryTable = (...args) => {
    const opened: LevelIterator[] = [];
    const cb = args[7] as (...result: unknown[]) => void;
    let answered = false;
    const closing = (...result: unknown[]) => {
      if (!answered) {
        answered = true;
        for (const iterator of opened) void iterator.close().catch(() => undefined);
      }
      cb(...result);
    };
    opening = opened;
    try {
      return queryTable(...args.slice(0, 7), closing);
    } finally {
      opening = undefined;
    }
  };
  closingIterators = true;
}
