// E-licences (电子证照) and seal verification on the wire: the /v1/licences, /v1/seals and JWKS routes'
// requests and answers. Shapes and sizes only; identifiers' check characters, who may see and amend
// which licence and what a seal proves are the domain's (shared/domain/licences, shared/domain/seals).
import * as z from 'zod';
import { MAX_CASE_PAGE_SIZE, MAX_LICENCE_VERSION } from './case-vocabulary.ts';
import { JsonValueSchema, SealSchema } from './case-parts.ts';
import { FREE_FORM_LIMITS, freeFormRecord } from './free-form-json.ts';

export { MAX_LICENCE_VERSION };

const date = z.iso.date();

export const LicenceIdParamsSchema = z
  .object({ licenceId: z.string().min(1).max(200).meta({ description: 'GB/T 36904 identifier, 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>' }) })
  .strict();

export const LicenceReadQuerySchema = z
  .object({
    holder: z.string().max(64).optional().meta({ description: "channels: the applicant they act for (resident ID or credit code); must be the licence's holder" }),
    version: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_LICENCE_VERSION)
      .optional()
      .meta({ description: 'an earlier version of an amended licence, as it was sealed (default: the newest)' }),
  })
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

export const AmendLicenceRequestSchema = z
  .object({
    changes: z
      .object({
        holderName: z.string().min(1).max(200).optional().meta({ description: "the holder's name as it should read (a person's or an organisation's)" }),
        data: freeFormRecord(JsonValueSchema, 100, FREE_FORM_LIMITS.licenceDataBytes)
          .optional()
          .meta({ description: 'data fields set to the values given (the others kept); at most 100 fields and 16 KiB after the change' }),
      })
      .strict()
      .meta({ description: 'what to correct: at least one value that differs from the newest version' }),
    reasons: z.string().max(1000).meta({ description: 'why the licence is corrected (kept in its history)' }),
    ticketId: z
      .string()
      .regex(/^[0-9A-Za-z][0-9A-Za-z._:-]{0,99}$/)
      .optional()
      .meta({ description: 'the correction ticket (000 §30) this amendment answers: kept in the history, for the ticket to name the version' }),
    baseVersion: z
      .int()
      .min(1)
      .max(MAX_LICENCE_VERSION)
      .optional()
      .meta({ description: 'the version amended: refused (409) if the licence is at another one, unless this very amendment made the next (then answered again)' }),
  })
  .strict()
  .meta({ id: 'AmendLicenceRequest' });

const FieldChangeSchema = z.object({
  field: z.string().meta({ description: '`holder.name` or `data.<field>`' }),
  from: JsonValueSchema.optional().meta({ description: 'the value before (absent: the field was not there)' }),
  to: JsonValueSchema,
});

export const LicenceAmendmentSchema = z
  .object({
    version: z.int().meta({ description: 'the version this amendment made' }),
    at: z.iso.datetime(),
    on: date,
    by: z.string(),
    departmentId: z.string(),
    reasons: z.string(),
    ticketId: z.string().optional(),
    changes: z.array(FieldChangeSchema),
  })
  .meta({ id: 'LicenceAmendment' });

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
    version: z.int().min(1).meta({ description: '1 as issued; each amendment seals the next' }),
    amendedOn: date.optional().meta({ description: 'amended versions: the day this version was sealed' }),
    supersedes: z
      .object({ version: z.int(), documentSha256: z.string() })
      .optional()
      .meta({ description: "amended versions: the version superseded and the SHA-256 (hex) of its sealed document's bytes" }),
    revocation: z.object({ reason: z.string(), on: date, by: z.string() }).optional(),
  })
  .meta({ id: 'Licence' });

export const LicenceViewSchema = z
  .object({
    licence: LicenceSchema,
    status: z.enum(['valid', 'revoked', 'expired']).meta({ description: 'as of today (China time)' }),
    document: z.string().meta({ description: 'the sealed licence document: canonical JSON (RFC 8785) of the licence without its revocation' }),
    seal: SealSchema,
    newestVersion: z.int().meta({ description: "the licence's newest version (the one verification accepts): `licence.version` unless an earlier one was asked for" }),
    amendments: z.array(LicenceAmendmentSchema).optional().meta({ description: 'reads of one amended licence: every amendment, oldest first' }),
    replayed: z.boolean().optional().meta({ description: 'an amendment sent again: answered with the version it made, nothing sealed anew' }),
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
  'licence-superseded',
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
    licenceVersion: z.int().optional().meta({ description: 'e-licences: the version the document is' }),
    newestVersion: z.int().optional().meta({ description: "e-licences: the licence's newest version (an earlier one is superseded)" }),
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
