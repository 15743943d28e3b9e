// The seals function: the published seal keys (JWKS) and the verification of sealed documents.
import type { ApiFunctionManifest } from '../manifest.ts';

export const seals = {
  name: 'seals',
  description: 'the published seal keys and seal verification',
  trigger: { kind: 'api' },
  tables: {
    // A sealed licence's status.
    cases: { actions: ['dynamodb:GetItem'] },
    // The seal registry (JWKS, and the key a seal names).
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // Reads every seal key's public key, retired ones included, to publish them (JWKS) and to verify
  // seals: the only kms:GetPublicKey (the key policies deny it to any other principal); and the archive
  // seal key's, to publish it with them. It counts no days: no calendar.
  sealKeys: ['kms:GetPublicKey'],
  archiveSealKey: ['kms:GetPublicKey'],
  publicRoutes: {
    sealKeys:
      "It reads the directory's seal registry and the seal keys' public keys (kms:GetPublicKey, which the keys allow the seals function alone) and returns only public keys, each with its department's credit code, seal name, algorithm and status: no personal or case data and nothing secret — publishing them is what lets anyone verify a seal offline.",
  },
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).sealsHandler,
} as const satisfies ApiFunctionManifest<'seals'>;
