// The cdk-nag rule packs every synth runs — AWS Solutions, NIST 800-53 rev. 5, Serverless — and the
// acknowledgements the platform's design makes across many resources of one kind, each with its
// reason, given where those resources are built. An acknowledgement particular to one resource stays
// beside it (as `Validations.of(x).acknowledge` where it is defined); these are the ones whose
// reason is a property of the kind: a function run by an API route, a stream, a queue; a
// dead-letter queue; the role's own policy; the functions aws-cdk-lib makes for AwsCustomResource and
// for aws-s3-deployment's BucketDeployment.
import { Aspects, CfnResource, Validations } from 'aws-cdk-lib';
import type { App, IAspect, Stack } from 'aws-cdk-lib';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { FunctionManifest } from '../../functions/manifest.ts';
import { flattenForNag } from './nag.ts';

/**
 * The packs, checking every stack of the app on synth (infra/app.ts); an unacknowledged finding fails
 * it. The AWS Solutions acknowledgements are also written into the templates (resource Metadata
 * `cdk_nag`), the audit trail they have always had; the NIST and Serverless ones are reasons of a
 * kind, given once here for every resource of it, and would only repeat them in every template,
 * a city's API stack counting hundreds: they stay in the code (and in the synth's validation report).
 */
export function nagPacks(app: App) {
  Aspects.of(app).add(new WriteAcknowledgements(AWS_SOLUTIONS_PREFIX));
  return [new AwsSolutionsChecks(app, { verbose: true }), new NIST80053R5Checks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true })];
}

/** The rule ids of the pack whose acknowledgements the templates carry. */
export const AWS_SOLUTIONS_PREFIX = 'AwsSolutions-';

/**
 * Writes into a resource's CloudFormation Metadata (`cdk_nag: { rules_to_suppress: [{ id, reason }] }`,
 * cdk-nag's format) the acknowledgements whose rule id starts with `prefix`, made on the resource or
 * on a construct above it, each once.
 */
export class WriteAcknowledgements implements IAspect {
  constructor(private readonly prefix: string) {}

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const rules = new Map<string, string>();
    for (let at: IConstruct | undefined = node; at !== undefined; at = at.node.scope) {
      for (const entry of at.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || entry.data === undefined) continue;
        for (const [qualified, reason] of Object.entries(entry.data as Record<string, string>)) {
          const id = qualified.replace(/^annotation::/i, '');
          if (id.startsWith(this.prefix) && !rules.has(id)) rules.set(id, reason);
        }
      }
    }
    if (rules.size > 0) node.addMetadata('cdk_nag', { rules_to_suppress: [...rules].map(([id, reason]) => ({ id, reason })) });
  }
}

/** Why no function needs a VPC (NIST.800.53.R5-LambdaInsideVPC). */
export const NO_VPC_REASON =
  'The function reaches AWS service APIs only (DynamoDB, S3, KMS, EventBridge, Step Functions, Lambda; the deliveries function also the HTTPS webhooks departments and channels register), over TLS, as its own least-privilege role. It serves and reads no resource inside a private network, so a VPC would protect nothing here: it would add NAT gateways or an interface endpoint per service, and what the function may touch stays decided by IAM, the key policies and the bucket policies, which a VPC does not narrow.';

/** Why the functions run on nodejs22.x (AwsSolutions-L1, Serverless-LambdaLatestVersion). */
export const RUNTIME_REASON =
  'nodejs22.x is the runtime the design fixes and the code is tested for (it must also run on the Node 20 of the embedded runtime); moving to a newer Node runtime is a deliberate, tested upgrade, not an automatic one.';

/** Why a role's policy is an AWS::IAM::Policy of its own (NIST.800.53.R5-IAMNoInlinePolicy). */
export const OWN_POLICY_REASON =
  "The role's own policy: an AWS::IAM::Policy attached to this role alone, generated from what the role needs (a function's from its manifest) and naming only those resources. It is created, changed and deleted with the role and cannot be attached to another, which a customer-managed policy could; the platform's shared, per-kind policies (the principals') are managed policies.";

/** Why a queue that is itself a dead-letter queue has no redrive policy (Serverless-SQSRedrivePolicy). */
export const DEAD_LETTER_QUEUE_REASON =
  'This queue is itself a dead-letter queue: it keeps what a function, a stream or a rule gave up, for 14 days, and an alarm fires on its first message. A dead-letter queue of its own would only move those messages one queue further from the alarm.';

/** Why an SQS event source mapping has no on-failure destination (Serverless-LambdaEventSourceMappingDestination). */
export const SQS_SOURCE_FAILURE_REASON =
  "Lambda offers on-failure destinations for stream and Kafka event sources, not for SQS: a message the function fails (reportBatchItemFailures) returns to the queue, whose redrive policy moves it to the function's dead-letter queue after the configured receives, and an alarm fires on it.";

/**
 * Acknowledges, on a function of the platform (its CfnFunction and its role's policy), what its
 * trigger settles: where its failures go (NIST.800.53.R5-LambdaDLQ, Serverless-LambdaDLQ) when it
 * has no dead-letter queue, what bounds its concurrency (NIST.800.53.R5-LambdaConcurrency) when it
 * reserves none, and the platform-wide decisions (VPC, runtime, its own policy).
 */
export function acknowledgeFunction(fn: IConstruct, policy: IConstruct, manifest: FunctionManifest, hasDeadLetterQueue: boolean): void {
  const { trigger } = manifest;
  const acks: { id: string; reason: string }[] = [
    { id: 'AwsSolutions-L1', reason: RUNTIME_REASON },
    { id: 'Serverless-LambdaLatestVersion', reason: RUNTIME_REASON },
    { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: NO_VPC_REASON },
  ];
  if (!hasDeadLetterQueue) {
    const reason =
      trigger.kind === 'stream'
        ? "Run by its DynamoDB stream's event source mapping: a batch given up after its retries goes to the mapping's on-failure destination, a queue of its own with an alarm. A function dead-letter queue applies to asynchronous invocations only, which this function never has."
        : trigger.kind === 'queue'
          ? "Run by its SQS queue's event source mapping: a message it fails goes back to the queue, whose redrive policy moves it to the function's dead-letter queue (alarmed). A function dead-letter queue applies to asynchronous invocations only, which this function never has."
          : 'Invoked synchronously only (an API route through API Gateway, a RequestResponse call, a Step Functions task): an error goes back to the caller, who answers or retries it, and Lambda keeps no event a dead-letter queue could take.';
    acks.push({ id: 'NIST.800.53.R5-LambdaDLQ', reason }, { id: 'Serverless-LambdaDLQ', reason });
  }
  if (manifest.limits.reservedConcurrency === undefined) {
    const reason = {
      api: "Invoked only through the REST API, whose stage throttles every route (200 requests a second, burst 400) behind the WAF's rate limits: those bound the function's concurrency. A reserved concurrency per API function would carve the account's pool into fixed slices and throttle one service while others idle.",
      stream:
        'Run by its DynamoDB stream: one batch per shard at a time (parallelization factor 1), so its concurrency is bounded by the number of shards, which DynamoDB keeps small for a table of this traffic.',
      queue: "Run by its SQS queue's event source mapping, whose maximum concurrency bounds how many copies run at once.",
      invoked:
        "Invoked by the platform's own functions alone (its invokers are named in its manifest), one call per case they move: bounded by theirs, themselves bounded by the API's throttling and the sweep's single run.",
      'state-machine': "Run by the joint-handling state machine's tasks, one per step of an execution; executions start from case actions, bounded by the API's throttling.",
      schedule: 'Run by its schedule, one run an interval.',
    }[trigger.kind];
    acks.push({ id: 'NIST.800.53.R5-LambdaConcurrency', reason });
  }
  Validations.of(fn).acknowledge(...acks);
  Validations.of(policy).acknowledge({ id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: OWN_POLICY_REASON });
}

/** Acknowledges, on a dead-letter queue, that it has no redrive policy of its own. */
export function acknowledgeDeadLetterQueue(queue: IConstruct): void {
  Validations.of(queue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: DEAD_LETTER_QUEUE_REASON });
}

/**
 * Acknowledges the findings on the provider function aws-cdk-lib creates once per stack for its
 * AwsCustomResources (here: the directory record and the seal registry's parts) and on its role: it
 * runs during a deployment only, when CloudFormation asks it to put one item, and is generated code.
 */
export function acknowledgeCustomResourceProvider(provider: IConstruct): void {
  acknowledgeDeploymentFunction(provider, {
    generated:
      'The AwsCustomResource provider function is generated by aws-cdk-lib and runs only during a deployment, when CloudFormation asks it to put one item into the directory table',
    grants: 'the directory table and the data key',
    calls: 'the DynamoDB API',
    runs: 'record',
  });
  Validations.of(provider.node.findChild('Resource')).acknowledge({
    id: 'Serverless-LambdaDefaultMemorySize',
    reason:
      "The AwsCustomResource provider function is generated by aws-cdk-lib and runs only during a deployment, when CloudFormation asks it to put one item into the directory table: one small SDK call, for which aws-cdk-lib's default memory suffices.",
  });
}

/**
 * Acknowledges the findings on a function aws-cdk-lib generates that runs during deployments alone
 * (CloudFormation invokes it for a custom resource and waits for its answer), and on its role:
 * `generated` says what it is and does, `grants` what its own policy names, `calls` the APIs it calls,
 * `runs` what each invocation writes.
 */
function acknowledgeDeploymentFunction(fn: IConstruct, why: { generated: string; grants: string; calls: string; runs: string }): void {
  const { generated } = why;
  Validations.of(fn.node.findChild('ServiceRole')).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: `${generated}; this AWS managed policy lets it write its own logs only, and its data permissions are the separate policy naming ${why.grants}.`,
  });
  Validations.of(fn.node.findChild('Resource')).acknowledge(
    { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: `${generated}: it calls ${why.calls} alone, over TLS, as its own role; a VPC would protect nothing more.` },
    { id: 'NIST.800.53.R5-LambdaConcurrency', reason: `${generated}: one invocation per ${why.runs} a deployment writes, never more.` },
    {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: `${generated}: CloudFormation invokes it and waits for its answer; a failure fails the deployment, which rolls back, so no event is left for a dead-letter queue.`,
    },
    {
      id: 'Serverless-LambdaDLQ',
      reason: `${generated}: CloudFormation invokes it and waits for its answer; a failure fails the deployment, which rolls back, so no event is left for a dead-letter queue.`,
    },
    { id: 'Serverless-LambdaTracing', reason: `${generated}: CloudFormation's stack events and the function's log record each run; there is no request path to trace.` },
  );
}

/**
 * Acknowledges the findings on the function aws-s3-deployment creates once per stack for its
 * BucketDeployments (here: the console's files, copied from the CDK assets bucket into `bucket`) and on
 * its role: its runtime is aws-cdk-lib's choice, its policy its own, and its grants — which
 * aws-s3-deployment writes with wildcards — read the assets bucket and write `bucket` alone.
 */
export function acknowledgeBucketDeployment(stack: Stack, bucket: IBucket): void {
  const handlers = stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (handlers.length !== 1) throw new Error(`expected the one BucketDeployment function of ${stack.stackName}, found ${handlers.length}`);
  const fn = handlers[0]!;
  const generated =
    "The BucketDeployment function is generated by aws-cdk-lib (aws-s3-deployment) and runs only during a deployment, when CloudFormation asks it to copy a new set of the console's files into the console bucket";
  acknowledgeDeploymentFunction(fn, { generated, grants: 'the CDK assets bucket (read) and the console bucket (write)', calls: 'the S3 API', runs: 'set of files' });
  const runtime = `${generated}. aws-cdk-lib chooses its runtime (Python, with the AWS CLI as a layer) and moves it forward with its releases: upgrading aws-cdk-lib upgrades it.`;
  Validations.of(fn.node.findChild('Resource')).acknowledge({ id: 'AwsSolutions-L1', reason: runtime }, { id: 'Serverless-LambdaLatestVersion', reason: runtime });
  const policy = fn.node.findChild('ServiceRole').node.findChild('DefaultPolicy');
  acknowledgeCustomResourcePolicy(policy);
  const site = flattenForNag(stack.resolve(bucket.arnForObjects('*')));
  const document = stack.resolve((policy as Policy).document) as { Statement: { Action: string | string[]; Resource: unknown }[] };
  const acknowledged = new Map<string, string>();
  for (const statement of document.Statement) {
    for (const action of [statement.Action].flat().filter((a) => a.includes('*')))
      acknowledged.set(
        `Action::${action}`,
        `${generated}. aws-s3-deployment grants its role ${action} (with s3:GetBucket*, s3:GetObject*, s3:List* on the assets bucket; s3:Abort* and s3:DeleteObject* beside them on the console bucket, which a deployment prunes): on these two buckets alone, nothing else.`,
      );
    for (const resource of [statement.Resource]
      .flat()
      .map(flattenForNag)
      .filter((r) => r.includes('*')))
      acknowledged.set(
        `Resource::${resource}`,
        resource === site
          ? `${generated}: it writes and prunes the files of the console bucket, whose keys are the build's file names (content-hashed under assets/), known only from the build; nothing else is in that bucket.`
          : `${generated}: it reads the zip files of the console's build that cdk deploy put into the CDK assets bucket, named by their content hashes, read only.`,
      );
  }
  for (const [finding, reason] of acknowledged) Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
}

/** Acknowledges that an AwsCustomResource's policy is its own (NIST.800.53.R5-IAMNoInlinePolicy). */
export function acknowledgeCustomResourcePolicy(policy: IConstruct): void {
  Validations.of(policy).acknowledge({ id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: OWN_POLICY_REASON });
}
