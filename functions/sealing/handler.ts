// Lambda: the sealing function — the only holder of kms:Sign on the departments' seal keys. No route
// reaches it: the cases function invokes it right after an action that owes a notice or a decision,
// and the sweep for a case whose sealing failed then. It takes a case number and nothing else (shared/domain/cases/case-sealing.ts
// builds every document from the stored case), so no caller can have it seal anything but a decided
// case's own results with that case's department's seal. Idempotent: a sealed case is answered as it is.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDocumentClient, kmsClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import type { SealingEvent } from '../../shared/adapters/lambda-case-functions.ts';
import { CaseSealing } from '../../shared/domain/cases/case-sealing.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { observability, observed } from '../http/observability.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { isCaseNo } from '../../shared/domain/identifiers/case-number.ts';

const { logger, metrics } = observability('sealing');

export function sealingHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const casesTable = requiredEnv('CASES_TABLE');
  const sealing = new CaseSealing({
    store: new DynamoCaseStore(db, casesTable),
    items: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE')),
    licences: new DynamoLicenceStore(db, casesTable),
    signer: new KmsSealSigner(kmsClient()),
    calendar: options.calendar ?? storedCalendar(db, logger),
    sealKeys: async () => (await directory.load()).seals ?? [],
    ...(options.now ? { now: options.now } : {}),
    // Once per case: the sealing given up is recorded on it, and the alarm watches this count.
    onGivenUp: (caseNo, failure) => {
      logger.error('sealing given up: recorded on the case (follow-up-failed)', { caseNo, code: failure.code, error: failure.message });
      metrics.addMetric('FollowUpsGivenUp', MetricUnit.Count, 1);
    },
  });

  return observed('sealing', async (event: SealingEvent): Promise<CaseState> => {
    // Checked, whatever the invoker sent: a case number and nothing else.
    const caseNo: unknown = typeof event === 'object' && event !== null ? Reflect.get(event, 'caseNo') : undefined;
    if (!isCaseNo(caseNo)) throw new Error('the sealing function is invoked with { "caseNo": "<case number>" }');
    const before = Date.now();
    const state = await sealing.seal(caseNo);
    if (state.results && Date.parse(state.results.sealedAt) >= before - 1000) {
      logger.info('case results sealed', { caseNo, licenceId: state.results.licenceId, sealedAt: state.results.sealedAt });
      metrics.addMetric('ResultsSealed', MetricUnit.Count, 1);
    }
    const notices = (state.notices ?? []).filter((n) => Date.parse(n.sealedAt) >= before - 1000);
    if (notices.length > 0) {
      logger.info('case notices sealed', { caseNo, notices: notices.map((n) => `${n.kind}@${n.entry}`) });
      metrics.addMetric('NoticesSealed', MetricUnit.Count, notices.length);
    }
    return state;
  });
}

export const handler = sealingHandler();
