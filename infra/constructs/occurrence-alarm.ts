// The platform's alarms. Most watch for something that should never happen (a failed run, a case that
// could not be moved, a failed execution, a throttled function, a message in a dead-letter queue): one
// datapoint above zero in one period sets them off, and no data means nothing happened.
//
// Every alarm notifies the alarm topic (infra/constructs/alarm-topic.ts) when it goes into ALARM and
// when it is back to OK: not alarm by alarm, but by the AlarmNotifications aspect each stack applies
// to itself, which gives every CloudWatch alarm in it the topic as its alarm and OK action — so an
// alarm added later cannot be forgotten. An alarm made as a bare CfnAlarm, which the aspect cannot
// give actions, fails synth.
import { Annotations, Aspects } from 'aws-cdk-lib';
import type { IAspect } from 'aws-cdk-lib';
import { Alarm, CfnAlarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct, IConstruct } from 'constructs';

/** `tongban-<stage>-<construct id in kebab case, without "Alarm">`: SweepErrorsAlarm → tongban-prod-sweep-errors. */
export function platformAlarmName(stage: string, id: string): string {
  return `tongban-${stage}-${id
    .replace(/Alarm$/, '')
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .toLowerCase()}`;
}

export function occurrenceAlarm(scope: Construct, id: string, props: { alarmName: string; alarmDescription: string; metric: IMetric }): Alarm {
  return new Alarm(scope, id, {
    ...props,
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/** Gives every CloudWatch alarm it visits `topic` as its alarm and OK action (once). */
export class AlarmNotifications implements IAspect {
  private readonly action: SnsAction;
  private readonly notified = new WeakSet<Alarm>();

  constructor(topic: ITopic) {
    this.action = new SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (node instanceof Alarm) {
      if (this.notified.has(node)) return;
      this.notified.add(node);
      node.addAlarmAction(this.action);
      node.addOkAction(this.action);
    } else if (node instanceof CfnAlarm && !(node.node.scope instanceof Alarm)) {
      Annotations.of(node).addError(
        'make the alarm with aws-cloudwatch Alarm (or occurrenceAlarm), not CfnAlarm: AlarmNotifications gives only those the alarm topic as their action',
      );
    }
  }
}

/** Every alarm of `scope` (a stack), made before or after this call, notifies `topic`. */
export function notifyAlarms(scope: Construct, topic: ITopic): void {
  Aspects.of(scope).add(new AlarmNotifications(topic));
}
