// The refusals of an uploaded file (shared/domain/materials, and the S3 material store's checks of the
// stored object): its key, type and size, the object itself, and its bytes as the archive's check reads
// them (UNREADABLE: not its type's format; ENCRYPTED — the check's own codes).
import type { ErrorRegistry } from './registry.ts';

export const MATERIAL_ERRORS = {
  MATERIAL_KEY_INVALID: 'invalid',
  MATERIAL_UPLOAD_FORBIDDEN: 'forbidden',
  MATERIAL_TYPE_NOT_ALLOWED: 'invalid',
  MATERIAL_EMPTY: 'invalid',
  MATERIAL_TOO_LARGE: 'invalid',
  INVALID_SHA256: 'invalid',
  MATERIAL_NOT_UPLOADED: 'invalid',
  MATERIAL_SIZE_MISMATCH: 'invalid',
  MATERIAL_TYPE_MISMATCH: 'invalid',
  MATERIAL_CHECKSUM_MISMATCH: 'invalid',
  UNREADABLE: 'invalid',
  ENCRYPTED: 'invalid',
} as const satisfies ErrorRegistry;
