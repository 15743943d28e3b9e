// The statistics function: a period's figures (signed), their check against the case records, and the
// published figures and sealed monthly documents (public).
import { CASES_TABLE, FEEDBACK_TABLE, ITEMS_TABLE, SUPERVISION_TABLE } from '../../shared/adapters/table-layout.ts';
import type { ApiFunctionManifest } from '../manifest.ts';

export const statistics = {
  name: 'statistics',
  description: 'statistics: figures, their check and the published figures',
  trigger: { kind: 'api' },
  tables: {
    // shared/adapters/dynamo-statistics-store.ts: the day summaries of a department (Query), the sealed
    // documents and the kept facts the check compares (GetItem), the facts of a day (Query).
    statistics: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // Items listed per department (the catalogueByDepartment index, counted).
    items: { actions: [], indexes: [ITEMS_TABLE.indexes.catalogueByDepartment.name] },
    // Findings per department and day, by rule (the findingsByDepartment index).
    supervision: { actions: [], indexes: [SUPERVISION_TABLE.indexes.findingsByDepartment.name] },
    // 好差评 per department and day rated (the byDepartment index, the counted attributes alone).
    feedback: { actions: [], indexes: [FEEDBACK_TABLE.indexes.byDepartment.name] },
    // The check: heads changed since the period began (the anchorQueue index), each case and its entries.
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:Query'], indexes: [CASES_TABLE.indexes.anchorQueue.name] },
    // Resolves callers, names departments, and the channels' kinds.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // The check derives each decision's working days as the tally does.
  calendar: ['dynamodb:Query'],
  publicRoutes: {
    getPublicStatistics:
      'the published statistics of a period (001 §28): counts, shares and working days per department from the derived summaries, no personal data and no case numbers',
    getStatisticsDocument: "a month's sealed statistics document (the same public figures, canonical JSON) and its seal: no personal data",
  },
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).statisticsHandler,
} as const satisfies ApiFunctionManifest<'statistics'>;
