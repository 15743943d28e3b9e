// The platform's customer-managed symmetric keys (the data, archive, logs, trail, alarm-topic, backup
// and replica keys): each with its alias and what it encrypts, rotated every year, and retained when
// its stack is deleted, since what it encrypted may outlive the stack. Their policies' statements of
// their own (who may use them, the key guard) are added where each is made.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export function platformKey(scope: Construct, id: string, props: { alias: string; description: string }): Key {
  return new Key(scope, id, { ...props, enableKeyRotation: true, rotationPeriod: Duration.days(365), removalPolicy: RemovalPolicy.RETAIN });
}
