// The supervision function: the findings of electronic supervision (监察预警) — listed, read with their
// history, answered by the departments, closed or returned by the platform role.
import { SUPERVISION_TABLE, indexNames } from '../../shared/adapters/table-layout.ts';
import type { ApiFunctionManifest } from '../manifest.ts';

export const supervision = {
  name: 'supervision',
  description: 'supervision findings: lists, answers, verdicts',
  trigger: { kind: 'api' },
  tables: {
    // shared/adapters/dynamo-finding-store.ts: reads a finding (GetItem of its head, Query of its
    // entries), records an action (conditional PutItem of the entry, PutItem of the head), lists by the
    // indexes (every one but the due list, which the watch function alone reads).
    supervision: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      indexes: indexNames(SUPERVISION_TABLE).filter((ix) => ix !== SUPERVISION_TABLE.indexes.findingsDue.name),
    },
    // Resolves callers.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // A returned finding's new due day is counted in working days.
  calendar: ['dynamodb:Query'],
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).supervisionHandler,
} as const satisfies ApiFunctionManifest<'supervision'>;
