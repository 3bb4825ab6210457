import type { EnvironmentConfig } from './types';

/**
 * Development: cheapest shape. No NAT (VPC endpoints instead), mostly Spot, short retention. State in
 * S3 like staging and prod (bucket `booking-saga-tfstate-<account>` in the environment's region):
 * the deploy workflow runs on a fresh runner every time, so local state would be lost.
 */
export const dev: EnvironmentConfig = {
  name: 'dev',
  accountId: '111111111111',
  region: 'ap-southeast-1',
  defaultTags: { Environment: 'dev', ManagedBy: 'cdktf', Repository: 'event-driven-ecs-infra' },
  stateBackend: { bucket: 'booking-saga-tfstate-111111111111' },
  base: {
    kind: 'managed',
    network: { cidr: '10.10.0.0/16', azCount: 2, nat: 'none', flowLogs: false },
    cluster: { fargateWeight: 1, fargateSpotWeight: 3, containerInsights: 'disabled' },
    defaultImageTag: 'latest',
    imageTagMutability: 'MUTABLE',
    taskOverrides: {},
    taskLogRetentionDays: 7,
  },
  observability: { logRetentionDays: 7, stateMachineLogLevel: 'ALL', includeExecutionData: true },
};
