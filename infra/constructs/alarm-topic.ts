// The platform's alarm topic (`tongban-<stage>-alarms`, in the data stack): every alarm of every stack
// notifies it (infra/constructs/occurrence-alarm.ts: AlarmNotifications), and so does the rule that
// watches for a KMS key being disabled or scheduled for deletion (infra/constructs/key-guard.ts); the
// configured `alarmEmails` are subscribed to it.
//
// The topic is encrypted with a key of its own (SSE-KMS, rotated): the services that publish to it
// must be able to use that key, or their notifications are dropped without a word. AWS's guidance
// for encrypted topics ("Enable compatibility between event sources from AWS services and encrypted
// topics", SNS Developer Guide) is a key policy statement letting the publishing service principals
// call kms:GenerateDataKey* and kms:Decrypt: here cloudwatch.amazonaws.com (alarms) and
// events.amazonaws.com (EventBridge rules), without conditions — EventBridge's calls carry no
// aws:SourceAccount/aws:SourceArn, and a condition it cannot meet would silently drop every event. The
// key encrypts this topic's messages and nothing else, so the statement opens nothing more.
//
// The topic policy (CDK writes one for enforceSSL, and a topic policy replaces SNS's default one)
// lets CloudWatch publish for the alarms of this account, and the key-guard rule's target adds
// EventBridge's statement; every other publish must use TLS (cdk-nag SNS3).
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { platformKey } from './platform-key.ts';

/** The service principals that publish to the alarm topic, and so may use its key. */
export const ALARM_PUBLISHERS = ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] as const;

/** What a publishing service needs of the topic's key (SNS Developer Guide, key management). */
export const ALARM_KEY_PUBLISH_ACTIONS = ['kms:GenerateDataKey*', 'kms:Decrypt'] as const;

/** The name of the alarm topic of `stage`. */
export function alarmTopicName(stage: string): string {
  return `tongban-${stage}-alarms`;
}

export interface AlarmTopicProps {
  stage: string;
  /** config.alarmEmails: each is subscribed (and must confirm the subscription SNS mails it). */
  emails: readonly string[];
}

/** The alarm topic, its key and its e-mail subscriptions. */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = platformKey(this, 'Key', {
      alias: `alias/tongban-${props.stage}-alarms`,
      description: `Tongban ${props.stage}: encryption at rest of the alarm topic's messages`,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AlarmPublishersUseTheKey',
        principals: ALARM_PUBLISHERS.map((service) => new ServicePrincipal(service)),
        actions: [...ALARM_KEY_PUBLISH_ACTIONS],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Resource', {
      topicName: alarmTopicName(props.stage),
      displayName: `Tongban ${props.stage} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The alarms of this account and region, whichever stack holds them.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    for (const email of props.emails) {
      const subscription = this.topic.addSubscription(new EmailSubscription(email));
      Validations.of(subscription.node.defaultChild!).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An e-mail subscription: SNS retries a delivery the mail server refuses, and an undelivered alarm notice leaves the alarm itself in ALARM, on the dashboard and in CloudWatch, where the on-call finds it. A dead-letter queue of undelivered e-mails would be one more place nobody watches.',
      });
    }
  }
}
