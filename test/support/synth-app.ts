// Synthesises the CDK app for the infrastructure tests as `cdk synth` would (the feature flags of
// cdk.json, cdk-nag registered by buildTongbanApp), into temporary directories removed by
// `removeSynthOutputs`. Without bundling and without CloudFormation validation unless asked: most
// tests look at the templates only, and stay fast.
import { App } from 'aws-cdk-lib';
import type { Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTongbanApp } from '../../infra/app.ts';
import type { TongbanApp } from '../../infra/app.ts';
import { CONFIG_CONTEXT_KEY, SEAL_STACKS, loadConfig, sealStackName } from '../../infra/config.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
/** cdk.json: the app command and the context (feature flags and the platform configuration). */
export const CDK_JSON = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { app: string; context: Record<string, unknown> };
/** The feature flags of cdk.json (everything but the platform configuration). */
export const FEATURE_FLAGS = Object.fromEntries(Object.entries(CDK_JSON.context).filter(([k]) => k !== CONFIG_CONTEXT_KEY));

export interface SynthOptions {
  /** Bundle the functions with esbuild (slow). */
  bundle?: boolean;
  /** Run CDK's built-in CloudFormation validation. */
  validation?: boolean;
}

const outdirs: string[] = [];

/** A temporary directory, removed with the synthesis outputs by `removeSynthOutputs`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  outdirs.push(dir);
  return dir;
}

/** A new app with `config` as its `tongban` context, writing into a temporary directory. */
export function newApp(config: unknown, opts: SynthOptions = {}): App {
  const outdir = tempDir('tongban-cdk-');
  return new App({
    outdir,
    builtinCloudFormationValidation: opts.validation ?? false,
    context: { ...FEATURE_FLAGS, [CONFIG_CONTEXT_KEY]: config, ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
}

/** The app of `config`, built and synthesised. */
export function synthApp(config: unknown, opts: SynthOptions = {}): TongbanApp & { app: App; assembly: CloudAssembly } {
  const app = newApp(config, opts);
  const built = buildTongbanApp(app);
  return { ...built, app, assembly: app.synth() };
}

/** Every stack of a built app: the replica and data stacks, the seal-key stacks, the API and principals stacks, the console stack if configured. */
export function stacksOf(built: TongbanApp): Stack[] {
  return [built.replica, built.data, ...built.seals, built.api, built.principals, ...(built.console !== undefined ? [built.console] : [])];
}

/** The names of every stack of stage `stage`, sorted; `console`: with the console's. */
export function stackNames(stage: string, opts: { console?: boolean } = {}): string[] {
  return [
    `Tongban-${stage}-Replica`,
    `Tongban-${stage}-Data`,
    ...Array.from({ length: SEAL_STACKS }, (_, i) => sealStackName(stage, i + 1)),
    `Tongban-${stage}-Api`,
    `Tongban-${stage}-Principals`,
    ...(opts.console === true ? [`Tongban-${stage}-Console`] : []),
  ].sort();
}

/** Why `loadConfig` refuses the `tongban` context `tongban` (its error message), or undefined if it accepts it. */
export function configProblem(tongban: unknown): string | undefined {
  try {
    loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: tongban } }));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Removes the directories of every app made so far (call it in afterAll). */
export function removeSynthOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
