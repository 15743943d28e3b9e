// The platform function: health, the OpenAPI description and the official holiday arrangements.
import type { ApiFunctionManifest } from '../manifest.ts';

export const platform = {
  name: 'platform',
  description: 'health, the API description, the official calendar and the supervision rules',
  trigger: { kind: 'api' },
  // The directory: who calls the calendar routes.
  tables: { directory: { actions: ['dynamodb:GetItem'] } },
  // Serves PUT /v1/calendar/{year}: a new version of a year (a conditional PutItem, never over an existing one).
  calendar: ['dynamodb:Query', 'dynamodb:PutItem'],
  // Serves PUT /v1/supervision/rules: the rules' next version (a conditional PutItem, never over an existing one).
  supervisionRules: ['dynamodb:Query', 'dynamodb:PutItem'],
  publicRoutes: {
    health:
      "It reads the official holiday arrangements (the items table's CALENDAR partition: public data, published by the State Council) and returns the health status, the years loaded and the last day the loaded data reaches: no personal or case data.",
    openapi: 'It reads no table and returns no personal or case data: the OpenAPI description of this API.',
  },
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).platformHandler,
} as const satisfies ApiFunctionManifest<'platform'>;
