// The Deny statements of the keys' policies. A key policy's default statement gives the account
// kms:* so that IAM policies apply; these statements, which no IAM policy can outweigh, keep each
// use of a key to the roles they name, or to nobody:
// - the asymmetric keys' uses (the departments' seal keys: infra/constructs/seal-keys.ts; the
//   archive seal key: infra/constructs/archive-keys.ts): keyUseDenial;
// - the key guard, on every key of the data and replica stacks (guardKeys): destroying a key
//   destroys everything it encrypts or makes every seal it made unverifiable, so scheduling its
//   deletion, disabling it, disabling its rotation or deleting imported key material
//   (KEY_GUARDED_ACTIONS) is denied to every principal but the break-glass role
//   (config.ts: breakGlassRoleName), named by ARN because a key policy may not name a principal
//   that does not exist yet. Cancelling a scheduled deletion and enabling a key stay open to the
//   account's administrators: recovering is never guarded.
//   kms:PutKeyPolicy is not guarded: CloudFormation puts each key's policy on every deployment that
//   changes it, as the deploying role (CDK's cfn-exec role), and KMS refuses (lockout safety check)
//   any policy that would deny its caller a later PutKeyPolicy. A policy change goes through review
//   and `cdk deploy`; its CloudTrail event is alarmed on with the guarded ones (operations).
//   kms:DeleteAlias is not guarded either: CloudFormation deletes an alias it no longer templates, and
//   a lost alias is made again without loss (the key and its data stay).
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { roleArnNamed } from '../role-arns.ts';

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

/**
 * The key actions only the break-glass role may take, on every key of the data and replica stacks
 * (see the header: why kms:PutKeyPolicy and kms:DeleteAlias are not among them). An attempt by
 * anybody else is refused and recorded by CloudTrail under the action's name (the alarm on those
 * events: the operations' KEY_GUARD_EVENT_NAMES).
 */
export const KEY_GUARDED_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:DeleteImportedKeyMaterial'] as const;

/** The Sid of the key guard statement. */
export const KEY_GUARD_SID = 'OnlyBreakGlassDeletesOrDisablesTheKey';

/** The key guard: KEY_GUARDED_ACTIONS denied to every principal but the roles of `breakGlassRoleArns`. */
export function keyGuardDenial(breakGlassRoleArns: readonly string[]): PolicyStatement {
  return keyUseDenial(KEY_GUARD_SID, KEY_GUARDED_ACTIONS, breakGlassRoleArns);
}

/** Adds the key guard to the policy of every KMS key under `scope` (a stack: every key it defines), the break-glass role `breakGlassRoleName` excepted. Returns the keys guarded. */
export function guardKeys(scope: IConstruct, breakGlassRoleName: string): Key[] {
  const keys = scope.node.findAll().filter((c): c is Key => c instanceof Key);
  for (const key of keys) key.addToResourcePolicy(keyGuardDenial([roleArnNamed(key, breakGlassRoleName)]));
  return keys;
}
