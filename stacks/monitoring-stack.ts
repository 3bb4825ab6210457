import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types';
import { IndependentStack } from './independent-stack';
import { configureBackend } from './backend';
import { alarmTopicKeyPolicy, alarmTopicPolicy } from '../core/monitoring-policies';
import { alarmTopicName, arns, monitoringStackName } from '../core/naming';
import { awsProvider } from './provider';

/** The alarm topic's ARN, known without the stack: service stacks take it as a plain string. */
export const alarmTopicArn = (env: EnvironmentConfig): string => arns.snsTopic(env.region, env.accountId, alarmTopicName(env.name));

/**
 * `<env>-monitoring`: the SNS topic every alarm of the environment goes to. Its own stack because an
 * environment with an existing base has no base stack, and every service stack needs the topic.
 */
export class MonitoringStack extends IndependentStack {
  readonly topicArn: string;

  constructor(scope: Construct, env: EnvironmentConfig) {
    const name = monitoringStackName(env.name);
    super(scope, name);
    configureBackend(this, env, name);
    awsProvider(this, env);

    const topicName = alarmTopicName(env.name);
    this.topicArn = alarmTopicArn(env);
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed aws/sns key: it needs a
    // customer-managed key whose policy lets cloudwatch.amazonaws.com use it.
    const key = new KmsKey(this, 'alarm_topic_key', {
      description: `Encrypts the ${topicName} SNS topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(alarmTopicKeyPolicy(env.accountId)),
    });
    new KmsAlias(this, 'alarm_topic_key_alias', { name: `alias/${topicName}`, targetKeyId: key.keyId });
    const topic = new SnsTopic(this, 'alarm_topic', { name: topicName, kmsMasterKeyId: key.arn });
    new SnsTopicPolicy(this, 'alarm_topic_policy', {
      arn: topic.arn,
      policy: JSON.stringify(alarmTopicPolicy(this.topicArn, env.accountId)),
    });
    if (env.observability.alarmEmail) {
      new SnsTopicSubscription(this, 'alarm_email', { topicArn: topic.arn, protocol: 'email', endpoint: env.observability.alarmEmail });
    }
    new TerraformOutput(this, 'alarm_topic_arn', { value: topic.arn, description: 'SNS topic receiving every alarm of the environment' });
  }
}
