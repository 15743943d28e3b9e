// The ARN of an IAM role of the deploying account, built from its name: the key policies and the
// directory name roles another stack creates, or an operator does (the break-glass role), and a
// stack cannot refer to those. So those roles have fixed names (config.ts: functionRoleName,
// principalRoleName, breakGlassRoleName).
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** `arn:<partition>:iam::<account>:role/<name>` in the partition and account of `scope`'s stack (`name` may carry a path). */
export function roleArnNamed(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}
