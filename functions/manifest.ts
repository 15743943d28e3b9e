// What a Lambda function is, said once, beside its handler: what starts it, what it may do to each
// table, bucket area, key, state machine and other function, its environment and its limits. Each
// `functions/<name>/manifest.ts` declares one; the CDK app (infra/constructs/tongban-function.ts)
// builds the function and its role from it, and the embedded platform (infra/local/platform.ts)
// runs its handler from it. No AWS or CDK imports here: a manifest is data.
//
// Every grant says which adapter call needs it: a function holds what its adapters call, nothing
// more. The grants-match test (test/infra/function-manifests.test.ts) checks that each synthesised
// role holds exactly what its manifest says.
import { ITEMS_TABLE } from '../shared/adapters/table-layout.ts';
import { CASE_EVENT_BUS_SOURCE, PLATFORM_EVENT_BUS_SOURCES } from '../shared/contracts/event-bus-sources.ts';
import type { FunctionName } from '../shared/contracts/routes.ts';
import type { TicketKind } from '../shared/contracts/tickets.ts';
import type { CalendarSource } from '../shared/domain/calendar/calendar-source.ts';
import type { RuleSource } from '../shared/domain/supervision/rule-source.ts';
import type { ApiHandler } from './http/api-handler.ts';

/** The tables a function may be granted (shared/adapters/table-layout.ts), by the names the manifests use. */
export type TableName = 'items' | 'directory' | 'cases' | 'events' | 'supervision' | 'statistics' | 'feedback';

/** A function's grant on one table: item actions on the table itself, and the indexes it queries. */
export interface TableGrant<A extends string = TableAction> {
  actions: readonly A[];
  /** Indexes (their names in table-layout.ts) the function queries: dynamodb:Query on each, nothing else. */
  indexes?: readonly string[];
}

/**
 * The table actions a manifest may grant. Versions and history entries are immutable and never
 * deleted, so no function may hold UpdateItem (which could rewrite one in place), DeleteItem,
 * BatchWriteItem (which can delete), Scan, or the batch and transaction reads no adapter uses.
 */
export type TableAction = 'dynamodb:GetItem' | 'dynamodb:Query' | 'dynamodb:PutItem';

/**
 * The events table (routed events, deliveries) is no record: a delivery moves from pending to
 * delivered or parked by a put and a delete (no transactions: dynalite has none), a removed
 * subscription's deliveries are dropped. DeleteItem there, and on no other table.
 */
export type EventsTableAction = TableAction | 'dynamodb:DeleteItem';

/**
 * The statistics table holds derived data (kept from the case events, recomputable from the case
 * records): its keeper replaces and deletes its own work items.
 */
export type StatisticsTableAction = TableAction | 'dynamodb:DeleteItem';

/** A function's grants on the tables: DeleteItem is allowed on the events and statistics tables alone (the types say so). */
export type TableGrants = Partial<Record<Exclude<TableName, 'events' | 'statistics'>, TableGrant>> & {
  events?: TableGrant<EventsTableAction>;
  statistics?: TableGrant<StatisticsTableAction>;
};

/** The areas of the materials bucket (shared/adapters/bucket-layout.ts). */
export type MaterialsArea = 'uploads' | 'cases';
export type MaterialsAction = 's3:PutObject' | 's3:GetObject' | 's3:ListBucket' | 's3:DeleteObject';

/** A function's grant on one area of the materials bucket, and why it must end in a wildcard (its cdk-nag acknowledgement). */
export interface MaterialsGrant {
  actions: readonly MaterialsAction[];
  wildcardReason: string;
}

/**
 * Operated reference data, each kept as versions in a partition of the items table of its own: a
 * manifest grants each by its key here, on that partition alone (dynamodb:LeadingKeys).
 */
export const REFERENCE_PARTITIONS = {
  /** The official holiday arrangements. */
  calendar: ITEMS_TABLE.calendarPartition,
  /** The supervision rule catalogue. */
  supervisionRules: ITEMS_TABLE.supervisionRulesPartition,
} as const;
export type ReferenceData = keyof typeof REFERENCE_PARTITIONS;
/** What a function may do with operated reference data: read its versions, store a new one. */
export type ReferenceAction = 'dynamodb:Query' | 'dynamodb:PutItem';
/** What a function may do with the official holiday arrangements (the items table's `CALENDAR` partition alone). */
export type CalendarAction = ReferenceAction;
/** What a function may do with the joint-handling state machine. */
export type JointAction = 'states:StartExecution' | 'states:SendTaskSuccess';
/** What a function may do with a seal key. Nobody holds kms:Verify: seals are verified offline. */
export type SealKeyAction = 'kms:Sign' | 'kms:GetPublicKey';
/** The areas of the archive bucket: the case bundles, the anchor journals (shared/domain/anchors), the sealed monthly statistics (shared/domain/statistics). */
export type ArchiveArea = 'bundles' | 'anchors' | 'statistics';
/**
 * What a function may do in the e-archive: on the archive bucket, under each of its areas (and why
 * that grant must end in a wildcard: its cdk-nag acknowledgement), and with its key through S3.
 */
export interface ArchiveGrant {
  bucket: readonly string[];
  areas: Partial<Record<ArchiveArea, { actions: readonly string[]; wildcardReason: string }>>;
  key: readonly string[];
}

/** What a `stream` trigger hands its function: inserted items whose sort key starts so, and (`head`) every write of the item with that sort key. */
export interface StreamFilter {
  eventName: 'INSERT';
  sortKeyPrefix: string;
  head?: string;
}

/**
 * The filter criteria patterns of a `stream` trigger (Lambda's event filtering syntax; a record passes
 * when one of them matches): the CDK app puts them on the event source mapping, the embedded
 * platform's mapping applies the same.
 */
export function streamFilterPatterns(filter: StreamFilter) {
  return [
    { eventName: [filter.eventName], dynamodb: { Keys: { sk: { S: [{ prefix: filter.sortKeyPrefix }] } } } },
    ...(filter.head !== undefined ? [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: [filter.head] } } } }] : []),
  ];
}

/** What a function may do on the platform's case event bus (the relay publishes to it). */
export type BusAction = 'events:PutEvents';
/** The variable that gives a function with a `bus` grant the case event bus's name. */
export const CASE_EVENT_BUS_VARIABLE = 'CASE_EVENT_BUS_NAME';

/** What every handler is built with when it runs in the embedded platform: its clock, and the process's one calendar and supervision rules. */
export interface HandlerOptions {
  now?: () => Date;
  calendar: CalendarSource & { invalidate?: () => void; healthy?: () => boolean };
  rules?: RuleSource & { invalidate?: () => void };
}

/** A handler the embedded platform runs in process: given the event Lambda would give it. */
export type EventHandler = (event: never) => Promise<unknown>;

/**
 * What starts the function:
 * - `api`: API Gateway, for the routes whose `function` is this one (shared/contracts/routes.ts);
 * - `schedule`: an EventBridge schedule, every `everyMinutes` (absent: the deployment's `sweepIntervalMinutes`);
 *   a run never outlasts its interval;
 * - `state-machine`: the joint-handling state machine, for each of its Lambda steps;
 * - `invoked`: other functions, by name (`variable` gives it to them), synchronously or not;
 *   `invokers` are the only functions that may;
 * - `stream`: a table's DynamoDB stream (NEW_IMAGE), through an event source mapping handing over only
 *   the records `filter` admits, in order, a batch at a time (ReportBatchItemFailures; after its
 *   retries a batch goes to the function's dead-letter queue).
 * - `queue`: an SQS queue (event source mapping, ReportBatchItemFailures; a record received
 *   `maxReceives` times goes to its dead-letter queue), fed by a rule on the platform's event bus (the
 *   events its `feed` says) and by a schedule putting `{"tick":true}` on it every `tickMinutes`.
 */
export type Trigger =
  | { kind: 'api' }
  | { kind: 'schedule'; everyMinutes?: number }
  | { kind: 'state-machine' }
  | { kind: 'invoked'; invokers: readonly string[]; variable: string; invocation: 'RequestResponse' | 'Event' }
  | { kind: 'stream'; table: StreamTable; filter: StreamFilter }
  | { kind: 'queue'; feed: QueueFeed; tickMinutes: number; maxReceives: number };

/** The tables with a stream (NEW_IMAGE): their history entries are the outbox of the platform's events. */
export type StreamTable = 'cases' | 'feedback';
/** The tables with a stream, as a list (the CDK app and the embedded DynamoDB give these a stream). */
export const STREAM_TABLES: readonly StreamTable[] = ['cases', 'feedback'];

/**
 * What a `queue` function's rule on the bus takes: `case-events` the case events alone (source
 * tongban.cases: the statistics and the watch count cases); `platform-events` every event the platform
 * publishes, the evaluations' and tickets' too (tongban.cases, tongban.feedback: the deliveries).
 */
export type QueueFeed = 'case-events' | 'platform-events';

/** The bus sources a feed's rule takes (the CDK app's rule and the embedded bus's match the same). */
export function queueFeedSources(feed: QueueFeed): readonly string[] {
  return feed === 'case-events' ? [CASE_EVENT_BUS_SOURCE] : PLATFORM_EVENT_BUS_SOURCES;
}

/**
 * An alarm on the function (named `tongban-<stage>-<id in kebab case, without "Alarm">`): on its
 * errors, on events in its dead-letter queue, or on a metric its handler publishes (namespace
 * Tongban, dimension service=tongban). Without `below`, it fires on any occurrence (one datapoint
 * above zero); with it, on a value under it.
 */
export interface AlarmSpec {
  id: string;
  watch: 'errors' | 'dead-letters' | { metric: string; statistic: 'Maximum' | 'Minimum'; below?: number };
  description: string;
}

interface ManifestBase<N extends string> {
  name: N;
  /** What it does, for the function's description (after `Tongban <stage>: `). */
  description: string;
  trigger: Trigger;
  tables?: TableGrants;
  /** Holiday arrangements: every function that counts working days reads them. */
  calendar?: readonly CalendarAction[];
  /** The supervision rule catalogue: the functions that evaluate the rules read it. */
  supervisionRules?: readonly ReferenceAction[];
  materials?: {
    areas: Partial<Record<MaterialsArea, MaterialsGrant>>;
    /**
     * s3:ListBucket on the whole bucket instead of under its areas: for a function that tells a
     * missing object from a refused one by S3's 404 (which needs ListBucket on the bucket).
     */
    listAnywhere?: true;
    /** It presigns uploads: it gets the largest upload allowed (MATERIALS_MAX_BYTES). */
    presignsUploads?: true;
  };
  archive?: ArchiveGrant;
  joint?: readonly JointAction[];
  sealKeys?: readonly SealKeyAction[];
  archiveSealKey?: readonly SealKeyAction[];
  /** What it may do on the case event bus (CASE_EVENT_BUS_NAME). */
  bus?: readonly BusAction[];
  /** Functions it invokes (each an `invoked` function that lists this one among its invokers). */
  invokes?: readonly string[];
  /** Why each public route it serves needs no authorisation: what it reads and returns (its cdk-nag acknowledgement). */
  publicRoutes?: Readonly<Record<string, string>>;
  /** Environment from the deployment's configuration (unset settings: the function's own defaults). */
  environment?: (config: {
    deemedAcceptanceDays?: number | undefined;
    rectificationDays?: number | undefined;
    ticketAnswerDays?: Partial<Record<TicketKind, number | undefined>> | undefined;
  }) => Record<string, string>;
  /** Its alarms, by the name the stack gives them (`sweep.alarms.failures`). */
  alarms?: Readonly<Record<string, AlarmSpec>>;
  limits: {
    /** The longest one run may take (a scheduled function's is also capped at its interval). */
    timeoutSeconds: number;
    /** Default 512. */
    memoryMb?: number;
    /** Runs at a time (one for the sweep). */
    reservedConcurrency?: number;
    /**
     * Asynchronous invocations (a schedule's, an `Event` invocation's) and a stream's batches: how often
     * a failed run is retried and how long its event (a stream record) is kept, before it goes to the
     * function's dead-letter queue.
     */
    retryAttempts?: number;
    maxEventAgeHours?: number;
  };
}

export interface ApiFunctionManifest<N extends FunctionName = FunctionName> extends ManifestBase<N> {
  trigger: { kind: 'api' };
  /** The handler, for the embedded platform (imported only when it runs: handlers build their clients from the environment). */
  load: () => Promise<(options: HandlerOptions) => ApiHandler>;
}

export interface EventFunctionManifest<N extends string = string> extends ManifestBase<N> {
  trigger: Exclude<Trigger, { kind: 'api' }>;
  load: () => Promise<(options: HandlerOptions) => EventHandler>;
}

export type FunctionManifest = ApiFunctionManifest | EventFunctionManifest;
