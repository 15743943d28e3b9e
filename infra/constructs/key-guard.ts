// The key guard (in the data stack): an EventBridge rule on the account's default bus that tells the
// alarm topic of every attempt to disable a KMS key, schedule its deletion (or cancel one), turn off
// its rotation or replace its policy — the calls that could make the platform's data, archive or seals
// unreadable or unverifiable. The attempt is reported whether it succeeded or was refused (a refused
// call is reported by CloudTrail with its errorCode, and an attempt is what the on-call must hear of).
//
// It matches every key of the account in the region, not only the platform's: the CloudTrail event
// names the key by its ARN, and a city's 150-odd seal keys would outgrow an event pattern; a disabled
// or doomed key anywhere in the platform's account deserves a look anyway. A deployment that changes a
// key policy (a new seal, a retired one) sends a PutKeyPolicy notice too: the on-call matches it with
// the deployment.
//
// Dependency: CloudTrail management events reach EventBridge ("AWS API Call via CloudTrail") only
// while a trail logs management events in the account and region — the platform's trail (another
// part of the data stack) does. Without one this rule never fires.
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
import { KEY_GUARDED_ACTIONS } from './key-policy.ts';

/**
 * The KMS API calls the key guard reports (CloudTrail `eventName`s), the counterpart of the actions
 * the key policies deny (key-policy.ts KEY_GUARDED_ACTIONS): disabling a key, scheduling its deletion
 * or cancelling one (the end of an incident), disabling its rotation, replacing its policy, deleting
 * imported key material.
 */
export const KEY_GUARD_EVENT_NAMES: readonly string[] = [
  // What the key policies deny to all but the break-glass role (key-policy.ts), caught when it is tried…
  ...KEY_GUARDED_ACTIONS.map((action) => action.replace(/^kms:/, '')),
  // …and what stays open but should never happen unannounced: a policy replaced, a deletion cancelled.
  'PutKeyPolicy',
  'CancelKeyDeletion',
];

export interface KeyGuardProps {
  stage: string;
  /** The alarm topic (its key lets events.amazonaws.com publish). */
  topic: ITopic;
}

export class KeyGuard extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: KeyGuardProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      ruleName: `tongban-${props.stage}-key-guard`,
      description: `Tongban ${props.stage}: an attempt to disable a KMS key, schedule or cancel its deletion, disable its rotation or replace its policy, to the alarm topic`,
      eventPattern: {
        source: ['aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['kms.amazonaws.com'], eventName: [...KEY_GUARD_EVENT_NAMES] },
      },
    });
    const field = (path: string) => EventField.fromPath(path);
    Validations.of(this.rule.node.defaultChild!).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        "The target is the alarm topic: EventBridge retries a refused delivery for 24 hours, and the attempt itself stays recorded in the operations trail's Object Lock bucket whatever happens to its notice. A dead-letter queue of undelivered notices would be one more place nobody watches.",
    });
    this.rule.addTarget(
      new SnsTopic(props.topic, {
        message: RuleTargetInput.fromText(
          `Tongban ${props.stage} key guard: kms:${field('$.detail.eventName')} on ${field('$.detail.requestParameters.keyId')} by ${field('$.detail.userIdentity.arn')} at ${field('$.detail.eventTime')} (error: ${field('$.detail.errorCode')}), region ${field('$.region')}, account ${field('$.account')}, CloudTrail event ${field('$.detail.eventID')}`,
        ),
      }),
    );
  }
}
