// AWS SDK clients, built once per module. Endpoints come from the SDK's own configuration
// (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_KMS…): the embedded runtime points
// them at its local stand-ins, and no code here knows whether it runs locally. Each client goes
// without the SDK's logger middleware (`capture`): no client is given a logger, yet that middleware
// walked every call's input and output through the operation's schema to filter them for one.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { KMSClient } from '@aws-sdk/client-kms';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaInvoker } from './lambda-invoker.ts';

let documentClient: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;

/**
 * What traces an SDK client's calls (functions/http/xray-tracer.ts: a subsegment per call); none until
 * set — and never set where tracing is off (functions/http/observability.ts builds no tracer there).
 */
let trace: <T>(client: T) => T = (client) => client;

/** The name of the SDK's middleware that logs each call to the client's logger (there is none). */
export const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';

/** A client as every client here is built: without the SDK's logger middleware, then traced (when tracing is on). */
function capture<T>(client: T): T {
  (client as { middlewareStack: { remove(name: string): boolean } }).middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  return trace(client);
}

/** Traces every client built from now on (each function sets its tracer as it starts). */
export function traceAwsClients(tracer: { captureAWSv3Client<T>(client: T): T }): void {
  trace = (client) => tracer.captureAWSv3Client(client);
}

/** S3, by path when S3_FORCE_PATH_STYLE=true (stores that serve buckets by path, such as s3rver). */
export function s3Client(): S3Client {
  s3 ??= capture(new S3Client({ maxAttempts: 3, forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' }));
  return s3;
}

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(capture(new DynamoDBClient({ maxAttempts: 3 })), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

let sfn: SFNClient | undefined;

/**
 * Step Functions (AWS_ENDPOINT_URL_SFN locally: the embedded runtime's stand-in). Called after a case's
 * entry is written, so it must not hang the request: short timeouts, two attempts. A start or resume
 * that does not get through is caught up by the sweep (start) or by the branch's next check (resume).
 */
export function sfnClient(): SFNClient {
  sfn ??= capture(new SFNClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } }));
  return sfn;
}

let kms: KMSClient | undefined;

/** KMS (AWS_ENDPOINT_URL_KMS locally: the embedded signer). */
export function kmsClient(): KMSClient {
  kms ??= capture(new KMSClient({ maxAttempts: 3 }));
  return kms;
}

let lambda: LambdaInvoker | undefined;

/**
 * Lambda, for the sealing function the cases function and the sweep invoke (AWS_ENDPOINT_URL_LAMBDA
 * locally: the embedded runtime's stand-in). Sealing makes one KMS call per document and a few
 * DynamoDB writes. The answer is awaited 6 s at most, well inside the cases function's 10 s, so a slow
 * sealing never turns a recorded decision into a gateway timeout: the decision is answered without
 * its results, and the sealing (which goes on) or the sweep seals it. No retry. Its one call, Invoke, is
 * a signed request of our own (shared/adapters/lambda-invoker.ts), not the SDK's Lambda client.
 */
export function lambdaClient(): LambdaInvoker {
  lambda ??= capture(new LambdaInvoker({ connectionTimeoutMs: 1000, requestTimeoutMs: 6000 }));
  return lambda;
}

let eventBridge: EventBridgeClient | undefined;

/** EventBridge, for the relay's PutEvents to the case event bus (AWS_ENDPOINT_URL_EVENTBRIDGE locally: the embedded bus). */
export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= capture(new EventBridgeClient({ maxAttempts: 3 }));
  return eventBridge;
}
