// Lambda: cases — upload slots for materials, filing, the departments' and channels' actions on a
// case, reads (a case's files through short-lived read links), queues and the supervision lists (every /v1/cases, /v1/materials, /v1/queue and
// /v1/supervision route), and the co-departments' opinions on joint cases, which resume the joint
// workflow (the only function allowed to); a decision is sealed at once by the sealing function, and an
// ended case's archiving is started (the archive function, asynchronously). Also
// the e-licences: reads, amendments (sealed by the sealing function), revocation, and a channel's list
// of an applicant's valid licences.
import { dynamoDocumentClient, lambdaClient, requiredEnv, s3Client, sfnClient } from '../../shared/adapters/aws-clients.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { LambdaArchiveStarter, LambdaCaseSealer, LambdaLicenceSealer } from '../../shared/adapters/lambda-case-functions.ts';
import { LicenceService } from '../../shared/domain/licences/licence-service.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { DynamoFindingStore } from '../../shared/adapters/dynamo-finding-store.ts';
import { FindingService } from '../../shared/domain/supervision/finding-service.ts';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { SfnJointWorkflow } from '../../shared/adapters/sfn-joint-workflow.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import type { ActionRequest } from '../../shared/domain/cases/case-service.ts';
import { openActions } from '../../shared/domain/cases/case-lifecycle.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { ACTION_IDEMPOTENCY_KEY_HEADER, CASE_ENTRY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '../../shared/contracts/headers.ts';
import { checkUploadRequest } from '../../shared/domain/materials/upload-policy.ts';
import { CASE_ROUTES } from '../../shared/contracts/cases-routes.ts';
import { Answer, apiHandler } from '../http/api-handler.ts';
import { observability } from '../http/observability.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { caseServiceConfig } from './config.ts';

const { logger } = observability('cases');

/** A page as the routes' queries give it (`limit` parsed and defaulted, `cursor` optional). */
const page = (q: { limit: number; cursor?: string | undefined }) => ({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });

/** The handler, built from the environment; `now` as for the catalogue (the embedded clock may be shifted). */
export function casesHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const materials = new S3MaterialStore(s3Client(), requiredEnv('MATERIALS_BUCKET'));
  const config = caseServiceConfig(process.env);
  const licenceStore = new DynamoLicenceStore(db, requiredEnv('CASES_TABLE'));
  const licences = new LicenceService({
    licences: licenceStore,
    sealer: new LambdaLicenceSealer(lambdaClient(), requiredEnv('SEALING_FUNCTION_NAME')),
    ...(options.now ? { now: options.now } : {}),
    onSealLag: (licenceId, version, error) => logger.error('an amended licence version was not sealed; it waits for the next request', { licenceId, version, error }),
  });
  const calendar = options.calendar ?? storedCalendar(db, logger);
  const findings = new FindingService({ store: new DynamoFindingStore(db, requiredEnv('SUPERVISION_TABLE')), calendar });
  const cases = new CaseService({
    store: new DynamoCaseStore(db, requiredEnv('CASES_TABLE'), {
      onHeadLag: (caseNo, version, error) => logger.warn('case head lags its newest entry; the next read rolls it forward', { caseNo, version, error }),
    }),
    // Every filing reads its item: the newest version may be 2 s old here (dynamo-item-store.ts says why that is safe).
    items: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE'), undefined, { latestMaxAgeMs: 2000 }),
    materials,
    calendar,
    workflow: new SfnJointWorkflow(sfnClient(), requiredEnv('JOINT_STATE_MACHINE_ARN')),
    onWorkflowLag: (caseNo, what, error) =>
      logger.error(what === 'start' ? 'joint handling did not start; the sweep starts it' : 'an opinion did not resume its wait; the branch finds it on its next check', {
        caseNo,
        error,
      }),
    licences: licenceStore,
    sealer: new LambdaCaseSealer(lambdaClient(), requiredEnv('SEALING_FUNCTION_NAME')),
    onSealLag: (caseNo, error) => logger.error('a decided case was not sealed; the sweep seals it', { caseNo, error }),
    archiver: new LambdaArchiveStarter(lambdaClient(), requiredEnv('ARCHIVE_FUNCTION_NAME')),
    onArchiveLag: (caseNo, error) => logger.error('the archiving of an ended case did not start; the sweep starts it', { caseNo, error }),
    ...config,
    ...(options.now ? { now: options.now } : {}),
  });

  /**
   * An action, under the request's Idempotency-Key when it has one (checked by the edge): the case, with
   * the entry it wrote and, on a replay, that it is one, as response headers.
   */
  const act = async (caller: Caller, caseNo: string, request: ActionRequest, headers: Record<string, string>): Promise<Answer> => {
    const done = await cases.perform(caller, caseNo, request, headers[ACTION_IDEMPOTENCY_KEY_HEADER.key]);
    return new Answer(done.case, { [CASE_ENTRY_HEADER.key]: String(done.entry), ...(done.replayed ? { [IDEMPOTENT_REPLAYED_HEADER.key]: 'true' } : {}) });
  };

  return apiHandler(
    'cases',
    CASE_ROUTES,
    {
      createUploadSlot: async ({ caller, body }) => {
        checkUploadRequest(body, config.maxUploadBytes);
        // The route admits channels (application materials) and departments (opinion attachments).
        return materials.createUploadSlot((caller.channelId ?? caller.departmentId)!, body);
      },
      fileCase: ({ caller, headers, body }) => cases.file(caller, headers['idempotency-key'], body),
      listChannelCases: ({ caller, query }) => cases.channelCases(caller, query.applicant, page(query)),
      getCase: async ({ caller, params }) => {
        const state = await cases.get(caller, params.caseNo);
        // The supervision findings for the departments that handle the case (never the filing channel's to see).
        const view = { ...state, actions: openActions(state, caller) };
        return caller.role === 'department' ? { ...view, supervisionFindings: await findings.ofCase(state.caseNo) } : view;
      },
      getCaseHistory: ({ caller, params, query }) => cases.history(caller, params.caseNo, page(query)),
      getCaseMaterial: ({ caller, params, query }) => cases.materialLink(caller, params.caseNo, query),
      acceptCase: ({ caller, params, body, headers }) => {
        const { pendingMaterials, pendingDueOn, baseVersion } = body;
        const base = baseVersion !== undefined ? { baseVersion } : {};
        // With pending materials (or a due date for them) it is a 容缺 acceptance, checked as one
        // (a missing due date is the domain's CASE_PENDING_DUE_INVALID).
        return act(
          caller,
          params.caseNo,
          pendingMaterials !== undefined || pendingDueOn !== undefined
            ? { action: 'accept-pending', pendingMaterials: pendingMaterials ?? [], pendingDueOn: pendingDueOn ?? '', ...base }
            : { action: 'accept', ...base },
          headers,
        );
      },
      // Each action's command: the body, typed by its route's schema, and the action's name.
      requestSupplement: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'request-supplement' }, headers),
      supplementCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'supplement' }, headers),
      refuseCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'refuse' }, headers),
      pauseCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'pause' }, headers),
      resumeCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'resume' }, headers),
      extendCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'extend' }, headers),
      deliverCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'deliver' }, headers),
      preReviewCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'pre-review' }, headers),
      decideCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'decide' }, headers),
      withdrawCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'withdraw' }, headers),
      acceptArchiveFindings: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'accept-archive-findings' }, headers),
      retryFollowUp: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'retry-follow-up' }, headers),
      giveOpinion: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'opinion' }, headers),
      correctCase: ({ caller, params, body, headers }) => act(caller, params.caseNo, { ...body, action: 'correct' }, headers),
      jointTaskQueue: ({ caller, query }) => cases.jointTasks(caller, page(query)),
      departmentQueue: ({ caller, query }) => cases.queue(caller, query.status, page(query)),
      supervisionList: ({ caller, params, query }) => cases.supervision(caller, params.kind, page(query)),
      getLicence: ({ caller, params, query }) => licences.get(caller, params.licenceId, query.holder, query.version),
      amendLicence: ({ caller, params, body }) => licences.amend(caller, params.licenceId, body),
      revokeLicence: ({ caller, params, body }) => licences.revoke(caller, params.licenceId, body.reason),
      listLicences: ({ caller, query }) => licences.listValid(caller, query.holder, query.type, page(query)),
    },
    { directory: () => directory.load() },
  );
}

export const handler = casesHandler();
