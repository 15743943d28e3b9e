// The operations dashboard `tongban-<stage>` (API stack): the API's requests, 4xx, 5xx and latency;
// each function's errors, throttles and duration; the dead-letter queues' depths; the tables'
// throttled requests; and the state of every alarm of the platform. A fixed set of widgets — one
// line per function, queue or table, which are fixed by the code — so the dashboard is the same size
// for a town and for a city: nothing per department or principal.
import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, AlarmStatusWidget, Dashboard, GraphWidget, PeriodOverride, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IAlarm, IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { tableThrottledRequests } from './platform-alarms.ts';

/** The graphs' width (a dashboard row is 24 units): two graphs a row. */
const HALF = 12;
const HEIGHT = 6;

export interface PlatformDashboardProps {
  stage: string;
  apiStage: Stage;
  /** Every function, by name. */
  functions: Readonly<Record<string, IFunction>>;
  /** Every dead-letter queue, by the name of its function. */
  deadLetters: Readonly<Record<string, IQueue>>;
  /** The data stack's tables, by name. */
  tables: Readonly<Record<string, ITable>>;
  /** Every alarm to show: this stack's and the data stack's. */
  alarms: readonly IAlarm[];
}

/** The dashboard. */
export function platformDashboard(scope: Construct, props: PlatformDashboardProps): Dashboard {
  const { apiStage } = props;
  const period = Duration.minutes(5);
  const functions = Object.entries(props.functions);
  const byFunction = (metric: (fn: IFunction) => ReturnType<IFunction['metricErrors']>) => functions.map(([name, fn]) => metric(fn).with({ label: name }));
  const widgets: IWidget[][] = [
    [
      new TextWidget({
        markdown: `# Tongban ${props.stage}\nAlarms notify the topic \`tongban-${props.stage}-alarms\`. The API's 5xx and p99 latency alarms, each function's errors and throttles, every dead-letter queue, the tables' throttles and the account's KMS request rate: see README, "Operations".`,
        width: 24,
        height: 2,
      }),
    ],
    [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: Math.min(12, 2 + Math.ceil(props.alarms.length / 4)) })],
    [
      new GraphWidget({
        title: 'API requests, 4xx, 5xx (sum per 5 min)',
        left: [
          apiStage.metricCount({ period, statistic: 'Sum', label: 'requests' }),
          apiStage.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
          apiStage.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
        ],
        width: HALF,
        height: HEIGHT,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          apiStage.metricLatency({ period: Duration.minutes(1), statistic: 'p50', label: 'p50' }),
          apiStage.metricLatency({ period: Duration.minutes(1), statistic: 'p99', label: 'p99' }),
          apiStage.metricIntegrationLatency({ period: Duration.minutes(1), statistic: 'p99', label: 'integration p99' }),
        ],
        width: HALF,
        height: HEIGHT,
      }),
    ],
    [
      new GraphWidget({ title: 'Function errors (sum per 5 min)', left: byFunction((fn) => fn.metricErrors({ period, statistic: 'Sum' })), width: HALF, height: HEIGHT }),
      new GraphWidget({ title: 'Function throttles (sum per 5 min)', left: byFunction((fn) => fn.metricThrottles({ period, statistic: 'Sum' })), width: HALF, height: HEIGHT }),
    ],
    [
      new GraphWidget({ title: 'Function duration, p99 (ms)', left: byFunction((fn) => fn.metricDuration({ period, statistic: 'p99' })), width: HALF, height: HEIGHT }),
      new GraphWidget({
        title: 'Dead-letter queues (messages visible, max)',
        left: Object.entries(props.deadLetters).map(([name, queue]) => queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name })),
        width: HALF,
        height: HEIGHT,
      }),
    ],
    [
      new GraphWidget({
        title: 'DynamoDB throttled requests (sum per 5 min)',
        left: Object.entries(props.tables).map(([name, table]) =>
          // The same sum of operations as each table's alarm (platform-alarms.ts: tableThrottlesAlarm).
          tableThrottledRequests(table, name, period, name),
        ),
        width: HALF,
        height: HEIGHT,
      }),
    ],
  ];
  return new Dashboard(scope, 'Dashboard', {
    dashboardName: `tongban-${props.stage}`,
    defaultInterval: Duration.hours(3),
    periodOverride: PeriodOverride.AUTO,
    widgets,
  });
}

/** Every alarm made in `scope` (the stack) so far. */
export function alarmsOf(scope: Construct): Alarm[] {
  return scope.node.findAll().filter((c): c is Alarm => c instanceof Alarm);
}
