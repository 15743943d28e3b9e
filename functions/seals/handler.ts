// Lambda: the seals routes — the published seal keys (public JWKS) and seal verification. It is the
// publishing path: the only holder of kms:GetPublicKey on the seal keys. Verifying needs no private
// key: the seal is checked against the same published keys anyone can download (seals made with a
// retired key keep verifying), and a licence's status is read from the licence store.
import { dynamoDocumentClient, kmsClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { KmsPublishedKeys } from '../../shared/adapters/kms-published-keys.ts';
import { chinaDate } from '../../shared/domain/calendar/china-date.ts';
import { checkSealedDocument } from '../../shared/domain/seals/document-check.ts';
import { SEAL_ROUTES } from '../../shared/contracts/seals-routes.ts';
import { apiHandler } from '../http/api-handler.ts';
import { observability } from '../http/observability.ts';

// First: the clients built below are traced by this function's tracer.
observability('seals');

export function sealsHandler(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const licences = new DynamoLicenceStore(db, requiredEnv('CASES_TABLE'));
  const published = new KmsPublishedKeys(
    kmsClient(),
    async () => (await directory.load()).seals ?? [],
    async () => (await directory.load()).archiveKey,
  );

  return apiHandler(
    'seals',
    SEAL_ROUTES,
    {
      sealKeys: () => published.jwks(),
      verifySeal: async ({ body }) => {
        const { document, seal } = body;
        return checkSealedDocument(document, seal, await published.jwks(), {
          licenceOf: async (id) => (await licences.get(id))?.licence,
          today: chinaDate(now()),
        });
      },
    },
    { directory: () => directory.load() },
  );
}

export const handler = sealsHandler();
