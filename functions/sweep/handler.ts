// Lambda: the case sweep, run on a schedule (EventBridge; embedded, a timer). It deems accepted the
// cases whose department did not answer in time and marks the ones past a deadline (case-sweep.ts),
// department by department as the directory lists them. A case it could not move is logged and
// counted; the next run tries again, and an alarm watches the count. It also starts the joint handling
// of accepted joint cases whose workflow has not started, and has decided cases whose sealing failed
// sealed (through the sealing function), and starts the archiving of ended cases not archived yet.
// The anchoring of the case heads that changed is a function of its own (functions/anchoring).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDocumentClient, lambdaClient, requiredEnv, sfnClient } from '../../shared/adapters/aws-clients.ts';
import { LambdaArchiveStarter, LambdaCaseSealer } from '../../shared/adapters/lambda-case-functions.ts';
import { SfnJointWorkflow } from '../../shared/adapters/sfn-joint-workflow.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import type { SweepReport } from '../../shared/domain/cases/case-sweep.ts';
import { CaseSweep } from '../../shared/domain/cases/case-sweep.ts';
import { observability, observed } from '../http/observability.ts';
import { wholeNumberSetting } from '../http/settings.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';

const { logger, metrics } = observability('sweep');

/** What a run answers: the sweep's report. */
export type SweepRun = SweepReport;

export function sweepHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  // SWEEP_CONCURRENCY: open cases moved at a time (default 8).
  const concurrency = wholeNumberSetting(process.env, 'SWEEP_CONCURRENCY', 1, 64);
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const sweep = new CaseSweep({
    store: new DynamoCaseStore(db, requiredEnv('CASES_TABLE')),
    calendar: options.calendar ?? storedCalendar(db, logger),
    workflow: new SfnJointWorkflow(sfnClient(), requiredEnv('JOINT_STATE_MACHINE_ARN')),
    sealer: new LambdaCaseSealer(lambdaClient(), requiredEnv('SEALING_FUNCTION_NAME')),
    archiver: new LambdaArchiveStarter(lambdaClient(), requiredEnv('ARCHIVE_FUNCTION_NAME')),
    ...(options.now ? { now: options.now } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
  });

  return observed('sweep', async (): Promise<SweepRun> => {
    const { departments } = await directory.load();
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
    return report;
  });
}

export const handler = sweepHandler();
