// The platform's alarms on what the functions' own alarms cannot see (each function's errors,
// throttles and dead letters are built with the functions, infra/constructs/case-functions.ts):
// - the API (API stack): server errors and latency of the stage;
// - the tables (data stack): throttled requests, per table;
// - KMS (data stack): the account's request rate against its KMS request quotas.
// All are named `tongban-<stage>-…` and notify the alarm topic like every other alarm
// (occurrence-alarm.ts: AlarmNotifications). A fixed number each: none per department or principal.
import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { occurrenceAlarm, platformAlarmName } from './occurrence-alarm.ts';

/**
 * API server errors: the alarm fires when a 5-minute period has at least API_5XX_MIN_COUNT 5xx answers
 * and they are at least API_5XX_PERCENT % of the requests. A handler answers a client's mistake with a
 * 4xx, so a 5xx is the platform's fault (an unhandled error, a timeout, a failed integration); the
 * count floor keeps one failed request among three at night from paging anyone (each function's
 * errors alarm already reports the first unhandled error), the rate keeps a busy hour's few from doing so.
 */
export const API_5XX_PERCENT = 1;
export const API_5XX_MIN_COUNT = 5;

/**
 * API latency: p99 of the stage's Latency (request received to response sent, integration
 * included) above API_LATENCY_P99_MS in 3 of 5 one-minute periods. API Gateway gives up on an
 * integration after 29 s, and a request of the platform — a few DynamoDB and KMS calls — takes
 * well under a second once warm (a cold start adds one or two): 5 s at p99, for most of five
 * minutes, is a platform in trouble well before its callers see timeouts, and not one slow request.
 */
export const API_LATENCY_P99_MS = 5000;

/**
 * KMS: the account's cryptographic requests per second, averaged over a minute, against the KMS
 * request quota (Service Quotas, SERVICE_QUOTA()) — alarm at KMS_QUOTA_PERCENT % in 2 of 3 minutes.
 * KMS publishes no throttling metric of its own (AWS/KMS has SecondsUntilKeyMaterialExpiration and
 * little else; a throttled call is a ThrottlingException the SDK retries, then an error of the
 * calling function, which its errors alarm reports). Its usage metrics (AWS/Usage CallCount,
 * Service KMS, Type API, Class None) count the calls of each shared quota by the quota's Resource:
 * CryptographicOperationsSymmetric (the data, archive and alarm keys: Decrypt, GenerateDataKey…) and
 * CryptographicOperationsEcc (the seal keys, ECC_NIST_P256 or SM2: Sign, GetPublicKey…). The quota is
 * per second and the calls per minute: PERIOD() turns them into a rate. The quota throttles per
 * second, so a minute's average at half of it means bursts above it.
 */
export const KMS_QUOTA_PERCENT = 50;
export const KMS_QUOTA_RESOURCES = { KmsSymmetricQuotaAlarm: 'CryptographicOperationsSymmetric', KmsEccQuotaAlarm: 'CryptographicOperationsEcc' } as const;

/** The table operations the throttle alarms count (CloudWatch allows 10 metrics in an alarm's expression). */
export const THROTTLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.SCAN,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_GET_ITEMS,
  Operation.TRANSACT_WRITE_ITEMS,
] as const;

/**
 * A table's throttled requests (ThrottledRequests: a request counts once, whether the table or one of
 * its indexes throttled it), summed over THROTTLE_OPERATIONS. `key` (lower-case letters) prefixes the
 * expression's metric ids, so several tables' sums can share one graph.
 */
export function tableThrottledRequests(table: ITable, key: string, period: Duration, label?: string): MathExpression {
  const usingMetrics = Object.fromEntries(
    THROTTLE_OPERATIONS.map((operation) => [
      `${key}_${operation.toLowerCase()}`,
      new Metric({ namespace: 'AWS/DynamoDB', metricName: 'ThrottledRequests', dimensionsMap: { TableName: table.tableName, Operation: operation }, period, statistic: 'Sum' }),
    ]),
  );
  return new MathExpression({ expression: Object.keys(usingMetrics).join(' + '), usingMetrics, period, ...(label !== undefined ? { label } : {}) });
}

/** The API stage's alarms: 5xx and latency. */
export function apiAlarms(scope: Construct, stage: string, apiStage: Stage): { serverErrors: Alarm; latency: Alarm } {
  const period = Duration.minutes(5);
  const serverErrors = new Alarm(scope, 'Api5xxAlarm', {
    alarmName: `tongban-${stage}-api-5xx`,
    alarmDescription: `Tongban ${stage}: at least ${API_5XX_MIN_COUNT} API requests in 5 minutes, and at least ${API_5XX_PERCENT} % of them, were answered with a 5xx: see the functions' errors and the access logs`,
    metric: new MathExpression({
      expression: `IF(errors >= ${API_5XX_MIN_COUNT}, 100 * errors / requests, 0)`,
      usingMetrics: { errors: apiStage.metricServerError({ period, statistic: 'Sum' }), requests: apiStage.metricCount({ period, statistic: 'Sum' }) },
      label: '5xx %',
      period,
    }),
    threshold: API_5XX_PERCENT,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  const latency = new Alarm(scope, 'ApiLatencyAlarm', {
    alarmName: platformAlarmName(stage, 'ApiLatencyAlarm'),
    alarmDescription: `Tongban ${stage}: the API's p99 latency was above ${API_LATENCY_P99_MS / 1000} s in 3 of the last 5 minutes (the integration timeout is 29 s): see the functions' durations and the traces`,
    metric: apiStage.metricLatency({ period: Duration.minutes(1), statistic: 'p99' }),
    threshold: API_LATENCY_P99_MS,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return { serverErrors, latency };
}

/** A table's alarm: any request throttled in 5 minutes (on demand, that is a hot key or a table's limit). `id` is the table's construct id. */
export function tableThrottlesAlarm(scope: Construct, stage: string, id: string, table: ITable): Alarm {
  return occurrenceAlarm(scope, `${id}ThrottlesAlarm`, {
    alarmName: platformAlarmName(stage, `${id}ThrottlesAlarm`),
    alarmDescription: `Tongban ${stage}: requests to the ${id.replace(/Table$/, '').toLowerCase()} table were throttled (on demand: a hot partition key, or beyond the table's throughput): the SDK retries, callers may see errors or latency`,
    metric: tableThrottledRequests(table, 'table', Duration.minutes(5)),
  });
}

/** The KMS request-rate alarms (account-wide: every caller of KMS in the account and region counts). */
export function kmsQuotaAlarms(scope: Construct, stage: string): Alarm[] {
  return (Object.entries(KMS_QUOTA_RESOURCES) as [string, string][]).map(
    ([id, resource]) =>
      new Alarm(scope, id, {
        alarmName: platformAlarmName(stage, id),
        alarmDescription: `Tongban ${stage}: the account's KMS requests (${resource}) reached ${KMS_QUOTA_PERCENT} % of their request quota, averaged over a minute, in 2 of 3 minutes: calls beyond the quota are throttled (ThrottlingException); ask for a quota increase (Service Quotas) or find the caller`,
        metric: new MathExpression({
          expression: `100 * (calls / PERIOD(calls)) / SERVICE_QUOTA(calls)`,
          usingMetrics: {
            calls: new Metric({
              namespace: 'AWS/Usage',
              metricName: 'CallCount',
              dimensionsMap: { Service: 'KMS', Type: 'API', Resource: resource, Class: 'None' },
              statistic: 'Sum',
              period: Duration.minutes(1),
            }),
          },
          label: `% of the KMS quota (${resource})`,
          period: Duration.minutes(1),
        }),
        threshold: KMS_QUOTA_PERCENT,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
  );
}
