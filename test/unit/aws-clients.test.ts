// The AWS SDK clients every function builds (shared/adapters/aws-clients.ts; Lambda's is our own
// signed request, lambda-invoker.ts, which has no logger) go without the SDK's
// logger middleware: none is given a logger, and that middleware filtered every call's input and
// output through the operation's schema for one. A client built plainly has it, so the name removed
// is the SDK's own (a renamed middleware would fail here, not linger unnoticed).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { SDK_LOGGER_MIDDLEWARE, dynamoDocumentClient, eventBridgeClient, kmsClient, s3Client, sfnClient } from '../../shared/adapters/aws-clients.ts';

const names = (client: { middlewareStack: { identify(): string[] } }) => client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe('the AWS SDK clients the functions build', () => {
  it.each([
    ['DynamoDB (document client)', () => dynamoDocumentClient(), () => new DynamoDBClient({ region: 'cn-north-1' })],
    ['S3', () => s3Client(), () => new S3Client({ region: 'cn-north-1' })],
    ['Step Functions', () => sfnClient(), () => new SFNClient({ region: 'cn-north-1' })],
    ['KMS', () => kmsClient(), () => new KMSClient({ region: 'cn-north-1' })],
    ['EventBridge', () => eventBridgeClient(), () => new EventBridgeClient({ region: 'cn-north-1' })],
  ] as const)('%s: built without the logger middleware a plain client has', (_, built, plain) => {
    expect(names(plain())).toContain(SDK_LOGGER_MIDDLEWARE);
    expect(names(built())).not.toContain(SDK_LOGGER_MIDDLEWARE);
  });
});
