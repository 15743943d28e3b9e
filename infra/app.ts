// The CDK app (cdk.json: `npx tsx infra/app.ts`): the replica stack, the data stack, the seal-key
// stacks, the API stack, the principals stack and, with a `console` block, the console stack of the
// stage the `tongban` context configures,
// checked by cdk-nag's AWS Solutions, NIST 800-53 rev. 5 and Serverless rules
// (infra/constructs/nag-packs.ts). `cdk synth` fails on any
// finding that is not acknowledged, with its reason, where the resource is defined; the
// acknowledgements are also written into the templates (resource Metadata `cdk_nag`) as an audit trail.
//
// The stacks are environment-agnostic (account and region come from the credentials at deploy time),
// so synth needs neither credentials nor network, and the same template deploys to the aws and
// aws-cn partitions. The replica stack alone names its region (config.replicaRegion), not its
// account; the data stack names its resources deterministically and deploys after it.
import { App, AspectPriority, Aspects, Tags, Validations } from 'aws-cdk-lib';
import { EncryptLogGroups } from './constructs/logs-key.ts';
import { nagPacks } from './constructs/nag-packs.ts';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEAL_STACKS, configuredSeals, loadConfig, sealStackName, sealStackOf } from './config.ts';
import type { TongbanConfig } from './config.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { ConsoleStack } from './stacks/console-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { SealsStack } from './stacks/seals-stack.ts';
import { PrincipalsStack } from './stacks/principals-stack.ts';
import { ReplicaStack } from './stacks/replica-stack.ts';

export interface TongbanApp {
  config: TongbanConfig;
  data: DataStack;
  /** The seal-key stacks, part 1 to SEAL_STACKS. */
  seals: SealsStack[];
  api: ApiStack;
  principals: PrincipalsStack;
  replica: ReplicaStack;
  /** The web console's stack, when the configuration has a `console` block. */
  console: ConsoleStack | undefined;
}

/** Adds the stacks configured by the `tongban` context of `app`, and the cdk-nag checks. */
export function buildTongbanApp(app: App): TongbanApp {
  const config = loadConfig(app);
  const replica = new ReplicaStack(app, `Tongban-${config.stage}-Replica`, {
    stage: config.stage,
    replicaRegion: config.replicaRegion,
    logRetentionDays: config.logRetentionDays,
    backupRetentionDays: config.backupRetentionDays,
    breakGlassRoleName: config.breakGlassRoleName,
    description: `Tongban ${config.stage}: the second region (${config.replicaRegion}): the archive and materials buckets' replicas and their keys, the vault of the tables' backup copies, retained on delete`,
  });
  const data = new DataStack(app, `Tongban-${config.stage}-Data`, {
    stage: config.stage,
    logRetentionDays: config.logRetentionDays,
    config,
    sealKeySpec: config.sealKeySpec,
    alarmEmails: config.alarmEmails,
    replicaRegion: config.replicaRegion,
    backupRetentionDays: config.backupRetentionDays,
    breakGlassRoleName: config.breakGlassRoleName,
    description: `Tongban ${config.stage}: data (KMS keys, DynamoDB tables and their backups, directory record, materials bucket, archive bucket and its keys, replication to ${config.replicaRegion}, operations trail), retained on delete; the alarm topic and the key guard`,
  });
  // Its replication rules and backup copies name the replica stack's buckets, keys and vault.
  data.addStackDependency(replica, 'the replication destinations and the backup copy vault must exist first');
  const dataResources = data.dataResources();
  const seals = configuredSeals(config);
  const seal = Array.from({ length: SEAL_STACKS }, (_, i) => i + 1).map(
    (part) =>
      new SealsStack(app, sealStackName(config.stage, part), {
        stage: config.stage,
        part,
        departments: config.departments,
        seals: seals.filter((s) => sealStackOf(s.department) === part),
        directoryTable: dataResources.directoryTable,
        dataKey: dataResources.dataKey,
        retention: config.logRetentionDays,
        breakGlassRoleName: config.breakGlassRoleName,
        description: `Tongban ${config.stage}: departments' seal keys, part ${part} of ${SEAL_STACKS} (by credit code), and their part of the seal registry; retained on delete`,
      }),
  );
  const api = new ApiStack(app, `Tongban-${config.stage}-Api`, {
    config,
    ...dataResources,
    // One resource and method per route (and each function's role and alarms): the template outgrows
    // CDK's 80 % warning of CloudFormation's 1 MB. Unindented, it is the same template in fewer bytes.
    suppressTemplateIndentation: true,
    description: `Tongban ${config.stage}: API Gateway, Lambda functions, WAF, directory, the schedules (case sweep, anchoring, statistics publication), joint-handling state machine, sealing function, archive function, alarms and dashboard`,
  });
  const principals = new PrincipalsStack(app, `Tongban-${config.stage}-Principals`, {
    config,
    api: api.api,
    archiveBucket: dataResources.archiveBucket,
    archiveKey: dataResources.archiveKey,
    // A trust policy per principal (two statements for a named one with the console's sign-in): a city's
    // roles make a large template; unindented, the same template in fewer bytes.
    suppressTemplateIndentation: true,
    description: `Tongban ${config.stage}: the principals' roles, each platform role's policy invoking its routes, the auditors' archive reading`,
  });
  const consoleStack =
    config.console !== undefined
      ? new ConsoleStack(app, `Tongban-${config.stage}-Console`, {
          config,
          settings: config.console,
          api: api.api,
          materialsBucket: dataResources.materialsBucket,
          archiveBucket: dataResources.archiveBucket,
          description: `Tongban ${config.stage}: the web console at https://${config.console.domainName}/ (private bucket, CloudFront with origin access control, config.json), signing in through ${config.console.signIn.kind === 'oidc' ? 'OpenID Connect' : 'SAML'}`,
        })
      : undefined;
  // The roles and the identity provider its sign-in takes first.
  consoleStack?.addStackDependency(principals, "the sign-in assumes the principals' roles through the identity provider that stack creates");
  // Every log group of every stack, the ones aws-cdk-lib makes included, with the logs key.
  for (const stack of [data, ...seal, api, principals, ...(consoleStack !== undefined ? [consoleStack] : [])])
    Aspects.of(stack).add(new EncryptLogGroups(data.logsKey), { priority: AspectPriority.MUTATING });
  Tags.of(app).add('project', 'tongban');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(...nagPacks(app));
  return { config, data, seals: seal, api, principals, replica, console: consoleStack };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const app = new App();
  buildTongbanApp(app);
  app.synth();
}
