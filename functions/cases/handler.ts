// Lambda: cases — upload slots for materials, filing, the departments' and channels' actions on a
// case, reads, queues and the supervision lists (every /v1/cases, /v1/materials, /v1/queue and
// /v1/supervision route), and the co-departments' opinions on joint cases, which resume the joint
// workflow (the only function allowed to); a decision is sealed at once by the sealing function, and an
// ended case's archiving is started (the archive function, asynchronously). Also
// the e-licences: reads, revocation, and a channel's list of an applicant's valid licences.
import { dynamoDocumentClient, lambdaClient, requiredEnv, s3Client, sfnClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { LambdaArchiveStarter, LambdaCaseSealer } from '../../shared/adapters/lambda-case-functions.ts';
import { LicenceService } from '../../shared/domain/licences/licence-service.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { SfnJointWorkflow } from '../../shared/adapters/sfn-joint-workflow.ts';
import type { ActionRequest, FilingRequest } from '../../shared/domain/cases/case-service.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import type { CaseStatus } from '../../shared/domain/cases/case-record.ts';
import type { SupervisionKind } from '../../shared/domain/cases/case-store.ts';
import { checkUploadRequest } from '../../shared/domain/materials/upload-policy.ts';
import type { UploadRequest } from '../../shared/domain/materials/upload-policy.ts';
import type { Operation } from '../http/api-handler.ts';
import { apiHandler } from '../http/api-handler.ts';
import { observability } from '../http/observability.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { caseServiceConfig } from './config.ts';

const { logger } = observability('cases');

type Page = { limit: number; cursor?: string };
const page = (q: Record<string, unknown>): Page => ({ limit: q.limit as number, ...(q.cursor ? { cursor: q.cursor as string } : {}) });
const caseNo = (p: Record<string, unknown>) => p.caseNo as string;

/** The handler, built from the environment; `now` as for the catalogue (the embedded clock may be shifted). */
export function casesHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const materials = new S3MaterialStore(s3Client(), requiredEnv('MATERIALS_BUCKET'));
  const config = caseServiceConfig(process.env);
  const licenceStore = new DynamoLicenceStore(db, requiredEnv('CASES_TABLE'));
  const licences = new LicenceService({ licences: licenceStore, ...(options.now ? { now: options.now } : {}) });
  const cases = new CaseService({
    store: new DynamoCaseStore(db, requiredEnv('CASES_TABLE'), {
      ...(options.now ? { now: options.now } : {}),
      onHeadLag: (caseNo, version, error) => logger.warn('case head lags its newest entry; the next read rolls it forward', { caseNo, version, error: error as Error }),
    }),
    items: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE')),
    materials,
    calendar: options.calendar ?? storedCalendar(db, logger),
    workflow: new SfnJointWorkflow(sfnClient(), requiredEnv('JOINT_STATE_MACHINE_ARN')),
    onWorkflowLag: (caseNo, what, error) =>
      logger.error(what === 'start' ? 'joint handling did not start; the sweep starts it' : 'an opinion did not resume its wait; the branch finds it on its next check', {
        caseNo,
        error: error as Error,
      }),
    licences: licenceStore,
    sealer: new LambdaCaseSealer(lambdaClient(), requiredEnv('SEALING_FUNCTION_NAME')),
    onSealLag: (caseNo, error) => logger.error('a decided case was not sealed; the sweep seals it', { caseNo, error: error as Error }),
    archiver: new LambdaArchiveStarter(lambdaClient(), requiredEnv('ARCHIVE_FUNCTION_NAME')),
    onArchiveLag: (caseNo, error) => logger.error('the archiving of an ended case did not start; the sweep starts it', { caseNo, error: error as Error }),
    ...config,
    ...(options.now ? { now: options.now } : {}),
  });
  /** An action whose command is the body plus the action's name. */
  const action =
    (name: ActionRequest['action'], shape: (body: Record<string, unknown>) => Record<string, unknown> = (b) => b): Operation =>
    ({ caller, params, body }) =>
      cases.act(caller, caseNo(params), { ...shape(body as Record<string, unknown>), action: name } as ActionRequest);

  return apiHandler(
    'cases',
    {
      createUploadSlot: async ({ caller, body }) => {
        const request = body as UploadRequest;
        checkUploadRequest(request, config.maxUploadBytes);
        // The route admits channels (application materials) and departments (opinion attachments).
        return materials.createUploadSlot((caller.channelId ?? caller.departmentId)!, request);
      },
      fileCase: ({ caller, headers, body }) => cases.file(caller, headers['idempotency-key'], body as FilingRequest),
      listChannelCases: ({ caller, query }) => cases.channelCases(caller, query.applicant as string | undefined, page(query)),
      getCase: ({ caller, params }) => cases.get(caller, caseNo(params)),
      getCaseHistory: ({ caller, params }) => cases.history(caller, caseNo(params)),
      acceptCase: ({ caller, params, body }) => {
        const { pendingMaterials, pendingDueOn, baseVersion } = body as { pendingMaterials?: string[]; pendingDueOn?: string; baseVersion?: number };
        const base = baseVersion !== undefined ? { baseVersion } : {};
        // With pending materials (or a due date for them) it is a 容缺 acceptance, checked as one.
        return pendingMaterials !== undefined || pendingDueOn !== undefined
          ? cases.act(caller, caseNo(params), { action: 'accept-pending', pendingMaterials: pendingMaterials ?? [], pendingDueOn: pendingDueOn as string, ...base })
          : cases.act(caller, caseNo(params), { action: 'accept', ...base });
      },
      requestSupplement: action('request-supplement'),
      supplementCase: action('supplement'),
      refuseCase: action('refuse'),
      pauseCase: action('pause'),
      resumeCase: action('resume'),
      extendCase: action('extend'),
      deliverCase: action('deliver'),
      preReviewCase: action('pre-review'),
      decideCase: action('decide'),
      withdrawCase: action('withdraw'),
      acceptArchiveFindings: action('accept-archive-findings'),
      giveOpinion: action('opinion'),
      jointTaskQueue: ({ caller, query }) => cases.jointTasks(caller, page(query)),
      departmentQueue: ({ caller, query }) => cases.queue(caller, query.status as CaseStatus, page(query)),
      supervisionList: ({ caller, params, query }) => cases.supervision(caller, params.kind as SupervisionKind, page(query)),
      getLicence: ({ caller, params, query }) => licences.get(caller, params.licenceId as string, query.holder as string | undefined),
      revokeLicence: ({ caller, params, body }) => licences.revoke(caller, params.licenceId as string, (body as { reason: string }).reason),
      listLicences: ({ caller, query }) => licences.listValid(caller, query.holder as string, query.type as string | undefined, page(query)),
    },
    { directory: () => directory.load() },
  );
}

export const handler = casesHandler();
