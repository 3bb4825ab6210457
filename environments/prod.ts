import type { EnvironmentConfig } from './types';

/** Production: three AZs, a NAT gateway per AZ, on-demand Fargate only, long retention, no event data in logs. */
export const prod: EnvironmentConfig = {
  name: 'prod',
  accountId: '333333333333',
  region: 'ap-southeast-1',
  defaultTags: { Environment: 'prod', ManagedBy: 'cdktf', Repository: 'event-driven-ecs-infra', CostCenter: 'bookings' },
  stateBackend: { bucket: 'booking-saga-tfstate-333333333333', kmsKeyId: 'arn:aws:kms:ap-southeast-1:333333333333:alias/terraform-state' },
  base: {
    kind: 'managed',
    network: { cidr: '10.30.0.0/16', azCount: 3, nat: 'per-az' },
    cluster: { fargateWeight: 1, fargateSpotWeight: 0, fargateBase: 2, containerInsights: 'enhanced' },
    defaultImageTag: '1.0.0',
    taskOverrides: {
      'payment/charge': { cpu: 512, memory: 1024 },
      'compensation/cancel-booking': { cpu: 1024, memory: 2048 },
    },
    taskLogRetentionDays: 365,
  },
  observability: {
    logRetentionDays: 90,
    stateMachineLogLevel: 'ERROR',
    includeExecutionData: false,
    alarmEmail: 'oncall-bookings@example.com',
  },
};
