// Lambda: the archive function — packs an ended case into its bundle and writes it once to the archive
// bucket (shared/domain/archive/case-archiving.ts). No route reaches it: the cases function starts it
// (asynchronously) when a case ends, the sweep for an ended case not archived yet; Lambda retries a
// failed run twice, then its dead-letter queue keeps the event. A bundle that fails its four-property
// check is recorded on the case (`archive-failed`, visible to its department) and counted
// (ArchiveFailed, which an alarm watches). The only holder of kms:Sign on the archive key.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDocumentClient, kmsClient, requiredEnv, s3Client } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { clamAvStreamScanner } from '../../shared/adapters/clamav-scanner.ts';
import { KmsPublishedKeys } from '../../shared/adapters/kms-published-keys.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import type { ArchivingEvent } from '../../shared/adapters/lambda-case-functions.ts';
import { S3ArchiveStore } from '../../shared/adapters/s3-archive-store.ts';
import { S3CaseFiles } from '../../shared/adapters/s3-case-files.ts';
import { CaseArchiving } from '../../shared/domain/archive/case-archiving.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { observability, observed } from '../http/observability.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { isCaseNo } from '../../shared/domain/identifiers/case-number.ts';

const { logger, metrics } = observability('archive');

export function archiveHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const casesTable = requiredEnv('CASES_TABLE');
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  // The public keys as the JWKS publishes them, from KMS (the seal keys and the archive seal key let the seals and archive functions alone read them).
  const published = new KmsPublishedKeys(
    kmsClient(),
    async () => (await directory.load()).seals ?? [],
    async () => (await directory.load()).archiveKey,
  );
  const scanner = clamAvStreamScanner();
  let archiving: CaseArchiving | undefined;
  const archivingOf = async () => {
    const key = (await directory.load()).archiveKey;
    if (!key) throw new Error('the directory names no archive key: bundles cannot be sealed');
    archiving ??= new CaseArchiving({
      store: new DynamoCaseStore(db, casesTable),
      items: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE')),
      licences: new DynamoLicenceStore(db, casesTable),
      files: new S3CaseFiles(s3Client(), requiredEnv('MATERIALS_BUCKET')),
      archive: new S3ArchiveStore(s3Client(), requiredEnv('ARCHIVE_BUCKET')),
      signer: new KmsSealSigner(kmsClient()),
      calendar: options.calendar ?? storedCalendar(db, logger),
      archiveKey: key,
      publishedKeys: () => published.jwks(),
      // ClamAV where the runtime has it (not in the Lambda runtime: the report then says no scan ran).
      ...(scanner ? { scanner } : {}),
      ...(options.now ? { now: options.now } : {}),
      // Once per case: the archiving given up is recorded on it, and the alarm watches this count.
      onGivenUp: (caseNo, state) => {
        logger.error('archiving given up: recorded on the case (followUpFailure)', { caseNo, failure: state.followUpFailure });
        metrics.addMetric('FollowUpsGivenUp', MetricUnit.Count, 1);
      },
    });
    return archiving;
  };

  return observed('archive', async (event: ArchivingEvent): Promise<CaseState> => {
    // Checked, whatever the invoker sent: a case number and nothing else.
    const caseNo: unknown = typeof event === 'object' && event !== null ? Reflect.get(event, 'caseNo') : undefined;
    if (!isCaseNo(caseNo)) throw new Error('the archive function is invoked with { "caseNo": "<case number>" }');
    const state = await (await archivingOf()).archive(caseNo);
    if (state.archive?.state === 'archived') {
      logger.info('case archived', { caseNo, bundleKey: state.archive.bundleKey, size: state.archive.size, retainUntil: state.archive.retainUntil });
      metrics.addMetric('CasesArchived', MetricUnit.Count, 1);
    } else if (state.archive?.state === 'failed') {
      logger.error('case bundle failed its four-property check: not archived', { caseNo, attempts: state.archive.attempts, findings: state.archive.findings });
      metrics.addMetric('ArchiveFailed', MetricUnit.Count, 1);
    }
    return state;
  });
}

export const handler = archiveHandler();
