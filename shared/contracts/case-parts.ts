// The parts of a case on the wire that other contracts take too — any JSON value, the applicant, a
// seal — apart from cases.ts (which re-exports them), so that a contract needing one of them
// (licences.ts, tickets.ts) does not load every case schema with it: each zod schema is built as its
// module loads, so a Lambda bundle carries every schema of every contract module it reaches (the
// seals function carried all of cases.ts for the seal's two fields).
import * as z from 'zod';
import type { JsonValue } from './case-vocabulary.ts';

const text = (max: number) => z.string().max(max);

export const JsonValueSchema: z.ZodType<JsonValue> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]))
  .meta({ id: 'JsonValue' });

export const ApplicantSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('person'),
        residentId: text(18).meta({ description: '居民身份证号码 (GB 11643, checked with its check character and birth date)' }),
        name: text(100),
        phone: text(20),
      })
      .strict(),
    z
      .object({
        kind: z.literal('organisation'),
        creditCode: text(18).meta({ description: '统一社会信用代码 (GB 32100, checked with its check characters)' }),
        name: text(200),
        contact: z.object({ name: text(100), phone: text(20) }).strict(),
      })
      .strict(),
  ])
  .meta({ id: 'Applicant' });

/** A seal: a detached JWS (flattened serialisation without its payload). */
export const SealSchema = z
  .object({
    protected: z
      .string()
      .max(8192)
      .meta({ description: 'BASE64URL of the protected header (alg, kid, b64:false, tongban:department, tongban:seal, tongban:sealedAt, tongban:digest)' }),
    signature: z.string().max(1024).meta({ description: 'BASE64URL of R‖S' }),
  })
  .strict()
  .meta({ id: 'Seal' });
