// The embedded deployment: DynamoDB (dynalite) and S3 (s3rver), each in a worker thread of its own,
// KMS (the local signer) and Step Functions (aws-local-stepfunctions running the joint-handling
// definition the CDK app synthesises) and Lambda (the Invoke API, for the sealing and archive
// functions) in this process, all persisting under one data directory, the same Lambda handlers behind a local API
// Gateway, and sample data on first start. Joint-handling executions still running when the platform
// stopped are run again from their start when it starts (every step is idempotent). The handlers find the local services through the
// standard AWS_ENDPOINT_URL_<SERVICE> variables, exactly as they would find any other endpoint.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LocalCredentials } from '../../shared/contracts/local-credentials.ts';
import { LocalCredentialsSchema } from '../../shared/contracts/local-credentials.ts';
import type { FunctionName } from '../../shared/contracts/routes.ts';
import type { LambdaName, ScheduledName, ScheduledRun } from '../../functions/manifests.ts';
import { MANIFESTS, manifestsTriggeredBy } from '../../functions/manifests.ts';
import type { EventHandler, HandlerOptions } from '../../functions/manifest.ts';
import { STREAM_TABLES, queueFeedSources } from '../../functions/manifest.ts';
import { FUNCTION_NAMES } from '../function-access.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { DynamoCalendarStore } from '../../shared/adapters/dynamo-calendar-store.ts';
import { DynamoRuleCatalogueStore } from '../../shared/adapters/dynamo-rule-catalogue-store.ts';
import { StoredCalendar } from '../../shared/domain/calendar/calendar-source.ts';
import { CalendarService } from '../../shared/domain/calendar/calendar-service.ts';
import { SHIPPED_CALENDAR_YEARS } from '../../shared/domain/calendar/official-calendar.ts';
import { StoredRules } from '../../shared/domain/supervision/rule-source.ts';
import type { ApiHandler } from '../../functions/http/api-handler.ts';
import { LOCAL_ACCOUNT, startApiGateway } from './api-gateway.ts';
import { CONSOLE_PATH, consoleSite } from './console-site.ts';
import type { RunningFederatedSignIn } from './federated-sign-in.ts';
import { startFederatedSignIn } from './federated-sign-in.ts';
import { consoleDist } from '../console-build.ts';
import type { LocalFunction } from './lambda-server.ts';
import { startLocalKms } from './kms-server.ts';
import { LOCAL_TABLES, ensureTables, startDynaliteThread } from './local-dynamodb.ts';
import type { S3Identity } from './local-s3.ts';
import { startS3Thread } from './local-s3.ts';
import { allowConsoleOrigins, gatewayOrigins } from './console-cors.ts';
import { ARCHIVE_BROWSER_CORS, MATERIALS_BROWSER_CORS } from '../../shared/adapters/bucket-layout.ts';
import { ARCHIVE_ANCHORS_PREFIX, ARCHIVE_AUDITOR_ACCESS, ARCHIVE_BUNDLES_PREFIX, ARCHIVE_STATISTICS_PREFIX } from '../archive-access.ts';
import type { LocalStepFunctions } from './stepfunctions-server.ts';
import { partitionOf, startLocalStepFunctions } from './stepfunctions-server.ts';
import { JOINT_DEFINITION_FILE, definitionFingerprint, definitionRecord, keptDefinition } from './joint-definition-cache.ts';
import { seedDirectory, seedPlatform } from './seed.ts';
import { startCaseEventPlumbing } from './case-event-plumbing.ts';
import type { EventBridgeRule, LocalEventBridge } from './eventbridge-server.ts';
import { startLocalLambda } from './lambda-server.ts';
import type { LocalSealKeySpec } from './seal-keys.ts';
import { ensureArchiveKey, ensureSealKeys } from './seal-keys.ts';
import { PRINCIPALS } from './seed-data.ts';
import type { LocalCredential } from './sigv4-verifier.ts';
import { SigV4Verifier } from './sigv4-verifier.ts';

export const DEFAULT_PORT = 3000;
export const DEFAULT_REGION = 'cn-north-1';
export const LOCAL_MATERIALS_BUCKET = 'tongban-local-materials';
/** The archive bucket (s3rver has no Object Lock: bundles are not write-protected embedded). */
export const LOCAL_ARCHIVE_BUCKET = 'tongban-local-archive';
/** The joint-handling state machine as the embedded platform names it (the CDK app: tongban-<stage>-joint-handling). */
export const LOCAL_JOINT_STATE_MACHINE = 'tongban-local-joint-handling';
/** The sealing function as the embedded platform names it (the cases function and the sweep invoke it). */
export const LOCAL_SEALING_FUNCTION = localFunctionName('sealing');
/** The archive function as the embedded platform names it. */
export const LOCAL_ARCHIVE_FUNCTION = localFunctionName('archive');

export interface PlatformOptions {
  dataDir: string;
  port?: number;
  host?: string;
  region?: string;
  /** The platform clock (default: the system clock); signatures are always checked against real time. */
  now?: () => Date;
  /**
   * How often each scheduled function (the case sweep, the anchoring, the statistics publication) runs,
   * in milliseconds: one interval for all, or each its own by name (those not named: the default); each
   * also runs once at start. 0 turns a timer off (tests then call `scheduled.<name>()`). Default 60 s.
   */
  scheduleIntervalMs?: number | Partial<Record<ScheduledName, number>>;
  /** How often the deliveries function makes the webhook retries that are due, in milliseconds; 0: only `caseEvents.deliver()`. Default 5 s. */
  deliveryIntervalMs?: number;
  /** The departments' seal keys: ECC_NIST_P256 (ES256, the default) or SM2 (SM2-SM3, as in the China regions). */
  sealKeySpec?: LocalSealKeySpec;
  /**
   * Functions run instead of this process's own handlers, by name: each is given the event its
   * handler would be given (an API Gateway proxy event, a joint-handling step, `{ caseNo }`, the
   * schedule's event) and answers what the handler would. The bundle test runs the Lambda bundles the
   * CDK app deploys this way, each in a Node process of its own.
   */
  functions?: Partial<Record<LambdaName, LocalFunction>>;
  /**
   * How the console signs people in: `local` (the default), a principal's officer picked from the key
   * pairs; `oidc`, through the stand-ins of the government's identity provider and STS
   * (federated-sign-in.ts), as on AWS.
   */
  signIn?: 'local' | 'oidc';
  /**
   * What the bench's cost meter (test/bench/cost.ts) watches: `endpoint` is given each stand-in's
   * endpoint before the functions are told it and answers the one they are to use instead (a counting
   * proxy in front of it: every request a function or a presigned URL sends then passes there);
   * `invoked` is told each run of every function, whatever starts it, with its handler's time.
   */
  observe?: PlatformObserver;
}

/** The AWS services whose stand-ins the functions reach through AWS_ENDPOINT_URL_<SERVICE>. */
export type StandInService = 'dynamodb' | 's3' | 'kms' | 'sfn' | 'lambda' | 'eventbridge';

export interface PlatformObserver {
  endpoint(service: StandInService, url: string): Promise<string>;
  invoked(name: LambdaName, ms: number): void;
}

export const DEFAULT_SCHEDULE_INTERVAL_MS = 60_000;
/** How often the embedded deliveries function's tick (the retries due) runs; on AWS, every minute. */
export const DEFAULT_DELIVERY_INTERVAL_MS = 5_000;
/** How far behind now the embedded anchoring's journals end (ANCHOR_LAG_SECONDS overrides). */
export const EMBEDDED_ANCHOR_LAG_SECONDS = 5;

/**
 * The embedded functions' own key pair, in the data directory beside credentials.json but not in it:
 * it is no principal's, and opens every bucket (on AWS, the functions' roles have their credentials
 * from Lambda). Made on the first start, kept so that upload slots presigned before a restart still work.
 */
export const RUNTIME_CREDENTIALS_FILE = 'runtime-credentials.json';

export interface RuntimeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type CredentialsFile = LocalCredentials;

export interface RunningPlatform {
  endpoint: string;
  port: number;
  credentialsPath: string;
  credentials: CredentialsFile;
  seeded: boolean;
  /** The Step Functions stand-in (tests and the benchmark await executions and task tokens through it). */
  stepFunctions: LocalStepFunctions;
  /** The joint-handling state machine's ARN. */
  jointStateMachineArn: string;
  region: string;
  /** The local stand-ins' endpoints, as AWS_ENDPOINT_URL_<SERVICE> gives them to the handlers. */
  services: { dynamodb: string; s3: string; kms: string; sfn: string; lambda: string; eventbridge: string };
  /** The functions' own key pair (every S3 action), as the handlers have it (AWS_ACCESS_KEY_ID…). */
  runtimeCredentials: RuntimeCredentials;
  /**
   * The case events: `drained()` resolves once every history entry written before the call has been
   * relayed to the bus and dispatched by its rules (tests await it instead of sleeping); the bus itself
   * (its endpoint, a replay); `deliver()` runs the deliveries function's tick now (the retries due).
   */
  caseEvents: { drained(): Promise<void>; bus: LocalEventBridge; deliver(): Promise<void> };
  /** Runs a scheduled function now, by name (waiting for a run its timer started, if one is under way): `scheduled.sweep()`. */
  scheduled: ScheduledRuns;
  close(): Promise<void>;
}

export async function startPlatform(opts: PlatformOptions): Promise<RunningPlatform> {
  const dataDir = resolve(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const region = opts.region ?? DEFAULT_REGION;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const closers: (() => Promise<void>)[] = [await lockDataDir(dataDir)];
  try {
    // The principals' keys (new ones on a first start) and the functions' own: the S3 endpoint checks
    // every request's signature and gives each key pair what its identity may do on AWS.
    const credentialsPath = join(dataDir, 'credentials.json');
    const existing = await readCredentials(credentialsPath);
    const keys = existing ?? newKeys();
    const runtime = await runtimeCredentials(join(dataDir, RUNTIME_CREDENTIALS_FILE));
    const seen = (service: StandInService, url: string) => opts.observe?.endpoint(service, url) ?? Promise.resolve(url);
    const [dynamo, s3, kms] = await Promise.all([
      // The cases and feedback tables' streams: the outboxes the relays read (infra/local/case-event-plumbing.ts).
      // dynalite and s3rver in worker threads of their own, off the handlers' event loop (stand-in-thread.ts).
      startDynaliteThread(join(dataDir, 'dynamodb'), host, { streams: STREAM_TABLES.map((t) => LOCAL_TABLES[t]), region, account: LOCAL_ACCOUNT }),
      startS3Thread(join(dataDir, 's3'), host, [LOCAL_MATERIALS_BUCKET, LOCAL_ARCHIVE_BUCKET], { region, identities: s3Identities(runtime, keys) }),
      startLocalKms({ dataDir: join(dataDir, 'kms'), host }),
    ]);
    closers.push(
      () => dynamo.close(),
      () => s3.close(),
      () => kms.close(),
    );
    const endpoints = { dynamodb: await seen('dynamodb', dynamo.endpoint), s3: await seen('s3', s3.endpoint), kms: await seen('kms', kms.endpoint) };

    Object.assign(process.env, {
      AWS_REGION: region,
      // The embedded functions' own identity towards the stand-ins: every S3 action (as their roles,
      // together, have on AWS); dynalite and the KMS signer accept any key.
      AWS_ACCESS_KEY_ID: runtime.accessKeyId,
      AWS_SECRET_ACCESS_KEY: runtime.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_KMS: endpoints.kms,
      ITEMS_TABLE: LOCAL_TABLES.items,
      DIRECTORY_TABLE: LOCAL_TABLES.directory,
      CASES_TABLE: LOCAL_TABLES.cases,
      EVENTS_TABLE: LOCAL_TABLES.events,
      SUPERVISION_TABLE: LOCAL_TABLES.supervision,
      STATISTICS_TABLE: LOCAL_TABLES.statistics,
      FEEDBACK_TABLE: LOCAL_TABLES.feedback,
      // Webhook receivers on this machine (http://127.0.0.1, localhost) are allowed embedded; on AWS, HTTPS only.
      WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
      MATERIALS_BUCKET: LOCAL_MATERIALS_BUCKET,
      ARCHIVE_BUCKET: LOCAL_ARCHIVE_BUCKET,
      // Embedded, a head is written within milliseconds of its change time (no function runs 15
      // minutes), so a journal's window ends a few seconds behind now, not 16 minutes (the default).
      ANCHOR_LAG_SECONDS: process.env.ANCHOR_LAG_SECONDS ?? String(EMBEDDED_ANCHOR_LAG_SECONDS),
      // s3rver serves buckets by path, not by host name.
      S3_FORCE_PATH_STYLE: 'true',
      POWERTOOLS_SERVICE_NAME: 'tongban',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;

    const raw = new DynamoDBClient({ region, endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    closers.push(async () => raw.destroy());
    const missingIndexes = await ensureTables(raw, LOCAL_TABLES);
    // A data directory made before an index existed keeps its tables as they were (dynalite adds no index).
    if (missingIndexes.length > 0) {
      console.warn(
        `${dataDir} was made before the indexes ${missingIndexes.join(', ')}: what reads them fails (the anchoring's journals: ${LOCAL_TABLES.cases}/anchorQueue); start with a new data directory (TONGBAN_DATA_DIR) to have them`,
      );
    }
    const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

    const directory = new DynamoDirectory(db, LOCAL_TABLES.directory);
    const store = new DynamoItemStore(db, LOCAL_TABLES.items);
    // Seeding is idempotent and the credentials file is written last: a start that was cut off
    // half-way finishes the seed next time instead of leaving half a catalogue.
    const seeded = existing === undefined;
    // The official holiday arrangements: the years shipped in the repository are version 1 of theirs
    // (also in data directories made before the calendar was stored). One calendar for every function
    // of this process, so a load is counted on at once; on AWS each function reads it within a minute.
    const calendarStore = new DynamoCalendarStore(db, LOCAL_TABLES.items);
    const calendar = new StoredCalendar({ store: calendarStore, shipped: SHIPPED_CALENDAR_YEARS });
    await new CalendarService({ store: calendarStore, shipped: SHIPPED_CALENDAR_YEARS }).seed();
    // Likewise one source of the supervision rules (version 0, the shipped ones, until a load).
    const rules = new StoredRules({ store: new DynamoRuleCatalogueStore(db, LOCAL_TABLES.items) });
    const handlerOptions = { ...(opts.now ? { now: opts.now } : {}), calendar, rules };
    // Observed: every function's runs timed, wherever the platform starts it from.
    const functions = opts.observe ? observedFunctions(handlerOptions, opts.functions, opts.observe) : opts.functions;
    if (seeded) await seedPlatform({ directory, store, principalArn, calendar, ...(opts.now ? { now: opts.now } : {}) });
    else await refreshPrincipals(directory);
    // Every department has an active seal key in the local signer (also in data directories seeded
    // before seals existed).
    const kmsClient = new KMSClient({ region, endpoint: kms.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    closers.push(async () => kmsClient.destroy());
    await ensureSealKeys(kmsClient, directory, opts.sealKeySpec ?? 'ECC_NIST_P256');
    await ensureArchiveKey(kmsClient, directory, opts.sealKeySpec ?? 'ECC_NIST_P256');

    // Joint handling: the definition the CDK app deploys, its Lambda steps run by the same handler.
    const stepFunctions = await startJointHandling(dataDir, db, host, region, handlerOptions, functions);
    closers.unshift(() => stepFunctions.close());
    const jointStateMachineArn = stepFunctions.stateMachineArn(LOCAL_JOINT_STATE_MACHINE);
    Object.assign(process.env, { AWS_ENDPOINT_URL_SFN: await seen('sfn', stepFunctions.endpoint), JOINT_STATE_MACHINE_ARN: jointStateMachineArn });

    // The functions other functions invoke through the Lambda API (their manifests' `invoked`
    // trigger), each under its local name, given to its invokers in the variable its manifest names.
    const lambdaFunctions: Record<string, LocalFunction> = {};
    const lambda = await startLocalLambda({
      host,
      functions: lambdaFunctions,
      onAsyncError: (name, e) => console.warn(`${name}: ${e instanceof Error ? e.message : String(e)} (the sweep tries again)`),
    });
    closers.unshift(() => lambda.close());
    process.env.AWS_ENDPOINT_URL_LAMBDA = await seen('lambda', lambda.endpoint);
    for (const manifest of manifestsTriggeredBy('invoked')) process.env[manifest.trigger.variable] = localFunctionName(manifest.name);

    const handlers = await loadHandlers(handlerOptions, functions);
    // The console's sign-in offers the key pairs once they are written (below), or the federated sign-in once it runs.
    const published: { credentials?: CredentialsFile; federated?: RunningFederatedSignIn } = {};
    const verifier = new SigV4Verifier(localCredentials(keys), region);
    const gateway = await startApiGateway({
      handlers,
      verifier,
      userArnOf: (credential) => (credential.officer !== undefined ? officerSessionArn(credential.principal, credential.officer) : principalArn(credential.principal)),
      host,
      port: opts.port ?? DEFAULT_PORT,
      console: consoleSite({ dist: consoleDist, credentials: () => published.credentials, federated: () => published.federated }),
    });
    closers.unshift(() => gateway.close());
    // The console, served from the gateway's origin, PUTs uploads and reads a case's files in the materials bucket.
    const consoleOrigins = gatewayOrigins(host, gateway.port);
    if (opts.signIn === 'oidc') {
      const federated = await startFederatedSignIn({
        host,
        consoleUrls: consoleOrigins.map((origin) => `${origin}${CONSOLE_PATH}/`),
        // The people who sign in: named principals' officers, and a hall window's clerks.
        principals: () => PRINCIPALS.flatMap((p) => ((p.officers ?? p.clerks) ? [{ name: p.name, label: p.description, officers: p.officers ?? p.clerks ?? [] }] : [])),
        roleArnOf: principalRoleArn,
        sessionArnOf: officerSessionArn,
        admit: async ({ principal, sessionName, ...keys }) => {
          verifier.admit({ principal, officer: sessionName, ...keys });
          await s3.admit({ ...keys, arn: officerSessionArn(principal, sessionName), access: s3Access(principal) });
        },
      });
      closers.unshift(() => federated.close());
      published.federated = federated;
    }
    await allowConsoleOrigins({ endpoint: s3.endpoint, region, credentials: runtime }, LOCAL_MATERIALS_BUCKET, consoleOrigins, MATERIALS_BROWSER_CORS);
    // And an auditor's page lists and reads the archive's bundles.
    await allowConsoleOrigins({ endpoint: s3.endpoint, region, credentials: runtime }, LOCAL_ARCHIVE_BUCKET, consoleOrigins, ARCHIVE_BROWSER_CORS);
    // Built once every variable they read is set; the Lambda stand-in looks them up at each invocation.
    for (const manifest of manifestsTriggeredBy('invoked')) {
      lambdaFunctions[localFunctionName(manifest.name)] = functions?.[manifest.name] ?? asLocalFunction((await manifest.load())(handlerOptions));
    }

    const credentials: CredentialsFile = {
      endpoint: gateway.url,
      region,
      service: 'execute-api',
      archive: { endpoint: s3.endpoint, bucket: LOCAL_ARCHIVE_BUCKET },
      principals: Object.fromEntries(
        PRINCIPALS.map((p) => [
          p.name,
          {
            accessKeyId: keys[p.name]!.accessKeyId,
            secretAccessKey: keys[p.name]!.secretAccessKey,
            role: p.role,
            ...(p.departmentId ? { departmentId: p.departmentId } : {}),
            ...(p.channelId ? { channelId: p.channelId } : {}),
            arn: principalArn(p.name),
            ...(p.officers
              ? { officers: Object.fromEntries(p.officers.map((officer) => [officer, { ...keys[p.name]!.officers![officer]!, arn: officerSessionArn(p.name, officer) }])) }
              : {}),
          },
        ]),
      ),
    };
    await writeAtomically(credentialsPath, JSON.stringify(credentials, null, 2) + '\n');
    published.credentials = credentials;

    // The platform's events: the relays on the cases and feedback tables' streams, the bus and what its rules start.
    const caseEvents = await startCaseEventPlumbing({
      host,
      region,
      db,
      streams: dynamo.streams,
      options: handlerOptions,
      replaced: functions,
      rules: async (bus) => queueRules(bus, handlerOptions, functions),
    });
    // Set by the plumbing as the bus starts; its relay builds its client at its first event.
    if (opts.observe) process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = await seen('eventbridge', caseEvents.bus.endpoint);
    closers.unshift(() => caseEvents.close());
    const deliveries = await startQueueTicks(handlerOptions, functions, opts.deliveryIntervalMs ?? DEFAULT_DELIVERY_INTERVAL_MS);
    closers.unshift(deliveries.stop);

    const interval = opts.scheduleIntervalMs;
    const intervalOf = (name: ScheduledName) => (typeof interval === 'number' ? interval : (interval?.[name] ?? DEFAULT_SCHEDULE_INTERVAL_MS));
    const schedules = await startSchedules(handlerOptions, intervalOf, functions, region);
    // Stopped first: no scheduled run writes into stores that are closing.
    closers.unshift(schedules.stop);
    // Executions the last run left RUNNING go on (from their start: their steps are idempotent).
    const resumed = await stepFunctions.resumeRunning();
    if (resumed > 0) console.log(`joint handling: ${resumed} execution(s) resumed`);

    return {
      endpoint: gateway.url,
      port: gateway.port,
      credentialsPath,
      credentials,
      seeded,
      stepFunctions,
      jointStateMachineArn,
      region,
      services: {
        ...endpoints,
        sfn: process.env.AWS_ENDPOINT_URL_SFN!,
        lambda: process.env.AWS_ENDPOINT_URL_LAMBDA,
        eventbridge: process.env.AWS_ENDPOINT_URL_EVENTBRIDGE ?? caseEvents.bus.endpoint,
      },
      runtimeCredentials: runtime,
      caseEvents: { drained: () => caseEvents.drained(), bus: caseEvents.bus, deliver: deliveries.run },
      scheduled: schedules.runs,
      close: () => closeAll(closers),
    };
  } catch (e) {
    await closeAll(closers).catch(() => undefined);
    throw e;
  }
}

/** A start-up failure with a message for people (no stack trace needed). */
export class PlatformStartError extends Error {}

/**
 * One process per data directory: dynalite's LevelDB cannot be shared. A lock left by a process
 * that is gone is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, 'tongban.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
        throw new PlatformStartError(`another Tongban (pid ${pid}) is using ${dataDir}: stop it first, or set TONGBAN_DATA_DIR to another directory`);
      }
      await rm(path, { force: true });
    }
  }
  throw new PlatformStartError(`cannot lock ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The IAM identity of a local principal, as the directory names it: a named principal's role
 * (`tongban-local-<name>`, whose sessions are its officers), a hall window's role (whose federated
 * sessions are its clerks), an IAM user for the others (machine channels).
 * The embedded API Gateway reports it for the principal's own key pair.
 */
export function principalArn(name: string): string {
  const p = PRINCIPALS.find((x) => x.name === name);
  return p?.named || p?.clerks ? principalRoleArn(name) : `arn:aws:iam::${LOCAL_ACCOUNT}:user/${name}`;
}

/** The role of principal `name` (`tongban-local-<name>`), whichever principal the name is. */
export function principalRoleArn(name: string): string {
  return `arn:aws:iam::${LOCAL_ACCOUNT}:role/tongban-local-${name}`;
}

/** The session ARN an officer's requests carry: the principal's role assumed with the officer's id as source identity and session name. */
export function officerSessionArn(name: string, officer: string): string {
  return `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/tongban-local-${name}/${officer}`;
}

/** Every key pair of `keys` as the verifier knows it: the principals' own and their officers'. */
function localCredentials(keys: LocalKeys): LocalCredential[] {
  return Object.entries(keys).flatMap(([principal, k]) => [
    { principal, accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey },
    ...Object.entries(k.officers ?? {}).map(([officer, o]) => ({ principal, officer, accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey })),
  ]);
}

/**
 * A data directory made before the sample's principals changed (named officers: the departments',
 * reviewer's and auditor's roles) keeps its directory record: its principals are brought up to the
 * sample's, the rest (seals, archive key) kept. On AWS every deployment writes the directory likewise.
 */
async function refreshPrincipals(directory: DynamoDirectory): Promise<void> {
  const current = await directory.load();
  const principals = seedDirectory(principalArn).principals;
  if (JSON.stringify(current.principals) !== JSON.stringify(principals)) await directory.save({ ...current, principals });
}

/** The name a function has in the embedded platform (the CDK app: tongban-<stage>-…, generated). */
export function localFunctionName(name: LambdaName): string {
  return `tongban-local-${name}`;
}

/**
 * Every function, each timed at every run for `observer`: the one `replaced` gives, or this process's
 * own handler, built at its first run (once every variable it reads is set, as the platform builds them).
 */
function observedFunctions(options: HandlerOptions, replaced: PlatformOptions['functions'], observer: PlatformObserver): Record<LambdaName, LocalFunction> {
  const observed = {} as Record<LambdaName, LocalFunction>;
  for (const manifest of Object.values(MANIFESTS)) {
    let built: Promise<LocalFunction> | undefined;
    observed[manifest.name] = async (event) => {
      const handler = await (built ??= replaced?.[manifest.name]
        ? Promise.resolve(replaced[manifest.name]!)
        : manifest.load().then((make) => asLocalFunction((make as (o: HandlerOptions) => EventHandler)(options))));
      const t0 = performance.now();
      try {
        return await handler(event);
      } finally {
        observer.invoked(manifest.name, performance.now() - t0);
      }
    };
  }
  return observed;
}

/** A handler as the stand-ins call it: with the event they were given (each handler checks its own). */
function asLocalFunction(handler: EventHandler): LocalFunction {
  return (event) => (handler as (event: unknown) => Promise<unknown>)(event);
}

async function loadHandlers(options: HandlerOptions, replaced: PlatformOptions['functions']): Promise<Record<FunctionName, ApiHandler>> {
  // Imported only now: the handler modules build their AWS clients from the environment set above.
  const handlers = {} as Record<FunctionName, ApiHandler>;
  for (const name of FUNCTION_NAMES) {
    const fn = replaced?.[name];
    handlers[name] = fn ? async (event) => (await fn(event)) as Awaited<ReturnType<ApiHandler>> : (await MANIFESTS[name].load())(options);
  }
  return handlers;
}

/**
 * The embedded stand-in for Step Functions with the joint-handling state machine: its definition is
 * synthesised from the same CDK construct the deployed app uses (infra/constructs/joint-handling.ts),
 * or kept from an earlier start that synthesised it from the very same sources, and its Lambda steps
 * call the joint function's handler in this process.
 */
async function startJointHandling(
  dataDir: string,
  db: DynamoDBDocumentClient,
  host: string,
  region: string,
  options: HandlerOptions,
  replacedFunctions: PlatformOptions['functions'],
): Promise<LocalStepFunctions> {
  const [manifest] = manifestsTriggeredBy('state-machine');
  if (manifest === undefined) throw new Error('no function is run by the joint-handling state machine');
  const functionArn = `arn:${partitionOf(region)}:lambda:${region}:${LOCAL_ACCOUNT}:function:${localFunctionName(manifest.name)}`;
  const replaced = replacedFunctions?.[manifest.name];
  const handler = replaced ?? asLocalFunction((await manifest.load())(options));
  // Kept from an earlier start when nothing it is made from has changed (joint-definition-cache.ts).
  const fingerprint = await definitionFingerprint(functionArn);
  const keptPath = join(dataDir, JOINT_DEFINITION_FILE);
  const kept = keptDefinition(await readFile(keptPath, 'utf8').catch(() => undefined), fingerprint);
  const definition = kept ?? (await import('../constructs/joint-definition.ts')).embeddedJointDefinition(functionArn);
  const stepFunctions = await startLocalStepFunctions({
    host,
    region,
    db,
    table: LOCAL_TABLES.stepFunctions,
    stateMachines: { [LOCAL_JOINT_STATE_MACHINE]: definition },
    ...(kept ? { validated: [LOCAL_JOINT_STATE_MACHINE] } : {}),
    functions: { [functionArn]: handler },
    onEvent: (notice) => {
      if (notice.type === 'failure') console.warn(`joint handling: ${notice.message}`);
      else if (notice.status !== 'SUCCEEDED') console.warn(`joint handling: ${notice.executionArn} ended ${notice.status}${notice.error ? ` (${notice.error})` : ''}`);
    },
  });
  // Kept once the engine has accepted it.
  if (!kept) await writeAtomically(keptPath, definitionRecord(fingerprint, definition));
  return stepFunctions;
}

/** Runs each scheduled function now, by name (waiting for a run its timer started, if one is under way). */
export type ScheduledRuns = { [N in ScheduledName]: () => Promise<ScheduledRun<N>> };

/**
 * The embedded stand-in for the EventBridge schedules: each `schedule` function's handler on a timer
 * of its own, every `intervalOf(name)` (embedded time is compressed: by default every schedule at the same interval).
 * A function's runs never overlap: a tick while one is under way waits for the next, and its `run()`
 * joins the one under way. What a run answers in `failed` (a list, or a message) is told on the console.
 */
async function startSchedules(
  options: HandlerOptions,
  intervalOf: (name: ScheduledName) => number,
  replacedFunctions: PlatformOptions['functions'],
  region: string,
): Promise<{ runs: ScheduledRuns; stop: () => Promise<void> }> {
  const manifests = manifestsTriggeredBy('schedule');
  const schedules = await Promise.all(
    manifests.map(async (manifest) => {
      const fn = replacedFunctions?.[manifest.name] ?? asLocalFunction((await manifest.load())(options));
      let current: Promise<unknown> | undefined;
      const run = () => {
        current ??= fn(scheduledEvent(region, manifest.name)).finally(() => {
          current = undefined;
        });
        return current;
      };
      const tick = () => {
        run().then(
          (answer) => {
            const problem = failureOf(answer);
            if (problem !== undefined) console.warn(`${manifest.name}: ${problem}; the next run tries again`);
          },
          (e: unknown) => console.warn(`${manifest.name} failed: ${e instanceof Error ? e.message : String(e)}; the next run tries again`),
        );
      };
      const intervalMs = intervalOf(manifest.name as ScheduledName);
      const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : undefined;
      timer?.unref();
      if (timer) tick();
      return {
        name: manifest.name,
        run,
        stop: async () => {
          if (timer) clearInterval(timer);
          await current?.catch(() => undefined);
        },
      };
    }),
  );
  return {
    // Each handler's answer is its own (functions/<name>/handler.ts): ScheduledRun<name>.
    runs: Object.fromEntries(schedules.map((s) => [s.name, s.run])) as ScheduledRuns,
    stop: async () => {
      await Promise.all(schedules.map((s) => s.stop()));
    },
  };
}

/** What a scheduled run says failed: `failed`, a message or the items it could not move. */
function failureOf(answer: unknown): string | undefined {
  const failed = (answer as { failed?: unknown } | undefined)?.failed;
  if (typeof failed === 'string') return failed;
  if (Array.isArray(failed) && failed.length > 0) return `${failed.length} item(s) could not be handled`;
  return undefined;
}

/** The event an EventBridge schedule gives a scheduled function (which reads none of it). */
function scheduledEvent(region: string, name: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString(),
    region,
    resources: [`arn:${partitionOf(region)}:events:${region}:${LOCAL_ACCOUNT}:rule/tongban-local-${name}`],
    detail: {},
  };
}

/**
 * The rules on the platform's event bus: for each `queue` function, the events of its feed (the case
 * events, or every event), given to it as its queue would (one SQS record whose body is the EventBridge event). A record it reports failed is an
 * error of the target: the bus retries it, as SQS would receive it again.
 */
async function queueRules(bus: string, options: HandlerOptions, replaced: PlatformOptions['functions']): Promise<EventBridgeRule[]> {
  const rules: EventBridgeRule[] = [];
  for (const manifest of manifestsTriggeredBy('queue')) {
    const handler = replaced?.[manifest.name] ?? asLocalFunction((await manifest.load())(options));
    rules.push({
      bus,
      name: `${manifest.name}-feed`,
      pattern: { source: [...queueFeedSources(manifest.trigger.feed)] },
      maximumRetryAttempts: 185,
      retryMaxDelayMs: 30_000,
      target: async (event) => {
        const answer = (await handler(sqsEvent(JSON.stringify(event)))) as SQSBatchResponse | undefined;
        if ((answer?.batchItemFailures ?? []).length > 0) throw new Error(`${manifest.name} could not route event ${event.id} (see its log)`);
      },
    });
  }
  return rules;
}

/** The stand-in for each `queue` function's schedule: `{"tick":true}` on its queue, on a timer; `run()` ticks now. */
async function startQueueTicks(
  options: HandlerOptions,
  replaced: PlatformOptions['functions'],
  intervalMs: number,
): Promise<{ run: () => Promise<void>; stop: () => Promise<void> }> {
  const handlers = await Promise.all(manifestsTriggeredBy('queue').map(async (m) => replaced?.[m.name] ?? asLocalFunction((await m.load())(options))));
  // One run at a time. A call while one runs is answered by the next run, which starts after it (and
  // reads the clock anew: a run the timer started before a test moved the clock does not stand for
  // the tick asked for); the calls made meanwhile share that next run.
  let done: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;
  const run = () => {
    next ??= done.then(async () => {
      next = undefined;
      await Promise.all(handlers.map(async (h) => h(sqsEvent(JSON.stringify({ tick: true })))));
    });
    done = next.catch(() => undefined);
    return next;
  };
  const timer =
    intervalMs > 0
      ? setInterval(() => void run().catch((e: unknown) => console.warn(`deliveries tick failed: ${e instanceof Error ? e.message : String(e)}`)), intervalMs)
      : undefined;
  timer?.unref();
  return {
    run,
    stop: async () => {
      if (timer) clearInterval(timer);
      await done;
    },
  };
}

/** An SQS event of one record with `body`, as Lambda's SQS event source mapping gives it. */
function sqsEvent(body: string): SQSEvent {
  const id = randomUUID();
  return {
    Records: [
      {
        messageId: id,
        receiptHandle: id,
        body,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: LOCAL_ACCOUNT, ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${DEFAULT_REGION}:${LOCAL_ACCOUNT}:tongban-local-queue`,
        awsRegion: DEFAULT_REGION,
      },
    ],
  };
}

/** A principal's key pair, and its officers' by officer id. */
type LocalKeys = Record<string, KeyPair & { officers?: Record<string, KeyPair> }>;
interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

function newKeyPair(): KeyPair {
  return { accessKeyId: `AKLT${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
}

function newKeys(): LocalKeys {
  return Object.fromEntries(
    PRINCIPALS.map((p) => [p.name, { ...newKeyPair(), ...(p.officers ? { officers: Object.fromEntries(p.officers.map((officer) => [officer, newKeyPair()])) } : {}) }]),
  );
}

/**
 * What each key pair may do on the embedded S3 endpoint, as on AWS: the functions every action; an
 * auditor what its role's `archive-read` policy grants (list the archive, read its bundles); every
 * other principal nothing (their roles invoke API routes only).
 */
function s3Identities(runtime: RuntimeCredentials, keys: LocalKeys): S3Identity[] {
  return [
    { ...runtime, arn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/tongban-local-functions/embedded`, access: 'full' },
    ...PRINCIPALS.flatMap((p) => {
      const access = s3Access(p.name);
      const { accessKeyId, secretAccessKey, officers } = keys[p.name]!;
      return [
        { accessKeyId, secretAccessKey, arn: principalArn(p.name), access },
        // Each officer's session, as on AWS: the auditor's officers read the archive under its role.
        ...Object.entries(officers ?? {}).map(([officer, k]) => ({ ...k, arn: officerSessionArn(p.name, officer), access })),
      ];
    }),
  ];
}

/** What principal `name`'s role may do on the embedded S3 endpoint: an auditor's reads the archive, the others' nothing. */
function s3Access(name: string): S3Identity['access'] {
  if (PRINCIPALS.find((p) => p.name === name)?.role !== 'auditor') return [];
  return [
    { actions: ARCHIVE_AUDITOR_ACCESS.bucket, bucket: LOCAL_ARCHIVE_BUCKET },
    { actions: ARCHIVE_AUDITOR_ACCESS.bundles, bucket: LOCAL_ARCHIVE_BUCKET, keyPrefix: ARCHIVE_BUNDLES_PREFIX },
    { actions: ARCHIVE_AUDITOR_ACCESS.anchors, bucket: LOCAL_ARCHIVE_BUCKET, keyPrefix: ARCHIVE_ANCHORS_PREFIX },
    { actions: ARCHIVE_AUDITOR_ACCESS.statistics, bucket: LOCAL_ARCHIVE_BUCKET, keyPrefix: ARCHIVE_STATISTICS_PREFIX },
  ];
}

/** The functions' key pair kept in `path`, or a new one written there. */
async function runtimeCredentials(path: string): Promise<RuntimeCredentials> {
  try {
    const kept = JSON.parse(await readFile(path, 'utf8')) as Partial<RuntimeCredentials>;
    if (typeof kept.accessKeyId === 'string' && typeof kept.secretAccessKey === 'string' && kept.accessKeyId && kept.secretAccessKey) {
      return { accessKeyId: kept.accessKeyId, secretAccessKey: kept.secretAccessKey };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
  }
  // Missing or unreadable: a new pair (only upload slots presigned with the old one stop working).
  const made = { accessKeyId: `AKLTFN${randomBytes(7).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
  await writeAtomically(path, JSON.stringify(made, null, 2) + '\n');
  return made;
}

async function readCredentials(path: string): Promise<LocalKeys | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let parsed;
  try {
    parsed = LocalCredentialsSchema.parse(JSON.parse(text));
  } catch (e) {
    throw new PlatformStartError(
      `${path} is not a Tongban credentials file (${e instanceof SyntaxError ? e.message : 'unexpected content'}): move it away and start again to get new keys`,
    );
  }
  const keys: LocalKeys = Object.fromEntries(
    Object.entries(parsed.principals).map(([name, p]) => [
      name,
      {
        accessKeyId: p.accessKeyId,
        secretAccessKey: p.secretAccessKey,
        ...(p.officers
          ? { officers: Object.fromEntries(Object.entries(p.officers).map(([id, o]) => [id, { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey }])) }
          : {}),
      },
    ]),
  );
  // A principal (or officer) added to the seed since this data directory was made gets its own key.
  const fresh = newKeys();
  for (const p of PRINCIPALS) {
    const kept = (keys[p.name] ??= fresh[p.name]!);
    for (const officer of p.officers ?? []) (kept.officers ??= {})[officer] ??= fresh[p.name]!.officers![officer]!;
  }
  return keys;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers) await close();
}
