// The embedded platform events, as the CDK app deploys them (infra/constructs/case-functions.ts): the
// cases and feedback tables' streams (infra/local/dynamodb-streams.ts, written with each item in one LevelDB batch,
// so a history entry and its record survive a kill -9 together) each handed to its relay function by an
// event source mapping with the manifest's filter and retries, and the platform's case event bus
// (infra/local/eventbridge-server.ts, its log durable before PutEvents answers) with the rules the
// functions it starts need. Both keep their checkpoints in the data directory's DynamoDB: what was
// written before a stop is relayed and dispatched after the restart, at least once.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HandlerOptions } from '../../functions/manifest.ts';
import { CASE_EVENT_BUS_VARIABLE, streamFilterPatterns } from '../../functions/manifest.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { manifestsTriggeredBy } from '../../functions/manifests.ts';
import type { LocalDynamoStream, StreamHandler, StreamMapping } from './dynamodb-streams.ts';
import { startStreamMapping } from './dynamodb-streams.ts';
import type { EventBridgeRule, LocalEventBridge } from './eventbridge-server.ts';
import { startLocalEventBridge } from './eventbridge-server.ts';
import type { LocalFunction } from './lambda-server.ts';
import { LOCAL_TABLES } from './local-dynamodb.ts';
import { LOCAL_ACCOUNT } from './api-gateway.ts';

/** The case event bus as the embedded platform names it (the CDK app: tongban-<stage>-cases). */
export const LOCAL_CASE_EVENT_BUS = 'tongban-local-cases';

export interface CaseEventPlumbing {
  bus: LocalEventBridge;
  /** Resolves once every history entry written before the call is on the bus and every rule has dispatched it. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export interface CaseEventPlumbingOptions {
  host: string;
  region: string;
  db: DynamoDBDocumentClient;
  /** The streams of the embedded DynamoDB (the cases and feedback tables', by their names). */
  streams: ReadonlyMap<string, LocalDynamoStream>;
  options: HandlerOptions;
  replaced?: Partial<Record<LambdaName, LocalFunction>> | undefined;
  /** The bus's rules: the functions the platform's events start (built once the bus's endpoint is known). */
  rules: (bus: string) => Promise<readonly EventBridgeRule[]>;
}

/** Starts the bus (and sets AWS_ENDPOINT_URL_EVENTBRIDGE and the bus's name), then the stream mappings of the `stream` functions. */
export async function startCaseEventPlumbing(opts: CaseEventPlumbingOptions): Promise<CaseEventPlumbing> {
  const rules = await opts.rules(LOCAL_CASE_EVENT_BUS);
  const bus = await startLocalEventBridge({
    host: opts.host,
    region: opts.region,
    account: LOCAL_ACCOUNT,
    db: opts.db,
    table: LOCAL_TABLES.eventBridge,
    buses: [LOCAL_CASE_EVENT_BUS],
    rules,
    onNotice: (notice) => {
      if (notice.type === 'failure') console.warn(`case event bus: ${notice.message}`);
      else
        console.warn(
          `case event bus: ${notice.letter.event.id} ${notice.type === 'dead-letter' ? 'dead-lettered' : 'dropped'} by ${notice.letter.ruleArn}: ${notice.letter.errorMessage}`,
        );
    },
  });
  Object.assign(process.env, { AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint, [CASE_EVENT_BUS_VARIABLE]: LOCAL_CASE_EVENT_BUS });

  const mappings: StreamMapping[] = [];
  try {
    for (const manifest of manifestsTriggeredBy('stream')) {
      const stream = opts.streams.get(LOCAL_TABLES[manifest.trigger.table]);
      if (stream === undefined) throw new Error(`${manifest.name}: the embedded ${manifest.trigger.table} table has no stream`);
      const replaced = opts.replaced?.[manifest.name];
      const handler = (replaced ?? ((await manifest.load())(opts.options) as (event: unknown) => Promise<unknown>)) as StreamHandler;
      mappings.push(
        startStreamMapping({
          stream,
          id: manifest.name,
          handler,
          batchSize: 100,
          filters: streamFilterPatterns(manifest.trigger.filter),
          reportBatchItemFailures: true,
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: manifest.limits.retryAttempts ?? 10,
          // On AWS the batch's place goes to the function's dead-letter queue (and its alarm).
          onFailure: (failure) =>
            console.warn(
              `${manifest.name}: gave up on stream records ${failure.DDBStreamBatchInfo.startSequenceNumber}-${failure.DDBStreamBatchInfo.endSequenceNumber} after ${failure.approximateInvokeCount} attempts: ${failure.errorMessage}`,
            ),
          onError: (e) => console.warn(`${manifest.name}: reading the stream failed: ${e instanceof Error ? e.message : String(e)} (it tries again)`),
        }),
      );
    }
  } catch (e) {
    await Promise.all(mappings.map((m) => m.stop()));
    await bus.close();
    throw e;
  }
  return {
    bus,
    drained: async () => {
      await Promise.all(mappings.map((m) => m.drained()));
      await bus.drained();
    },
    close: async () => {
      await Promise.all(mappings.map((m) => m.stop()));
      await bus.close();
    },
  };
}
