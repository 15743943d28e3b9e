// AWS public list prices the bench turns counted operations into dollars with: one module, so that a
// price is written once and a change of price is one edit. US East (N. Virginia), USD, on-demand,
// beyond every free tier, as of December 2026, from the pricing pages named beside each group (DynamoDB
// on demand: $0.625 per million write request units and $0.125 per million read request units since the
// price cut of 1 November 2024; the units as its on-demand page defines them). Not read from AWS's price
// list API here (no network): check a page before relying on a figure. China regions bill in CNY at
// similar ratios.

/** DynamoDB on demand, Standard table class — https://aws.amazon.com/dynamodb/pricing/on-demand/ */
export const DYNAMODB = {
  /** Per write request unit (1 KB of item, each index write its own). */
  writeUnit: 0.625e-6,
  /** Per read request unit (4 KB strongly consistent; an eventually consistent read is half a unit). */
  readUnit: 0.125e-6,
  /** Per GB-month of table and index storage (each item and each index entry counts 100 bytes more). */
  storageGbMonth: 0.25,
  /** Point-in-time recovery (continuous backups), per GB-month of table size. */
  pitrGbMonth: 0.2,
  /** Bytes DynamoDB adds to every item and every index entry for storage. */
  itemOverheadBytes: 100,
} as const;

/** An S3 storage class as this bench prices it. */
export interface S3StorageClassPrice {
  /** Per GB-month stored. */
  gbMonth: number;
  /** Per PUT, COPY, POST or LIST request writing into the class (and per lifecycle transition into it). */
  write: number;
  /** Per GET, HEAD or other read request. */
  read: number;
  /** Per GB read back (retrieval), beyond the request. */
  retrievalGb: number;
  /** Days an object is billed at least (deleted or moved earlier: charged the rest). */
  minimumDays: number;
  /** Bytes an object is billed at least (Glacier Instant Retrieval: 128 KB). */
  minimumBytes: number;
  /** Per-object overhead billed at this class's rate (Deep Archive: 32 KB of index) … */
  overheadBytes: number;
  /** … and at S3 Standard's rate (Deep Archive: 8 KB of metadata). */
  standardOverheadBytes: number;
}

/** S3 storage classes — https://aws.amazon.com/s3/pricing/ (first 50 TB tier; DELETE and abort are free). */
export const S3: Record<'STANDARD' | 'GLACIER_IR' | 'DEEP_ARCHIVE', S3StorageClassPrice> = {
  STANDARD: { gbMonth: 0.023, write: 0.005e-3, read: 0.0004e-3, retrievalGb: 0, minimumDays: 0, minimumBytes: 0, overheadBytes: 0, standardOverheadBytes: 0 },
  GLACIER_IR: { gbMonth: 0.004, write: 0.02e-3, read: 0.01e-3, retrievalGb: 0.03, minimumDays: 90, minimumBytes: 128 * 1024, overheadBytes: 0, standardOverheadBytes: 0 },
  // Reads need a restore first: standard retrieval $0.10 per 1,000 requests and $0.02 per GB (12 h),
  // bulk $0.025 per 1,000 and $0.0025 per GB (48 h); `read` is the standard restore's request.
  DEEP_ARCHIVE: {
    gbMonth: 0.00099,
    write: 0.05e-3,
    read: 0.1e-3,
    retrievalGb: 0.02,
    minimumDays: 180,
    minimumBytes: 0,
    overheadBytes: 32 * 1024,
    standardOverheadBytes: 8 * 1024,
  },
};

export type S3StorageClass = keyof typeof S3;

/** Lambda, arm64 (infra/constructs/tongban-function.ts: Architecture.ARM_64) — https://aws.amazon.com/lambda/pricing/ */
export const LAMBDA = {
  request: 0.2e-6,
  /** Per GB-second, arm64 (x86_64: $0.0000166667), billed per 1 ms. */
  gbSecond: 0.0000133334,
  /** The memory a function has when its manifest names none (infra/constructs/tongban-function.ts). */
  defaultMemoryMb: 512,
} as const;

/** Step Functions Standard workflows — https://aws.amazon.com/step-functions/pricing/ */
export const STEP_FUNCTIONS = { transition: 0.025e-3 } as const;

/** KMS — https://aws.amazon.com/kms/pricing/ */
export const KMS = {
  /** Symmetric requests (Encrypt, Decrypt, GenerateDataKey…): $0.03 per 10,000. */
  symmetricRequest: 0.03e-4,
  /** Asymmetric requests except RSA 2048 (Sign, Verify, GetPublicKey with ECC or SM2 keys): $0.15 per 10,000. */
  asymmetricRequest: 0.15e-4,
  /** Per customer managed key and month (the first and second rotations add $1 each, capped). */
  keyMonth: 1,
} as const;

/** API Gateway REST APIs (first 333 million a month) and AWS WAF — https://aws.amazon.com/api-gateway/pricing/, https://aws.amazon.com/waf/pricing/ */
export const API_GATEWAY = { restRequest: 3.5e-6, wafRequest: 0.6e-6 } as const;

/** EventBridge custom events (64 KB chunks) and archive — https://aws.amazon.com/eventbridge/pricing/ */
export const EVENTBRIDGE = { event: 1e-6, archiveGb: 0.1, archiveGbMonth: 0.023 } as const;

/** SQS standard queues — https://aws.amazon.com/sqs/pricing/ */
export const SQS = { request: 0.4e-6 } as const;

/** CloudWatch Logs, standard class — https://aws.amazon.com/cloudwatch/pricing/ */
export const CLOUDWATCH_LOGS = {
  ingestGb: 0.5,
  /** Per GB-month archived (billed on the compressed size; the bench counts the raw size, an upper bound). */
  storeGbMonth: 0.03,
  /** The bytes CloudWatch counts per log event beyond its message. */
  eventOverheadBytes: 26,
} as const;

export const GB = 1024 ** 3;
/** Days in an average month (10 years: 120 months): storage is billed per GB-month, prorated. */
export const DAYS_PER_MONTH = 365.25 / 12;
