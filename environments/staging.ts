import type { EnvironmentConfig } from './types';

/** Staging: production's shape at a smaller size; one NAT gateway; state in S3. */
export const staging: EnvironmentConfig = {
  name: 'staging',
  accountId: '222222222222',
  region: 'ap-southeast-1',
  defaultTags: { Environment: 'staging', ManagedBy: 'cdktf', Repository: 'event-driven-ecs-infra' },
  stateBackend: { bucket: 'booking-saga-tfstate-222222222222' },
  base: {
    kind: 'managed',
    network: { cidr: '10.20.0.0/16', azCount: 2, nat: 'single' },
    cluster: { fargateWeight: 1, fargateSpotWeight: 1, fargateBase: 1, containerInsights: 'enabled' },
    defaultImageTag: 'staging',
    imageTagMutability: 'MUTABLE',
    taskOverrides: {
      'payment/charge': { imageTag: 'staging-candidate' },
    },
    taskLogRetentionDays: 30,
  },
  observability: { logRetentionDays: 30, stateMachineLogLevel: 'ERROR', includeExecutionData: true },
};
