/**
 * The smallest configuration a rule needs: one service `orders` with one task `ship` and one rule
 * `ship-order` on its bus, in an environment whose base is given by literal ARNs.
 */
import type { Catalog, RuleSpec } from '../../../catalog/types';
import type { EnvironmentConfig, ExistingBaseConfig } from '../../../environments/types';

export const rule: RuleSpec = {
  name: 'ship-order',
  eventPattern: { 'detail-type': ['OrderPlaced'], source: ['shop.orders'] },
  target: { service: 'orders', task: 'ship' },
};

export const catalogWith = (shipOrder: RuleSpec): Catalog => ({
  namespace: 'shop',
  services: [
    {
      name: 'orders',
      description: 'Orders',
      tasks: [{ name: 'ship', containerName: 'orders', imageRepository: 'shop/orders', cpu: 256, memory: 512, command: ['node', 'dist/ship.js'] }],
      rules: [shipOrder],
    },
  ],
});

export const environment: EnvironmentConfig & { base: ExistingBaseConfig } = {
  name: 'dev',
  accountId: '123456789012',
  region: 'eu-west-1',
  defaultTags: {},
  base: {
    kind: 'existing',
    clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/shop',
    subnetIds: ['subnet-0a1b2c3d'],
    securityGroupIds: ['sg-0a1b2c3d'],
    capacity: { launchType: 'FARGATE' },
    tasks: {
      'orders/ship': {
        taskDefinition: 'shop-orders-ship',
        containerName: 'orders',
        taskRoleArn: 'arn:aws:iam::123456789012:role/shop-orders-task',
        executionRoleArn: 'arn:aws:iam::123456789012:role/shop-execution',
      },
    },
  },
  observability: { logRetentionDays: 14, stateMachineLogLevel: 'ALL', includeExecutionData: true },
};

export const alarmTopicArn = 'arn:aws:sns:eu-west-1:123456789012:dev-alarms';
