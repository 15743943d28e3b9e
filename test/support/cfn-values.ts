// CloudFormation values as the infrastructure tests read them: a reference or a join as one text; and
// the shapes of a template's resources and policy statements.

export type CfnJson = Record<string, unknown>;

/** A resource of a synthesised template. */
export interface CfnResource {
  Type: string;
  Properties?: CfnJson;
  DependsOn?: string | string[];
  Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** A statement of a policy document (IAM, bucket or key policy). */
export interface CfnStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A CloudFormation value as text: `Ref` → `<Id>`, `Fn::GetAtt` → `<Id.Attr>`, a cross-stack output → `<Stack.Output>`, an import → `<Export>`, `Fn::Join` joined. */
export function flatten(node: unknown): string {
  if (typeof node === 'string') return node;
  const o = node as Record<string, unknown>;
  if (o['Fn::Join']) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(sep);
  }
  if (o['Fn::GetAtt']) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  if (o.Ref) return `<${o.Ref as string}>`;
  if (o['Fn::GetStackOutput']) {
    const { StackName, OutputName } = o['Fn::GetStackOutput'] as { StackName: string; OutputName: string };
    return `<${StackName}.${OutputName}>`;
  }
  if (o['Fn::ImportValue']) return `<${flatten(o['Fn::ImportValue'])}>`;
  return `<${JSON.stringify(node)}>`;
}
