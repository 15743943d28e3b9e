// The Deny statements of the asymmetric keys' policies (the departments' seal keys:
// infra/constructs/seal-keys.ts; the archive seal key: infra/constructs/archive-keys.ts). A key
// policy's default statement gives the account kms:* so that IAM policies apply; these statements,
// which no IAM policy can outweigh, keep each use of a key to the roles they name, or to nobody.
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * A key policy statement denying `actions` to every principal — but, when `exceptRoleArns` names
 * any, to the principals whose `aws:PrincipalArn` is one of them (`ArnNotEquals`: with several
 * values, the deny applies to a principal that matches none). A session of an assumed role has its
 * role's ARN as `aws:PrincipalArn`.
 */
export function keyUseDenial(sid: string, actions: readonly string[], exceptRoleArns: readonly string[] = []): PolicyStatement {
  return new PolicyStatement({
    sid,
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: [...actions],
    resources: ['*'],
    ...(exceptRoleArns.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': exceptRoleArns.length === 1 ? exceptRoleArns[0]! : [...exceptRoleArns] } } } : {}),
  });
}
