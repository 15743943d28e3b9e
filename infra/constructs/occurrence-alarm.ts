// The platform's alarms all watch for something that should never happen (a failed run, a case that
// could not be moved, a failed execution): one datapoint above zero in one period sets them off, and
// no data means nothing happened.
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

export function occurrenceAlarm(scope: Construct, id: string, props: { alarmName: string; alarmDescription: string; metric: IMetric }): Alarm {
  return new Alarm(scope, id, {
    ...props,
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
