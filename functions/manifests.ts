// Every Lambda function of the platform, by name: the manifests the CDK app and the embedded platform
// build from (functions/manifest.ts). A new function is a folder with its handler and its manifest,
// listed here.
import { anchoring } from './anchoring/manifest.ts';
import { archive } from './archive/manifest.ts';
import { cases } from './cases/manifest.ts';
import { catalogue } from './catalogue/manifest.ts';
import { deliveries } from './deliveries/manifest.ts';
import { evaluations } from './evaluations/manifest.ts';
import { events } from './events/manifest.ts';
import { feedbackRelay } from './feedback-relay/manifest.ts';
import { joint } from './joint/manifest.ts';
import type { EventFunctionManifest, FunctionManifest, Trigger } from './manifest.ts';
import { platform } from './platform/manifest.ts';
import { publication } from './publication/manifest.ts';
import { relay } from './relay/manifest.ts';
import { sealing } from './sealing/manifest.ts';
import { seals } from './seals/manifest.ts';
import { statistics } from './statistics/manifest.ts';
import { supervision } from './supervision/manifest.ts';
import { sweep } from './sweep/manifest.ts';
import { tally } from './tally/manifest.ts';
import { tickets } from './tickets/manifest.ts';
import { watch } from './watch/manifest.ts';

export const MANIFESTS = {
  platform,
  catalogue,
  cases,
  supervision,
  seals,
  events,
  statistics,
  evaluations,
  tickets,
  sweep,
  anchoring,
  joint,
  sealing,
  archive,
  relay,
  'feedback-relay': feedbackRelay,
  deliveries,
  watch,
  tally,
  publication,
} as const satisfies Record<string, FunctionManifest>;

/** Every Lambda function of the app: the route table's and the ones no route invokes. */
export type LambdaName = keyof typeof MANIFESTS;
export const LAMBDA_NAMES: readonly LambdaName[] = Object.values(MANIFESTS).map((m) => m.name);

/** The same, each read as a FunctionManifest (every field, declared or not). */
export const FUNCTION_MANIFESTS: Readonly<Record<LambdaName, FunctionManifest>> = MANIFESTS;

/** The functions run by a schedule (each by its own: infra/constructs/case-functions.ts; embedded, a timer each). */
export type ScheduledName = { [N in LambdaName]: (typeof MANIFESTS)[N]['trigger'] extends { kind: 'schedule' } ? N : never }[LambdaName];

/** What a run of the scheduled function `N` answers (its handler's result). */
export type ScheduledRun<N extends ScheduledName> = Awaited<ReturnType<ReturnType<Awaited<ReturnType<(typeof MANIFESTS)[N]['load']>>>>>;

/** The manifests of the functions started by `kind` (the embedded platform starts each kind its own way). */
export function manifestsTriggeredBy<K extends Trigger['kind']>(kind: K): (EventFunctionManifest & { trigger: Extract<Trigger, { kind: K }>; name: LambdaName })[] {
  return LAMBDA_NAMES.map((name) => FUNCTION_MANIFESTS[name]).filter(
    (m): m is EventFunctionManifest & { trigger: Extract<Trigger, { kind: K }>; name: LambdaName } => m.trigger.kind === kind,
  );
}
