/** Policy documents of the alarm topic and its key. Pure. */
import { policyDocument, type PolicyDocument } from './policy-document';

/**
 * Key policy of the alarm topic's KMS key. In a key policy `Resource: "*"` means "this key" (a key
 * policy cannot name its own ARN); the account root statement is what AWS requires so that IAM
 * policies can grant access at all.
 */
export function alarmTopicKeyPolicy(accountId: string): PolicyDocument {
  return policyDocument(
    {
      Sid: 'AccountAdministersKey',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'CloudWatchAlarmsEncryptMessages',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
    },
  );
}

/** Only CloudWatch alarms of this account may publish to the topic. */
export function alarmTopicPolicy(topicArn: string, accountId: string): PolicyDocument {
  return policyDocument({
    Sid: 'CloudWatchAlarmsPublish',
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: topicArn,
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  });
}
