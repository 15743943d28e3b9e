// Lambda: the sealing function — the only holder of kms:Sign on the departments' seal keys. No route
// reaches it: the cases function invokes it right after an action that owes a notice or a decision,
// and the sweep for a case whose sealing failed then. It takes a case number and nothing else (shared/domain/cases/case-sealing.ts
// builds every document from the stored case), so no caller can have it seal anything but a decided
// case's own results with that case's department's seal. Idempotent: a sealed case is answered as it is.
// The cases function also invokes it with a licence identifier and nothing else, right after the
// licence's issuing department recorded an amendment (shared/domain/licences/licence-sealing.ts builds
// the next version from the newest sealed one and the recorded amendment), so it seals only a change
// the issuer recorded, with the issuer's seal. Idempotent too: nothing waiting answers the newest version.
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
import { isLicenceId } from '../../shared/domain/identifiers/licence-id.ts';
import { LicenceSealing } from '../../shared/domain/licences/licence-sealing.ts';
import type { IssuedLicence } from '../../shared/domain/licences/licence-store.ts';
import { observability, observed } from '../http/observability.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { isCaseNo } from '../../shared/domain/identifiers/case-number.ts';

const { logger, metrics } = observability('sealing');

export function sealingHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const casesTable = requiredEnv('CASES_TABLE');
  const licences = new DynamoLicenceStore(db, casesTable);
  const signer = new KmsSealSigner(kmsClient());
  const sealKeys = async () => (await directory.load()).seals ?? [];
  const licenceSealing = new LicenceSealing({ licences, signer, sealKeys, ...(options.now ? { now: options.now } : {}) });
  const sealing = new CaseSealing({
    store: new DynamoCaseStore(db, casesTable),
    items: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE')),
    licences,
    signer,
    calendar: options.calendar ?? storedCalendar(db, logger),
    sealKeys,
    ...(options.now ? { now: options.now } : {}),
    // Once per case: the sealing given up is recorded on it, and the alarm watches this count.
    onGivenUp: (caseNo, failure) => {
      logger.error('sealing given up: recorded on the case (follow-up-failed)', { caseNo, code: failure.code, error: failure.message });
      metrics.addMetric('FollowUpsGivenUp', MetricUnit.Count, 1);
    },
  });

  return observed('sealing', async (event: SealingEvent): Promise<CaseState | IssuedLicence> => {
    // Checked, whatever the invoker sent: a case number, or a licence identifier, and nothing else.
    const member = (name: string): unknown => (typeof event === 'object' && event !== null ? Reflect.get(event, name) : undefined);
    const keys = typeof event === 'object' && event !== null ? Object.keys(event) : [];
    const licenceId = member('licenceId');
    if (keys.length === 1 && typeof licenceId === 'string' && isLicenceId(licenceId)) {
      const before = Date.now();
      const newest = await licenceSealing.sealLicence(licenceId);
      const sealedAt = JSON.parse(Buffer.from(newest.sealed.seal.protected, 'base64url').toString('utf8')) as { 'tongban:sealedAt'?: string };
      if (newest.licence.version > 1 && Date.parse(sealedAt['tongban:sealedAt'] ?? '') >= before - 1000) {
        logger.info('amended licence sealed', { licenceId, version: newest.licence.version });
        metrics.addMetric('LicenceVersionsSealed', MetricUnit.Count, 1);
      }
      return newest;
    }
    const caseNo = member('caseNo');
    if (!isCaseNo(caseNo)) throw new Error('the sealing function is invoked with { "caseNo": "<case number>" } or { "licenceId": "<licence identifier>" }');
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
