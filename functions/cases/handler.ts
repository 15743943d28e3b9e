// Lambda: cases — for now the upload slots for application materials (issue 3, point 1).
import { requiredEnv, s3Client, dynamoDocumentClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, checkUploadRequest } from '../../shared/domain/materials/upload-policy.ts';
import type { UploadRequest } from '../../shared/domain/materials/upload-policy.ts';
import { apiHandler } from '../http/api-handler.ts';

export function casesHandler() {
  const directory = new DynamoDirectory(dynamoDocumentClient(), requiredEnv('DIRECTORY_TABLE'));
  const materials = new S3MaterialStore(s3Client(), requiredEnv('MATERIALS_BUCKET'));
  const maxBytes = Number(process.env.MATERIALS_MAX_BYTES ?? DEFAULT_MAX_UPLOAD_BYTES);

  return apiHandler(
    'cases',
    {
      createUploadSlot: async ({ caller, body }) => {
        const request = body as UploadRequest;
        checkUploadRequest(request, maxBytes);
        // The route admits channels only, so every caller here has a channel.
        return materials.createUploadSlot(caller.channelId!, request);
      },
    },
    { directory: () => directory.load() },
  );
}

export const handler = casesHandler();
