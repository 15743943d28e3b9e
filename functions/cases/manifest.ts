// The cases function: filing, the departments' actions, the queues and lists, joint opinions.
import { CASES_TABLE, SUPERVISION_TABLE, indexNames } from '../../shared/adapters/table-layout.ts';
import type { ApiFunctionManifest } from '../manifest.ts';

export const cases = {
  name: 'cases',
  description: 'filing and handling of cases',
  trigger: { kind: 'api' },
  tables: {
    // Files cases and records actions (entries and head), reads cases, the department queues, a
    // channel's cases and the supervision lists (shared/adapters/dynamo-case-store.ts: a conditional
    // put per history entry, a put of the head, gets, and queries of the table and its indexes — not
    // the anchor queue, which the sweep alone reads).
    cases: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      indexes: indexNames(CASES_TABLE).filter((ix) => ix !== CASES_TABLE.indexes.anchorQueue.name),
    },
    // The item a case is filed under (its head, by Query, and a version, by GetItem: no item index).
    items: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // Resolves callers.
    directory: { actions: ['dynamodb:GetItem'] },
    // A case's view lists its supervision findings (the findingsBySubject index).
    supervision: { actions: ['dynamodb:Query'], indexes: [SUPERVISION_TABLE.indexes.findingsBySubject.name] },
  },
  calendar: ['dynamodb:Query'],
  // shared/adapters/s3-material-store.ts:
  // - presigns PUTs under `uploads/` (s3:PutObject; the URL authorises that one signed request only);
  // - checks that an upload is the announced file (HeadObject, GetObject: s3:GetObject on `uploads/*`);
  // - keeps a filed case's materials by server-side copy to `cases/<caseNo>/…` (CopyObject: s3:GetObject
  //   on the source under `uploads/`, s3:PutObject on the target under `cases/`), conditional
  //   (If-None-Match: *) so a retried filing does not copy twice, with a HeadObject of the target
  //   (s3:GetObject on `cases/*`) only when the upload is gone;
  // - presigns GETs of a case's kept files under `cases/` for those who may read the case (the read
  //   links of GET /v1/cases/{caseNo}/material: a link reads with the signer's permissions, so it is
  //   s3:GetObject on `cases/*` that lets it read, and nothing outside `cases/`).
  // No delete (materials are evidence, and the bucket versions them), no ACL or tagging actions.
  //
  // s3:ListBucket on the whole bucket (listAnywhere): without it S3 answers a HeadObject or CopyObject
  // of a missing key with 403 AccessDenied instead of 404 NotFound / NoSuchKey, and the adapter tells
  // "not uploaded (yet)" or "already copied" only from the 404. A HeadObject carries no prefix, so a
  // condition on it would not reliably count for the 404, and the two areas are all the bucket holds:
  // listing shows the function the names of objects it may read anyway. Should S3 answer 403 all the
  // same, the adapter fails the request (500); it never takes a refusal for an absence.
  materials: {
    areas: {
      uploads: {
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'],
        wildcardReason:
          "Presigned uploads of application materials (a channel's) and of opinion attachments (a co-department's): for each upload the cases function chooses a new random key, uploads/<channel id or department credit code>/<random UUID>, signs a PUT for exactly that key with its own credentials, and later reads that object to check it is the announced file and to copy it into a case; no key is known beforehand, so the uploads/ prefix is the only stable part of it. The grant is s3:PutObject and s3:GetObject (no delete, no ACL), on this bucket only; the lifecycle rule expires whatever no case takes up under uploads/.",
      },
      cases: {
        actions: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
        wildcardReason:
          "Materials a filed case keeps: the cases function copies each upload a case references, server-side, to cases/<case number>/<upload id> when the case is filed or supplemented, on condition that no copy is there yet, and presigns 5-minute GETs of those files for the case's department, co-departments and filing channel (the read links, which read with the function's permissions); the case number is only issued at filing, so the cases/ prefix is the only stable part of the key. The grant is s3:GetObject (HeadObject of the copy, the read links) and s3:PutObject (the copy target), no delete, on this bucket only; the bucket is versioned, so nothing kept there can be lost by an overwrite.",
      },
    },
    listAnywhere: true,
    presignsUploads: true,
  },
  // Starts a case's execution (one per case, named after it, so a repeated start is refused, not
  // doubled) and, when a co-department gives its opinion, sends task success with the token the branch
  // stored: the only role that may answer a task, so only an opinion recorded through the API ends a
  // wait. Nobody holds SendTaskFailure, SendTaskHeartbeat or StopExecution.
  joint: ['states:StartExecution', 'states:SendTaskSuccess'],
  // Seals a case right after its decision; starts archiving a case that ends.
  invokes: ['sealing', 'archive'],
  // Unset: the function's own default (5 working days, Art. 32's longest).
  environment: (config): Record<string, string> => (config.deemedAcceptanceDays !== undefined ? { DEEMED_ACCEPTANCE_DAYS: String(config.deemedAcceptanceDays) } : {}),
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).casesHandler,
} as const satisfies ApiFunctionManifest<'cases'>;
