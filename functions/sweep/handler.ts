// Lambda: the case sweep, run on a schedule (EventBridge; embedded, a timer). It deems accepted the
// cases whose department did not answer in time and marks the ones past a deadline (case-sweep.ts),
// department by department as the directory lists them. A case it could not move is logged and
// counted; the next run tries again, and an alarm watches the count. It also starts the joint handling
// of accepted joint cases whose workflow has not started, and has decided cases whose sealing failed
// sealed (through the sealing function), and starts the archiving of ended cases not archived yet.
// Last, it anchors the case heads that changed (shared/domain/anchors/case-anchoring.ts): a journal
// sealed with the archive key, written once to the archive bucket. A failed anchoring never stops the
// sweep's own work: it is logged and counted (AnchoringFailures, which an alarm watches), and the next
// run takes up where the last journal ends.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDocumentClient, kmsClient, lambdaClient, requiredEnv, s3Client, sfnClient } from '../../shared/adapters/aws-clients.ts';
import { LambdaArchiveStarter, LambdaCaseSealer } from '../../shared/adapters/lambda-case-functions.ts';
import { SfnJointWorkflow } from '../../shared/adapters/sfn-joint-workflow.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import type { SweepReport } from '../../shared/domain/cases/case-sweep.ts';
import { CaseSweep } from '../../shared/domain/cases/case-sweep.ts';
import { DynamoAnchorQueue } from '../../shared/adapters/dynamo-anchor-queue.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';
import type { AnchorReport, CaseAnchoringDeps } from '../../shared/domain/anchors/case-anchoring.ts';
import { CaseAnchoring } from '../../shared/domain/anchors/case-anchoring.ts';
import { observability, observed } from '../http/observability.ts';
import { wholeNumberSetting } from '../http/settings.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';

const { logger, metrics } = observability('sweep');

/** What a run answers: the sweep's report, and what its anchoring did (or why it failed). */
export type SweepRun = SweepReport & { anchoring: AnchorReport | { failed: string } };

export function sweepHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  // SWEEP_CONCURRENCY: open cases moved at a time (default 8).
  const concurrency = wholeNumberSetting(process.env, 'SWEEP_CONCURRENCY', 1, 64);
  // ANCHOR_LAG_SECONDS: how far behind now a journal's window ends (default 960: a Lambda run's longest and a minute).
  const lagSeconds = wholeNumberSetting(process.env, 'ANCHOR_LAG_SECONDS', 0, 86_400);
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const anchorQueue = new DynamoAnchorQueue(db, requiredEnv('CASES_TABLE'));
  const archive = new S3AnchorArchive(s3Client(), requiredEnv('ARCHIVE_BUCKET'));
  const signer = new KmsSealSigner(kmsClient());
  const sweep = new CaseSweep({
    store: new DynamoCaseStore(db, requiredEnv('CASES_TABLE')),
    calendar: options.calendar ?? storedCalendar(db, logger),
    workflow: new SfnJointWorkflow(sfnClient(), requiredEnv('JOINT_STATE_MACHINE_ARN')),
    sealer: new LambdaCaseSealer(lambdaClient(), requiredEnv('SEALING_FUNCTION_NAME')),
    archiver: new LambdaArchiveStarter(lambdaClient(), requiredEnv('ARCHIVE_FUNCTION_NAME')),
    ...(options.now ? { now: options.now } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
  });

  // Real time, not the platform clock (options.now): the heads' change times are their writers' clocks.
  const anchor = async (archiveKey: CaseAnchoringDeps['archiveKey'] | undefined): Promise<SweepRun['anchoring']> => {
    try {
      if (!archiveKey) throw new Error('the directory names no archive key: anchor journals cannot be sealed');
      return await new CaseAnchoring({ queue: anchorQueue, progress: anchorQueue, archive, signer, archiveKey, ...(lagSeconds !== undefined ? { lagSeconds } : {}) }).run();
    } catch (e) {
      return { failed: e instanceof Error ? e.message : String(e) };
    }
  };

  return observed('sweep', async (): Promise<SweepRun> => {
    const { departments, archiveKey } = await directory.load();
    const report = await sweep.run(departments.map((d) => d.id));
    const { failed, ...counts } = report;
    logger.info('case sweep done', { ...counts, failed: failed.length });
    for (const f of failed) logger.error('case sweep could not move a case', f);
    metrics.addMetric('DeemedAccepted', MetricUnit.Count, report.deemedAccepted);
    metrics.addMetric('MarkedOverdue', MetricUnit.Count, report.markedOverdue);
    metrics.addMetric('MarkedViolation', MetricUnit.Count, report.markedViolation);
    metrics.addMetric('FindingsRecorded', MetricUnit.Count, report.findingsRecorded);
    metrics.addMetric('DeadlinesCompleted', MetricUnit.Count, report.deadlinesCompleted);
    metrics.addMetric('JointHandlingStarted', MetricUnit.Count, report.jointStarted);
    metrics.addMetric('ResultsSealedBySweep', MetricUnit.Count, report.sealed);
    metrics.addMetric('ArchivingStartedBySweep', MetricUnit.Count, report.archivingStarted);
    metrics.addMetric('SweepFailures', MetricUnit.Count, failed.length);
    // The days left until the loaded official holiday data ends: an alarm fires below 60.
    metrics.addMetric('CalendarDaysLeft', MetricUnit.Count, report.calendar.daysLeft);
    if (report.calendar.changed) logger.info('calendar data changed: every open case looked at', { deadlinesCompleted: report.deadlinesCompleted });
    const anchoring = await anchor(archiveKey);
    if ('failed' in anchoring) logger.error('anchoring the case heads failed: the next run tries again', { error: anchoring.failed });
    else if (anchoring.journal) logger.info('anchor journal written', { ...anchoring.journal, ...(anchoring.completed ? { completed: anchoring.completed } : {}) });
    metrics.addMetric('AnchoredHeads', MetricUnit.Count, 'failed' in anchoring ? 0 : (anchoring.journal?.count ?? 0));
    metrics.addMetric('AnchoringFailures', MetricUnit.Count, 'failed' in anchoring ? 1 : 0);
    return { ...report, anchoring };
  });
}

export const handler = sweepHandler();
