// The joint-handling definition as Amazon States Language JSON, for the embedded platform (`npm start`),
// which runs it with aws-local-stepfunctions: not a copy, but the definition the deployed app has,
// taken from a synthesised template. `embeddedJointDefinition` synthesises a bare app holding just the
// JointHandling construct (no bundling, no cdk-nag) and resolves its DefinitionString with the given
// function ARN; `definitionFromTemplate` does the same for any template with one state machine, so a
// test can show both give the same JSON.
import { App, Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JointHandling } from './joint-handling.ts';

type Json = Record<string, unknown>;

/** A state machine definition (Amazon States Language), as far as callers look into it. */
export interface StateMachineDefinitionJson {
  Comment?: string;
  StartAt: string;
  States: Record<string, Json>;
  [field: string]: unknown;
}

const STATE_MACHINE = 'AWS::StepFunctions::StateMachine';

/**
 * The definition of the one `AWS::StepFunctions::StateMachine` of a synthesised template, parsed: its
 * `DefinitionString` (a string, or an `Fn::Join` of strings and references) resolved with
 * `Fn::GetAtt [<a Lambda function of the template>, Arn]` → `functionArn` (every such reference must
 * name the same function), `Ref AWS::Partition` → `partition`, `Ref AWS::Region` / `AWS::AccountId`
 * → the region and account of `functionArn`, `Ref AWS::URLSuffix` → the partition's. Anything else
 * (another resource, an import, a parameter) throws: the result would not be the deployed definition.
 */
export function definitionFromTemplate(template: { Resources: Record<string, unknown> }, functionArn: string, partition = 'aws'): StateMachineDefinitionJson {
  const resources = template.Resources as Record<string, { Type?: unknown; Properties?: Json }>;
  const machines = Object.entries(resources).filter(([, r]) => r.Type === STATE_MACHINE);
  if (machines.length !== 1) throw new Error(`expected one ${STATE_MACHINE} in the template, found ${machines.length}`);
  const [machineId, machine] = machines[0]!;
  const arn = /^arn:[^:]+:lambda:([^:]*):([^:]*):function:[^:]+(:[^:]+)?$/.exec(functionArn);
  if (arn === null) throw new Error(`not a Lambda function ARN: ${functionArn}`);
  const pseudo: Record<string, string> = {
    'AWS::Partition': partition,
    'AWS::Region': arn[1]!,
    'AWS::AccountId': arn[2]!,
    'AWS::URLSuffix': partition.startsWith('aws-cn') ? 'amazonaws.com.cn' : 'amazonaws.com',
  };
  let functionId: string | undefined;

  const resolve = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const o = (typeof node === 'object' && node !== null ? node : {}) as Json;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [delimiter, parts] = o['Fn::Join'] as [unknown, unknown];
      if (typeof delimiter !== 'string' || !Array.isArray(parts)) throw new Error(`${machineId}: malformed Fn::Join in DefinitionString`);
      return parts.map(resolve).join(delimiter);
    }
    if (keys.length === 1 && keys[0] === 'Ref' && typeof o.Ref === 'string' && pseudo[o.Ref] !== undefined) return pseudo[o.Ref]!;
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [id, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      const target = typeof id === 'string' ? resources[id] : undefined;
      if (attribute === 'Arn' && target?.Type === 'AWS::Lambda::Function' && (functionId === undefined || functionId === id)) {
        functionId = id as string;
        return functionArn;
      }
    }
    throw new Error(`${machineId}: cannot resolve ${JSON.stringify(node)} in DefinitionString (only the joint function's Arn and pseudo parameters)`);
  };

  const definition = JSON.parse(resolve(machine.Properties?.DefinitionString)) as StateMachineDefinitionJson;
  if (typeof definition.StartAt !== 'string' || typeof definition.States !== 'object') throw new Error(`${machineId}: DefinitionString is not a state machine definition`);
  return definition;
}

/**
 * The joint-handling definition as deployed, with `functionArn` as the function of every Lambda step:
 * synthesised from the JointHandling construct in a bare app (into a temporary directory, removed
 * afterwards), then resolved by definitionFromTemplate. About 0.4 s, plus about 1 s to import
 * aws-cdk-lib the first time.
 */
export function embeddedJointDefinition(functionArn: string): StateMachineDefinitionJson {
  const outdir = mkdtempSync(join(tmpdir(), 'tongban-joint-definition-'));
  try {
    // Nothing but the template: CDK's CloudFormation validation alone would take ~10 s (it loads the
    // resource specification), and there is nothing to bundle, report or trace.
    const app = new App({ outdir, builtinCloudFormationValidation: false, analyticsReporting: false, stackTraces: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'JointDefinition');
    new JointHandling(stack, 'JointHandling', {
      stage: 'local',
      jointFunction: LambdaFunction.fromFunctionArn(stack, 'JointFunction', functionArn),
      logRetention: RetentionDays.ONE_DAY,
    });
    const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, unknown> };
    return definitionFromTemplate(template, functionArn);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
