import type { EnvironmentConfig } from './types';

/**
 * Staging: production's shape at a smaller size; one NAT gateway; state in S3. It also has EC2
 * capacity, as the source articles ran their tasks: the orchestrated booking flow runs there, spread
 * across availability zones, then packed by memory, on Linux instances only. Production stays on
 * Fargate (no instances to patch); staging proves the EC2 path before anyone needs it.
 */
export const staging: EnvironmentConfig = {
  name: 'staging',
  accountId: '222222222222',
  region: 'ap-southeast-1',
  defaultTags: { Environment: 'staging', ManagedBy: 'cdktf', Repository: 'event-driven-ecs-infra' },
  stateBackend: { bucket: 'booking-saga-tfstate-222222222222' },
  base: {
    kind: 'managed',
    network: { cidr: '10.20.0.0/16', azCount: 2, nat: 'single' },
    cluster: {
      fargateWeight: 1,
      fargateSpotWeight: 1,
      fargateBase: 1,
      containerInsights: 'enabled',
      // A t3.small has 3 network interfaces, the primary one included: 2 awsvpc tasks at a time each.
      ec2: { instanceType: 't3.small', minSize: 0, maxSize: 4, targetCapacity: 100 },
    },
    defaultImageTag: 'staging',
    imageTagMutability: 'MUTABLE',
    taskOverrides: {
      'payment/charge': { imageTag: 'staging-candidate' },
    },
    taskLogRetentionDays: 30,
    ruleCapacity: {
      'booking/orchestrate-booking': {
        runOn: 'EC2',
        placementStrategy: [
          { type: 'spread', field: 'attribute:ecs.availability-zone' },
          { type: 'binpack', field: 'memory' },
        ],
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }],
      },
    },
  },
  observability: { logRetentionDays: 30, stateMachineLogLevel: 'ERROR', includeExecutionData: true },
};
