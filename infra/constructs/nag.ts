// cdk-nag acknowledgements that need the template's own values: a finding about a wildcard names the
// resource as the template holds it, resolved.
import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import { AWS_SOLUTIONS_PREFIX, WriteAcknowledgements } from './nag-packs.ts';
import type { IConstruct } from 'constructs';

/**
 * A resolved CloudFormation value as cdk-nag names it in a finding id: `Ref` → `<Id>`,
 * `Fn::GetAtt` → `<Id.Attr>`, `Fn::Join` joined, `${…}` → `<…>` (cdk-nag's flattenCfnReference).
 */
export function flattenForNag(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flattenForNag).join(delimiter);
    }
    if (o['Fn::Sub']) return flattenForNag(o['Fn::Sub']);
    if (o['Fn::GetAtt']) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenForNag(resource)}.${flattenForNag(attribute)}>`;
    }
    if (o['Fn::ImportValue']) return flattenForNag(o['Fn::ImportValue']);
    if (o.Ref) return `<${flattenForNag(o.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** A wildcard resource granted to a policy (an ARN token, maybe another stack's), and why: its cdk-nag acknowledgement. */
export interface Wildcard {
  objects: string;
  reason: string;
}

/**
 * Acknowledges cdk-nag's IAM5 finding for a wildcard under a bucket of the data stack (the
 * `uploads/*` and `cases/*` objects of the materials bucket, the `bundles/*` of the archive bucket)
 * on `policy`, each with its own reason, naming the resource as the template holds it. That is a
 * reference to an output of the data stack, which CDK only creates when it resolves cross-stack
 * references, after construction; so the acknowledgement is made in the stack's validation, which
 * runs after that and before the template is written and cdk-nag checks it, from the resolved value
 * itself. The aspect writing acknowledgements (nag-packs.ts) has already copied them into the template's metadata by
 * then (or found none to copy), so it is run again on this policy.
 */
export function acknowledgeResolvedWildcards(policy: IConstruct, wildcards: readonly Wildcard[]): void {
  const stack = Stack.of(policy);
  const resource = policy.node.defaultChild as CfnResource;
  stack.node.addValidation({
    validate: () => {
      for (const { objects, reason } of wildcards) {
        Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattenForNag(stack.resolve(objects))}]`, reason });
      }
      new WriteAcknowledgements(AWS_SOLUTIONS_PREFIX).visit(resource);
      return [];
    },
  });
}

/** `case-sweep` → `CaseSweep`: construct ids from names. */
export function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join('');
}
