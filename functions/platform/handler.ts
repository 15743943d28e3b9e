// Lambda: the public platform routes (health, the OpenAPI document).
import { openApiDocument } from '../../shared/contracts/openapi.ts';
import { apiHandler } from '../http/api-handler.ts';

const document = openApiDocument();

export const handler = apiHandler('platform', {
  health: async () => ({ status: 'ok', version: document.info.version }),
  openapi: async () => document,
});
