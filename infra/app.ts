// The CDK app (cdk.json: `npx tsx infra/app.ts`): the data stack, the API stack and the principals
// stack of the stage the `tongban` context configures, checked by cdk-nag's AWS Solutions rules. `cdk synth` fails on any
// finding that is not acknowledged, with its reason, where the resource is defined; the
// acknowledgements are also written into the templates (resource Metadata `cdk_nag`) as an audit trail.
//
// The stacks are environment-agnostic (account and region come from the credentials at deploy time),
// so synth needs neither credentials nor network, and the same template deploys to the aws and
// aws-cn partitions.
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configuredSeals, loadConfig } from './config.ts';
import type { TongbanConfig } from './config.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { PrincipalsStack } from './stacks/principals-stack.ts';

export interface TongbanApp {
  config: TongbanConfig;
  data: DataStack;
  api: ApiStack;
  principals: PrincipalsStack;
}

/** Adds the stacks configured by the `tongban` context of `app`, and the cdk-nag checks. */
export function buildTongbanApp(app: App): TongbanApp {
  const config = loadConfig(app);
  const data = new DataStack(app, `Tongban-${config.stage}-Data`, {
    stage: config.stage,
    logRetentionDays: config.logRetentionDays,
    departments: config.departments,
    seals: configuredSeals(config),
    sealKeySpec: config.sealKeySpec,
    description: `Tongban ${config.stage}: data (KMS key, DynamoDB tables, materials bucket, departments' seal keys, archive bucket and its keys, operations trail), retained on delete`,
  });
  const dataResources = data.dataResources();
  const api = new ApiStack(app, `Tongban-${config.stage}-Api`, {
    config,
    ...dataResources,
    // One resource and method per route (and each function's role and alarms): the template outgrows
    // CDK's 80 % warning of CloudFormation's 1 MB. Unindented, it is the same template in fewer bytes.
    suppressTemplateIndentation: true,
    description: `Tongban ${config.stage}: API Gateway, Lambda functions, WAF, directory, case sweep schedule, joint-handling state machine, sealing function, archive function`,
  });
  const principals = new PrincipalsStack(app, `Tongban-${config.stage}-Principals`, {
    config,
    api: api.api,
    archiveBucket: dataResources.archiveBucket,
    archiveKey: dataResources.archiveKey,
    description: `Tongban ${config.stage}: the principals' roles, each platform role's policy invoking its routes, the auditors' archive reading`,
  });
  Tags.of(app).add('project', 'tongban');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return { config, data, api, principals };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const app = new App();
  buildTongbanApp(app);
  app.synth();
}
