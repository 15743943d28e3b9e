// Lambda: watch — electronic supervision (电子监察, 002 §27). Each queue record is an EventBridge event
// whose `detail` is a case event: the case it names is read and the rules in force evaluated on it, each
// occurrence raised as a finding once (shared/domain/supervision/supervision-watch.ts); or `{"tick":true}`
// (a schedule's, every minute): the daily passes not yet done today — the escalation of red findings
// not answered in time (督办), the item rules over the items in review and the catalogue, and the late
// answers owed to the public (bad reviews' rectifications, tickets' answers: each a finding). A record
// that could not be handled is reported failed and given again by the queue, then kept in its
// dead-letter queue; every raising is idempotent, so a record given again raises nothing twice.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoEvaluationStore } from '../../shared/adapters/dynamo-evaluation-store.ts';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store.ts';
import { DynamoFindingStore } from '../../shared/adapters/dynamo-finding-store.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { evaluationLateAnswers } from '../../shared/domain/evaluations/evaluation-service.ts';
import { ticketLateAnswers } from '../../shared/domain/tickets/ticket-service.ts';
import { FindingService } from '../../shared/domain/supervision/finding-service.ts';
import type { RuleSource } from '../../shared/domain/supervision/rule-source.ts';
import type { Evaluations } from '../../shared/domain/supervision/supervision-watch.ts';
import { SupervisionWatch } from '../../shared/domain/supervision/supervision-watch.ts';
import { observability, observed } from '../http/observability.ts';
import { queueWork } from '../http/queue-work.ts';
import { storedCalendar } from '../http/calendar.ts';
import { storedRules } from '../http/supervision-rules.ts';

const { logger, metrics } = observability('watch');

export interface WatchHandlerOptions {
  now?: () => Date;
  calendar?: CalendarSource;
  /** The rules in force (default: the newest stored catalogue, or the shipped one until one is loaded). */
  rules?: RuleSource;
  /** Tests: other evaluations. */
  evaluations?: Evaluations;
}

export function watchHandler(options: WatchHandlerOptions = {}) {
  const db = dynamoDocumentClient();
  const calendar = options.calendar ?? storedCalendar(db, logger);
  const store = new DynamoFindingStore(db, requiredEnv('SUPERVISION_TABLE'));
  const now = options.now ?? (() => new Date());
  const watch = new SupervisionWatch({
    findings: new FindingService({ store, calendar, now }),
    store,
    cases: new DynamoCaseStore(db, requiredEnv('CASES_TABLE'), { readOnly: true }),
    items: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE')),
    rules: options.rules ?? storedRules(db, logger),
    calendar,
    now,
    ...(options.evaluations ? { evaluations: options.evaluations } : {}),
    // The answers owed to the public: a bad review's rectification (the evaluations' due list).
    lateAnswers: [evaluationLateAnswers(new DynamoEvaluationStore(db, requiredEnv('FEEDBACK_TABLE'))), ticketLateAnswers(new DynamoTicketStore(db, requiredEnv('FEEDBACK_TABLE')))],
  });

  return observed('watch', async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { cases, ticks, failures } = queueWork(event, (messageId, reason) =>
      logger.error('a queue record is neither a case event nor a tick: left to the dead-letter queue', { messageId, reason }),
    );
    let raised = 0;
    let escalated = 0;
    // One evaluation per case however many of its events the batch holds: it reads the newest state.
    await Promise.all(
      [...cases].map(async ([caseNo, records]) => {
        try {
          const report = await watch.onCase(caseNo);
          raised += report.raised;
          if (report.broken) logger.error('a case whose history does not verify was evaluated as stored', { caseNo, broken: report.broken });
        } catch (error) {
          logger.error('the rules could not be evaluated on a case: the queue gives its events again', { caseNo, error });
          failures.push(...records.map((r) => r.record.messageId));
        }
      }),
    );
    for (const record of ticks) {
      try {
        const report = await watch.tick();
        escalated += report.escalation?.escalated ?? 0;
        raised += (report.items?.raised ?? 0) + (report.lateAnswers?.raised ?? 0);
        for (const f of report.escalation?.failed ?? []) logger.error('a finding due could not be escalated: the next tick tries again', f);
        for (const f of report.items?.failed ?? []) logger.error('the item rules could not be evaluated on an item: the next tick tries again', f);
        if (report.lateAnswers && !report.lateAnswers.complete)
          logger.warn('more late answers than one pass reads: the next tick reads them again from the start', report.lateAnswers);
        if (report.escalation || report.items || report.lateAnswers)
          logger.info('daily supervision passes', {
            ...report.escalation,
            items: report.items && { ...report.items, failed: report.items.failed.length },
            lateAnswers: report.lateAnswers,
          });
      } catch (error) {
        logger.error('the daily supervision passes failed: the next tick tries again', { messageId: record.messageId, error });
        failures.push(record.messageId);
      }
    }
    metrics.addMetric('FindingsRaised', MetricUnit.Count, raised);
    metrics.addMetric('FindingsEscalated', MetricUnit.Count, escalated);
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

export const handler = watchHandler();
