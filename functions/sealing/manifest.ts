// The sealing function: seals a decided case's results (the decision document, the e-licence) with
// its department's active seal key. Invoked by the cases function (right after a decision) and the
// sweep (a sealing that failed), with a case number only; and by the cases function with a licence
// identifier only, to seal the amended version of a licence its issuing department recorded.
import type { EventFunctionManifest } from '../manifest.ts';

export const sealing = {
  name: 'sealing',
  description:
    "seals a decided case's results (decision, e-licence) and an amended e-licence's new version with the department's active seal; invoked by the cases function and the sweep alone",
  trigger: { kind: 'invoked', invokers: ['cases', 'sweep'], variable: 'SEALING_FUNCTION_NAME', invocation: 'RequestResponse' },
  tables: {
    // One case (head by GetItem, entries by Query on its partition); writes the `seal` entry and the
    // head, and the licence (`LICENCE#<id>`, GetItem first: a retry takes up the one an interrupted
    // run stored, then a conditional put: once). An amended licence: its head and the version waiting
    // (GetItem), the sealed version (a conditional put: once) and the head moved to it (a conditional
    // put).
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
    // The item version the case was filed under (GetItem, or the head by Query).
    items: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // The seal registry.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  calendar: ['dynamodb:Query'],
  // Signs with the active seal keys alone (the only kms:Sign on them; each key's policy also denies it
  // to every other principal, and a retired key's to all), with the key's own algorithm only.
  sealKeys: ['kms:Sign'],
  // A few reads, one KMS Sign per document, a few conditional writes.
  limits: { timeoutSeconds: 20 },
  alarms: {
    // Published by the sealing and the archive functions, once per case, when a follow-up is given up.
    givenUp: {
      id: 'FollowUpGivenUpAlarm',
      watch: { metric: 'FollowUpsGivenUp', statistic: 'Maximum' },
      description:
        'the platform gave up sealing or archiving a case (a refusal retrying cannot mend, recorded on the case as followUpFailure; see the log: "given up"): mend the cause, then retry-follow-up',
    },
  },
  load: async () => (await import('./handler.ts')).sealingHandler,
} as const satisfies EventFunctionManifest<'sealing'>;
