// The key of the platform's CloudWatch Logs: every log group of every stack (the functions', the
// API's access and execution logs, the state machine's, the WAF's, the deployment-time writers') is
// encrypted with it, set by the EncryptLogGroups aspect (infra/app.ts) so that no log group can be
// added without it. Logs carry principals, case numbers and request ids: they are kept at least 365
// days (网络安全法 §21) and deserve a customer-managed key, rotated yearly and retained like the data.
//
// CloudWatch Logs uses the key as the service principal of the region (`logs.<region>.<URL suffix>`,
// amazonaws.com.cn in China), only for log groups of this account and region (encryption context
// `aws:logs:arn`), as AWS documents.
import { ArnFormat, Aws, Fn, Stack } from 'aws-cdk-lib';
import type { IAspect } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { platformKey } from './platform-key.ts';

/** The actions CloudWatch Logs needs on the key of an encrypted log group. */
export const LOGS_KEY_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'] as const;

/** The key of the stage's log groups, alias `alias/tongban-<stage>-logs`. */
export function logsKey(scope: Construct, stage: string): Key {
  const stack = Stack.of(scope);
  const key = platformKey(scope, 'LogsKey', {
    alias: `alias/tongban-${stage}-logs`,
    description: `Tongban ${stage}: encryption at rest of every CloudWatch Logs log group of the platform`,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccountAndRegion',
      principals: [new ServicePrincipal(Fn.join('', ['logs.', Aws.REGION, '.', Aws.URL_SUFFIX]))],
      actions: [...LOGS_KEY_ACTIONS],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }),
  );
  return key;
}

/** Sets the logs key on every log group of the scope it visits that names no key of its own. */
export class EncryptLogGroups implements IAspect {
  constructor(private readonly key: IKey) {}

  visit(node: IConstruct): void {
    if (node instanceof CfnLogGroup && node.kmsKeyId === undefined) node.kmsKeyId = this.key.keyArn;
  }
}
