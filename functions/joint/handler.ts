// Lambda: the joint-handling workflow's steps (shared/contracts/joint-workflow.ts). No route reaches it:
// only the joint-handling state machine invokes it, one step per call, and every step is idempotent
// (shared/domain/cases/joint-handling.ts), so Step Functions may retry any of them. An escalation is
// the co-department's reminder: it is in the case's history and at the top of the co-department's
// queue, and counted (JointTaskEscalated) for whoever watches the metric.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import type { CheckResult, DispatchResult, JointStepEvent } from '../../shared/contracts/joint-workflow.ts';
import { JOINT_MAX_WAIT_LIMIT_SECONDS } from '../../shared/contracts/joint-workflow.ts';
import { JointHandling } from '../../shared/domain/cases/joint-handling.ts';
import { MAX_JOINT_GRACE_DAYS } from '../../shared/domain/cases/case-lifecycle.ts';
import { observability, observed } from '../http/observability.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { wholeNumberSetting } from '../http/settings.ts';

const { logger, metrics } = observability('joint');

export type JointStepResult = DispatchResult | CheckResult | { departmentId: string; status?: string } | { recorded: true } | undefined;

export function jointHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  // JOINT_MAX_WAIT_SECONDS: the longest single wait for an opinion (default 7 days).
  const wait = wholeNumberSetting(process.env, 'JOINT_MAX_WAIT_SECONDS', 1, JOINT_MAX_WAIT_LIMIT_SECONDS);
  // JOINT_GRACE_DAYS: working days a silent co-department is awaited after its due day (default 2).
  const grace = wholeNumberSetting(process.env, 'JOINT_GRACE_DAYS', 0, MAX_JOINT_GRACE_DAYS);
  const joint = new JointHandling({
    store: new DynamoCaseStore(dynamoDocumentClient(), requiredEnv('CASES_TABLE')),
    calendar: options.calendar ?? storedCalendar(dynamoDocumentClient(), logger),
    ...(options.now ? { now: options.now } : {}),
    ...(wait !== undefined ? { maxWaitSeconds: wait } : {}),
    ...(grace !== undefined ? { graceDays: grace } : {}),
  });

  return observed('joint', async (event: JointStepEvent): Promise<JointStepResult> => {
    // Keys per message, not appended to the shared logger: the embedded runtime runs branches of
    // several cases in one process at once.
    const keys = { caseNo: event.caseNo, step: event.step, ...('departmentId' in event ? { departmentId: event.departmentId } : {}) };
    const count = (name: string) => metrics.addMetric(name, MetricUnit.Count, 1);
    switch (event.step) {
      case 'dispatch': {
        const result = await joint.dispatch(event.caseNo);
        logger.info('joint case dispatched', { ...keys, branches: result.branches.length });
        return result;
      }
      case 'check':
        return await joint.check(event);
      case 'await':
        await joint.awaitOpinion(event, event.taskToken);
        return undefined;
      case 'escalate': {
        const task = await joint.escalate(event);
        if (task?.status === 'escalated') {
          logger.warn('co-department opinion overdue: escalated and reminded', { ...keys, dueOn: task.dueOn, escalatedOn: task.escalatedOn });
          count('JointTaskEscalated');
        }
        return { departmentId: event.departmentId, ...(task ? { status: task.status } : {}) };
      }
      case 'record-missing': {
        const task = await joint.recordMissing(event);
        if (task?.status === 'missing') {
          logger.warn('co-department opinion recorded missing after the statutory deadline', keys);
          count('JointOpinionMissing');
        }
        return { departmentId: event.departmentId, ...(task ? { status: task.status } : {}) };
      }
      case 'fail':
        await joint.fail(event.caseNo, event.failure ?? {});
        logger.error('joint handling failed for good', { ...keys, failure: event.failure });
        count('JointHandlingFailed');
        return { recorded: true };
      default:
        throw new Error(`unknown joint step ${String(Reflect.get(event, 'step'))}`);
    }
  });
}

export const handler = jointHandler();
