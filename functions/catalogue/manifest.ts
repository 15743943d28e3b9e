// The catalogue function: service items (事项) and their versions, reviewed and published.
import { ITEMS_TABLE, indexNames } from '../../shared/adapters/table-layout.ts';
import type { ApiFunctionManifest } from '../manifest.ts';

export const catalogue = {
  name: 'catalogue',
  description: 'the catalogue of service items (drafts, review, publication)',
  trigger: { kind: 'api' },
  tables: {
    // The item store (shared/adapters/dynamo-item-store.ts): gets, queries (the table and its
    // indexes) and puts with conditions (a new version only where none exists).
    items: { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], indexes: indexNames(ITEMS_TABLE) },
    // Resolves callers.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  calendar: ['dynamodb:Query'],
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).catalogueHandler,
} as const satisfies ApiFunctionManifest<'catalogue'>;
