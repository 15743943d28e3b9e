// Lambda: 好差评 (shared/domain/evaluations/evaluation-service.ts) — POST /v1/cases/{caseNo}/evaluation
// and every /v1/evaluations route. Late rectifications are found by the watch function's daily pass.
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoEvaluationStore } from '../../shared/adapters/dynamo-evaluation-store.ts';
import { ACTION_IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '../../shared/contracts/headers.ts';
import { MAX_RECTIFICATION_DAYS, EVALUATION_ROUTES } from '../../shared/contracts/evaluations.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import type { Rated } from '../../shared/domain/evaluations/evaluation-service.ts';
import { EvaluationService } from '../../shared/domain/evaluations/evaluation-service.ts';
import { Answer, apiHandler } from '../http/api-handler.ts';
import { storedCalendar } from '../http/calendar.ts';
import { observability } from '../http/observability.ts';
import { wholeNumberSetting } from '../http/settings.ts';

const { logger } = observability('evaluations');

export function evaluationsHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  // Read only: a case is rated, never changed, here.
  const cases = new DynamoCaseStore(db, requiredEnv('CASES_TABLE'), { readOnly: true });
  const evaluations = new EvaluationService({
    store: new DynamoEvaluationStore(db, requiredEnv('FEEDBACK_TABLE')),
    cases: { read: (caseNo) => cases.get(caseNo) },
    directory: () => directory.load(),
    calendar: options.calendar ?? storedCalendar(db, logger),
    rectificationDays: wholeNumberSetting(process.env, 'RECTIFICATION_DAYS', 1, MAX_RECTIFICATION_DAYS),
    ...(options.now ? { now: options.now } : {}),
  });
  const rated = (r: Rated) => new Answer(r.evaluation, r.replayed ? { [IDEMPOTENT_REPLAYED_HEADER.key]: 'true' } : {});

  return apiHandler(
    'evaluations',
    EVALUATION_ROUTES,
    {
      evaluateCase: async ({ caller, params, body, headers }) => rated(await evaluations.rateCase(caller, params.caseNo, body, headers[ACTION_IDEMPOTENCY_KEY_HEADER.key])),
      evaluateWindow: async ({ caller, body, headers }) => rated(await evaluations.rateWindow(caller, body, headers[ACTION_IDEMPOTENCY_KEY_HEADER.key])),
      listEvaluations: ({ caller, query }) => evaluations.list(caller, query),
      getEvaluation: ({ caller, params }) => evaluations.get(caller, params.id),
      answerEvaluation: ({ caller, params, body }) => evaluations.answer(caller, params.id, body),
      rateEvaluationAnswer: ({ caller, params, body }) => evaluations.rateAnswer(caller, params.id, body),
      appealEvaluation: ({ caller, params, body }) => evaluations.appeal(caller, params.id, body),
      decideEvaluationAppeal: ({ caller, params, body }) => evaluations.decideAppeal(caller, params.id, body),
    },
    { directory: () => directory.load() },
  );
}

export const handler = evaluationsHandler();
