/**
 * The alarm topic's policies: only this account's CloudWatch alarms may publish and use the key; the
 * account root statement is what lets IAM policies grant the key at all (a key policy without it
 * locks the key).
 */
import { alarmTopicKeyPolicy, alarmTopicPolicy } from '../../core/monitoring-policies';

test('the key policy', () => {
  expect(alarmTopicKeyPolicy('111122223333')).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'CloudWatchAlarmsEncryptMessages',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      },
    ],
  });
});

test('the topic policy', () => {
  expect(alarmTopicPolicy('arn:aws:sns:eu-west-1:111122223333:dev-alarms', '111122223333')).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: 'arn:aws:sns:eu-west-1:111122223333:dev-alarms',
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      },
    ],
  });
});
