// The evaluations function: 好差评 — an ended case rated by the channel that filed it, a window visit by
// the hall window, the departments' answers and appeals, the channels' ratings of the answers, the
// platform's verdicts, the lists and views.
import { FEEDBACK_TABLE } from '../../shared/adapters/table-layout.ts';
import type { ApiFunctionManifest } from '../manifest.ts';

export const evaluations = {
  name: 'evaluations',
  description: '好差评: ratings, answers, appeals, verdicts, lists',
  trigger: { kind: 'api' },
  tables: {
    // shared/adapters/dynamo-evaluation-store.ts: reads an evaluation (GetItem of its head, Query of its
    // entries), rates and records an action (conditional PutItem of the entry, PutItem of the head),
    // lists by channel, department and state (the due list is the watch function's alone).
    feedback: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      indexes: [FEEDBACK_TABLE.indexes.byChannel.name, FEEDBACK_TABLE.indexes.byDepartment.name, FEEDBACK_TABLE.indexes.byState.name],
    },
    // The case rated, read only (DynamoCaseStore.read, readOnly: GetItem of its head, Query of its newest entries).
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // Resolves callers; a window's channel kind and department.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // A bad review's due day is counted in working days.
  calendar: ['dynamodb:Query'],
  environment: (config): Record<string, string> => (config.rectificationDays !== undefined ? { RECTIFICATION_DAYS: String(config.rectificationDays) } : {}),
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).evaluationsHandler,
} as const satisfies ApiFunctionManifest<'evaluations'>;
