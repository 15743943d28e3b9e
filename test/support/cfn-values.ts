// CloudFormation values as the infrastructure tests read them: a reference or a join as one text, and
// every value inside a structure so; the shapes of a template's resources and policy statements; the
// path of each API Gateway resource.
import type { Template } from 'aws-cdk-lib/assertions';

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

/** Every CloudFormation value inside arrays and plain objects as text (see flatten). */
export function flattenDeep(node: unknown): unknown {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(flattenDeep);
  if (typeof node === 'object' && node !== null) {
    const keys = Object.keys(node);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) return flatten(node);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, flattenDeep(v)]));
  }
  return node;
}

/** `/v1/items/{code}` etc. for every API Gateway resource of `template`, by logical id. */
export function apiResourcePaths(template: Template): Map<string, string> {
  const all = (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;
  const raw = new Map(Object.entries(all).flatMap(([id, r]) => (r.Type === 'AWS::ApiGateway::Resource' ? [[id, r.Properties ?? {}] as const] : [])));
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const r = raw.get(id)!;
    const parent = r.ParentId as CfnJson;
    const path = `${parent.Ref ? pathOf(parent.Ref as string) : ''}/${r.PathPart as string}`;
    paths.set(id, path);
    return path;
  };
  for (const id of raw.keys()) pathOf(id);
  return paths;
}
