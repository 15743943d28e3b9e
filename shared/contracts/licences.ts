// E-licences (电子证照) and seal verification on the wire: the /v1/licences, /v1/seals and JWKS routes'
// requests and answers. Shapes and sizes only; identifiers' check characters, who may see which
// licence and what a seal proves are the domain's (shared/domain/licences, shared/domain/seals).
import { z } from 'zod';
import { MAX_CASE_PAGE_SIZE } from './case-vocabulary.ts';
import { JsonValueSchema, SealSchema } from './cases.ts';

const date = z.iso.date();

export const LicenceIdParamsSchema = z
  .object({ licenceId: z.string().min(1).max(200).meta({ description: 'GB/T 36904 identifier, 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>' }) })
  .strict();

export const LicenceReadQuerySchema = z
  .object({ holder: z.string().max(64).optional().meta({ description: "channels: the applicant they act for (resident ID or credit code); must be the licence's holder" }) })
  .strict();

export const LicenceListQuerySchema = z
  .object({
    holder: z.string().min(1).max(64).meta({ description: 'the applicant the channel acts for: resident ID or unified social credit code' }),
    type: z
      .string()
      .regex(/^[0-9A-Z]{1,32}$/)
      .optional()
      .meta({ description: 'only licences of this type code' }),
    limit: z.coerce.number().int().min(1).max(MAX_CASE_PAGE_SIZE).default(20),
    cursor: z.string().max(2048).optional(),
  })
  .strict();

export const RevokeLicenceRequestSchema = z
  .object({ reason: z.string().max(1000) })
  .strict()
  .meta({ id: 'RevokeLicenceRequest' });

export const LicenceSchema = z
  .object({
    id: z.string(),
    typeCode: z.string(),
    name: z.string(),
    holder: z.object({ kind: z.enum(['person', 'organisation']), id: z.string(), name: z.string() }),
    issuer: z.string().meta({ description: "the issuing department's unified social credit code" }),
    caseNo: z.string(),
    itemCode: z.string(),
    issuedOn: date,
    validFrom: date,
    validUntil: date.optional().meta({ description: 'the last valid day; absent: without end' }),
    data: z.record(z.string(), JsonValueSchema),
    revocation: z.object({ reason: z.string(), on: date, by: z.string() }).optional(),
  })
  .meta({ id: 'Licence' });

export const LicenceViewSchema = z
  .object({
    licence: LicenceSchema,
    status: z.enum(['valid', 'revoked', 'expired']).meta({ description: 'as of today (China time)' }),
    document: z.string().meta({ description: 'the sealed licence document: canonical JSON (RFC 8785) of the licence without its revocation' }),
    seal: SealSchema,
  })
  .meta({ id: 'LicenceView' });

export const LicenceListSchema = z.object({ licences: z.array(LicenceViewSchema), nextCursor: z.string().optional() }).meta({ id: 'LicenceList' });

export const VerifySealRequestSchema = z
  .object({
    document: z.string().max(200_000).meta({ description: 'the sealed document exactly as issued (its UTF-8 bytes are what the seal covers)' }),
    seal: SealSchema,
  })
  .strict()
  .meta({ id: 'VerifySealRequest' });

export const SEAL_CHECK_REASONS = [
  'malformed',
  'unknown-key',
  'digest-mismatch',
  'bad-signature',
  'department-mismatch',
  'retired-key',
  'licence-revoked',
  'licence-expired',
  'licence-unknown',
] as const;

export const SealVerificationSchema = z
  .object({
    valid: z.boolean(),
    reason: z.enum(SEAL_CHECK_REASONS).optional().meta({ description: 'why not valid' }),
    detail: z.string().optional(),
    department: z.string().optional().meta({ description: 'the sealing department the seal names' }),
    seal: z.string().optional(),
    kid: z.string().optional(),
    alg: z.string().optional(),
    sealedAt: z.iso.datetime().optional(),
    documentType: z.string().optional().meta({ description: 'tongban/decision or tongban/e-licence' }),
    licenceStatus: z.enum(['valid', 'revoked', 'expired']).optional().meta({ description: "e-licences: the licence's status today" }),
  })
  .meta({ id: 'SealVerification' });

export const JwksSchema = z
  .object({
    keys: z.array(
      z
        .object({
          kty: z.literal('EC'),
          crv: z.enum(['P-256', 'SM2']),
          x: z.string(),
          y: z.string(),
          kid: z.string(),
          use: z.literal('sig'),
          alg: z.enum(['ES256', 'SM2-SM3']),
          'tongban:department': z.string(),
          'tongban:seal': z.string(),
          'tongban:status': z.enum(['active', 'retired']),
          'tongban:retiredAt': z.iso.datetime().optional(),
          'tongban:spki': z.string().meta({ description: 'DER SubjectPublicKeyInfo, base64: OpenSSL reads it as it is' }),
        })
        .loose(),
    ),
  })
  .meta({ id: 'Jwks' });
