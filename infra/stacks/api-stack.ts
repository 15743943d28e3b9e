// The API stack of one deployment: a composition of
// - the functions (infra/constructs/case-functions.ts), each built from its manifest
//   (functions/<name>/manifest.ts: what starts it, its grants, environment and limits): the API
//   functions; the case sweep, the anchoring of the case heads and the monthly statistics publication,
//   each run by a schedule of its own; the joint-handling steps, run by the joint-handling state
//   machine; the sealing function, the only one that signs with the seal keys, and the archive function,
//   which writes the case bundles to the e-archive, both invoked by the cases function and the sweep
//   alone (the anchoring and the publication write the anchor journals and the statistics documents
//   there; the three alone sign with the archive seal key);
// - the REST API with its WAF (infra/constructs/tongban-api.ts), built from the route table, answering
//   the web console's CORS preflight when the console is configured;
// - the operations: the API's 5xx and latency alarms (infra/constructs/platform-alarms.ts; each
//   function's errors, throttles and dead letters are built with it), the dashboard `tongban-<stage>`
//   (infra/constructs/platform-dashboard.ts), and every alarm of the stack notifying the data stack's
//   alarm topic (infra/constructs/occurrence-alarm.ts: AlarmNotifications).
// The principals' roles and their policies are the principals stack's (infra/stacks/principals-stack.ts),
// the directory record the data stack's, the seal keys the seal-key stacks'.
//
// Each puts its resources into this stack's own scope, under the ids they have always had, so a
// deployed stack keeps its API, roles and functions.
import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { LambdaName } from '../../functions/manifests.ts';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';
import type { FunctionName } from '../../shared/contracts/routes.ts';
import type { TongbanConfig } from '../config.ts';
import { FUNCTION_NAMES } from '../function-access.ts';
import { CaseFunctions } from '../constructs/case-functions.ts';
import { principalRoleName } from '../config.ts';
import { consoleOrigin } from '../console-config.ts';
import { roleArnNamed } from '../role-arns.ts';
import type { DataResources } from '../constructs/tongban-function.ts';
import { TongbanApi } from '../constructs/tongban-api.ts';
import { notifyAlarms } from '../constructs/occurrence-alarm.ts';
import { apiAlarms } from '../constructs/platform-alarms.ts';
import { alarmsOf, platformDashboard } from '../constructs/platform-dashboard.ts';

/** What stands for the principal's name in the output `PrincipalRoleArnPattern`. */
export const PRINCIPAL_NAME_PLACEHOLDER = '<name>';

export interface ApiStackProps extends StackProps, DataResources {
  config: TongbanConfig;
}

export class ApiStack extends Stack {
  readonly api: RestApi;
  /** The API functions, by name. */
  readonly functions: Record<FunctionName, NodejsFunction>;
  /** The case sweep (functions/sweep), its schedule, the queue of its failed runs and its alarms. */
  readonly sweep: { function: NodejsFunction; deadLetters: Queue; alarms: Record<string, Alarm> };
  /** Joint handling: the function of its steps (functions/joint), the state machine, its key and its alarm. */
  readonly joint: { function: NodejsFunction; stateMachine: StateMachine; key: IKey; alarm: Alarm };
  /** The sealing function (functions/sealing): the only one that signs with the seal keys. */
  readonly sealing: NodejsFunction;
  /** The archive function (functions/archive), the queue of its failed runs and its alarms. */
  readonly archive: { function: NodejsFunction; deadLetters: Queue; alarms: Record<string, Alarm> };
  /** The relay (functions/relay: the cases table's stream to the case event bus), the queue of the batches it gave up and its alarms. */
  readonly relay: { function: NodejsFunction; deadLetters: Queue; alarms: Record<string, Alarm> };
  /** The feedback relay (functions/feedback-relay: the feedback table's stream to the same bus), the queue of the batches it gave up and its alarms. */
  readonly feedbackRelay: { function: NodejsFunction; deadLetters: Queue; alarms: Record<string, Alarm> };
  /** The API's alarms: 5xx answers and p99 latency. */
  readonly apiAlarms: { serverErrors: Alarm; latency: Alarm };
  /** The operations dashboard, tongban-<stage>. */
  readonly dashboard: Dashboard;
  private readonly built: CaseFunctions['built'];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retention = config.logRetentionDays as RetentionDays;

    const functions = new CaseFunctions(this, { config, retention, data: props });
    this.built = functions.built;
    const withQueue = (name: LambdaName) => {
      const { function: fn, deadLetters, alarms } = this.built[name];
      if (deadLetters === undefined) throw new Error(`the ${name} function has no dead-letter queue`);
      return { function: fn, deadLetters, alarms };
    };
    this.functions = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, this.built[name].function])) as Record<FunctionName, NodejsFunction>;
    this.sweep = withQueue('sweep');
    this.archive = withQueue('archive');
    this.relay = withQueue('relay');
    this.feedbackRelay = withQueue('feedback-relay');
    this.sealing = this.built.sealing.function;
    this.joint = { function: this.built.joint.function, ...functions.jointHandling };

    const api = new TongbanApi(this, {
      stage: config.stage,
      retention,
      functions: this.functions,
      ...(config.console !== undefined ? { corsOrigin: consoleOrigin(config.console) } : {}),
    });
    this.api = api.api;

    // Operations ---------------------------------------------------------------------------------
    this.apiAlarms = apiAlarms(this, config.stage, this.api.deploymentStage);
    const dataAlarms = props.dataAlarmNames.map((name) => Alarm.fromAlarmName(this, `DataAlarm-${name}`, name));
    this.dashboard = platformDashboard(this, {
      stage: config.stage,
      apiStage: this.api.deploymentStage,
      functions: Object.fromEntries(LAMBDA_NAMES.map((name) => [name, this.built[name].function])),
      deadLetters: Object.fromEntries(LAMBDA_NAMES.flatMap((name) => (this.built[name].deadLetters ? [[name, this.built[name].deadLetters]] : []))),
      tables: {
        items: props.itemsTable,
        directory: props.directoryTable,
        cases: props.casesTable,
        events: props.eventsTable,
        supervision: props.supervisionTable,
        statistics: props.statisticsTable,
        feedback: props.feedbackTable,
      },
      alarms: [...alarmsOf(this), ...dataAlarms],
    });
    notifyAlarms(this, props.alarmTopic);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (stage included)' });
    new CfnOutput(this, 'ExecuteApiArnPrefix', {
      value: this.formatArn({ service: 'execute-api', resource: this.api.restApiId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, resourceName: config.stage }),
      description: 'Prefix of the execute-api ARNs: <prefix>/<METHOD>/<path> (path parameters as *), for principals given by arn',
    });
    // One output however many principals (CloudFormation allows 200 a stack): the role names follow principalRoleName.
    if (config.principals.some((p) => p.trustedAccount !== undefined)) {
      new CfnOutput(this, 'PrincipalRoleArnPattern', {
        value: roleArnNamed(this, principalRoleName(config.stage, PRINCIPAL_NAME_PLACEHOLDER)),
        description: `ARN of the IAM role of each trustedAccount principal (stack Tongban-${config.stage}-Principals): ${PRINCIPAL_NAME_PLACEHOLDER} is the principal's name in the configuration`,
      });
    }
  }

  /** A `queue` function's queue and dead-letter queue. */
  lambdaQueues(name: LambdaName): { queue: Queue; deadLetters: Queue } {
    const { queue, deadLetters } = this.built[name];
    if (queue === undefined || deadLetters === undefined) throw new Error(`the ${name} function is not fed by a queue`);
    return { queue, deadLetters };
  }

  /** A function of the stack by name: an API function, the sweep, the joint, sealing or archive function. */
  lambda(name: LambdaName): NodejsFunction {
    return this.built[name].function;
  }

  /** A function's dead-letter queue (a scheduled, `Event`-invoked, stream or queue function has one), its schedule's rule and its alarms. */
  failuresOf(name: LambdaName): { deadLetters: Queue; schedule?: Rule; alarms: Record<string, Alarm> } {
    const { deadLetters, schedule, alarms } = this.built[name];
    if (deadLetters === undefined) throw new Error(`the ${name} function has no dead-letter queue`);
    return { deadLetters, ...(schedule ? { schedule } : {}), alarms };
  }
}
