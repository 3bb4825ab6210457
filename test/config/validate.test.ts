/**
 * Configuration validation: the shipped configuration is valid, and each bad configuration (the
 * shipped one with one field broken) yields exactly the expected problem lines, no more.
 */
import { bookingSaga } from '../../catalog/booking-saga';
import { catalogProblems } from '../../catalog/validate';
import { environments } from '../../environments';
import { ConfigurationError, configurationProblems, validateConfiguration } from '../../environments/validate';
import { existingBaseEnvironment } from '../fixtures/environments';

/* eslint-disable @typescript-eslint/no-explicit-any -- drafts are mutated freely, like hand-edited config */
interface Draft {
  catalog: any;
  /** By name: dev, staging, prod and the existing-base `legacy`. */
  envs: Record<string, any>;
}

function draft(): Draft {
  const [dev, staging, prod] = environments;
  return structuredClone({ catalog: bookingSaga, envs: { dev, staging, prod, legacy: existingBaseEnvironment } });
}

/** As messages list them: `booking, payment, …`, in catalog order. */
const serviceNames = bookingSaga.services.map((s) => s.name).join(', ');
/** The service stacks of an environment, as the stack-overlap message lists them. */
const serviceStacks = (env: string) => bookingSaga.services.map((s) => `${env}-${s.name}`).join(', ');

const problemsOf = (d: Draft): string[] => configurationProblems(d.catalog, Object.values(d.envs));
const service = (d: Draft, name: string): any => d.catalog.services.find((s: any) => s.name === name);
const rule = (d: Draft, serviceName: string, ruleName: string): any => service(d, serviceName).rules.find((r: any) => r.name === ruleName);
const task = (d: Draft, serviceName: string, taskName: string): any => service(d, serviceName).tasks.find((t: any) => t.name === taskName);

describe('the shipped configuration', () => {
  it('has a valid catalog', () => {
    expect(catalogProblems(bookingSaga)).toEqual([]);
  });

  it.each(environments.map((env) => [env.name, env]))('environment %s is valid', (_name, env) => {
    expect(configurationProblems(bookingSaga, [env])).toEqual([]);
  });

  it('is valid as a whole, so validateConfiguration does not throw', () => {
    expect(() => validateConfiguration(bookingSaga, environments)).not.toThrow();
  });

  it('the existing-base test environment is valid, with an entry for every targeted task', () => {
    expect(configurationProblems(bookingSaga, [existingBaseEnvironment])).toEqual([]);
    expect(existingBaseEnvironment.base.kind).toBe('existing');
  });
});

interface BadCase {
  readonly name: string;
  readonly mutate: (d: Draft) => void;
  readonly expected: readonly string[];
}

const environmentCases: BadCase[] = [
  {
    name: 'CIDR with a prefix over 32',
    mutate: (d) => (d.envs.dev.base.network.cidr = '10.0.0.0/33'),
    expected: ['environment "dev": base.network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR block'],
  },
  {
    name: 'CIDR with an octet over 255',
    mutate: (d) => (d.envs.staging.base.network.cidr = '10.256.0.0/16'),
    expected: ['environment "staging": base.network.cidr: "10.256.0.0/16" is not a valid IPv4 CIDR block'],
  },
  {
    name: 'CIDR with host bits set',
    mutate: (d) => (d.envs.dev.base.network.cidr = '10.10.4.0/16'),
    expected: ['environment "dev": base.network.cidr: "10.10.4.0/16" has host bits set; the network address is "10.10.0.0/16"'],
  },
  {
    name: 'CIDR larger than a VPC here may be',
    mutate: (d) => (d.envs.prod.base.network.cidr = '10.16.0.0/12'),
    expected: ['environment "prod": base.network.cidr: "10.16.0.0/12" is a /12; a VPC here must be /16 to /24'],
  },
  {
    name: 'more AZs than the region has',
    mutate: (d) => (d.envs.prod.base.network.azCount = 4),
    expected: ['environment "prod": base.network.azCount: 4 exceeds the 3 Availability Zones of ap-southeast-1'],
  },
  {
    name: 'zero AZs',
    mutate: (d) => (d.envs.dev.base.network.azCount = 0),
    expected: ['environment "dev": base.network.azCount: must be a whole number from 1 to 6, not 0'],
  },
  {
    name: 'unknown NAT mode',
    mutate: (d) => (d.envs.staging.base.network.nat = 'nat-gateway'),
    expected: ['environment "staging": base.network.nat: must be "none", "single" or "per-az", not "nat-gateway"'],
  },
  {
    name: 'flow logs given as a string',
    mutate: (d) => (d.envs.prod.base.network.flowLogs = 'yes'),
    expected: ['environment "prod": base.network.flowLogs: must be true or false, not "yes"'],
  },
  {
    name: 'unknown field (a typo) in the network',
    mutate: (d) => (d.envs.dev.base.network.azcount = 2),
    expected: ['environment "dev": base.network.azcount: unknown field'],
  },
  {
    name: 'account id too short',
    mutate: (d) => (d.envs.dev.accountId = '11111111111'),
    expected: ['environment "dev": accountId: "11111111111" must be exactly 12 digits'],
  },
  {
    name: 'region that is not a region code',
    mutate: (d) => (d.envs.dev.region = 'Singapore'),
    expected: ['environment "dev": region: "Singapore" is not an AWS region code such as "eu-west-1"'],
  },
  {
    name: 'region that does not exist',
    mutate: (d) => (d.envs.staging.region = 'eu-west-9'),
    expected: ['environment "staging": region: "eu-west-9" is not a known region of the aws partition (environments/regions.ts lists them)'],
  },
  {
    name: 'two environments with one name',
    mutate: (d) => (d.envs.staging.name = 'dev'),
    expected: ['environment "dev": name: is used by 2 environments; environment names must be unique'],
  },
  {
    name: 'an environment whose name and "-" begin another environment\'s stacks (dev beside dev-eu)',
    mutate: (d) => (d.envs.staging.name = 'dev-eu'),
    expected: [
      `environment "dev": name: "dev-*" also matches the stacks of environment "dev-eu" (dev-eu-monitoring, dev-eu-base, ${serviceStacks('dev-eu')}): stack names are "<environment>-<stack>", so one environment's name followed by "-" must not begin another's stacks; rename one of them`,
    ],
  },
  {
    name: 'an environment whose stacks the other one would take, whichever is listed first',
    mutate: (d) => (d.envs.dev.name = 'staging-b'),
    expected: [
      `environment "staging": name: "staging-*" also matches the stacks of environment "staging-b" (staging-b-monitoring, staging-b-base, ${serviceStacks('staging-b')}): stack names are "<environment>-<stack>", so one environment's name followed by "-" must not begin another's stacks; rename one of them`,
    ],
  },
  {
    name: "an environment named so that it would take the account's CI roles stack",
    mutate: (d) => (d.envs.dev.name = 'ci-roles'),
    expected: [
      'environment "ci-roles": name: "ci-roles-*" also matches the stacks of the CI roles of its account (ci-roles-111111111111, ci-roles-222222222222, ci-roles-333333333333, ci-roles-444444444444): stack names are "<environment>-<stack>", so one environment\'s name followed by "-" must not begin another\'s stacks; rename one of them',
    ],
  },
  {
    name: 'environment name with upper case and underscore',
    mutate: (d) => (d.envs.dev.name = 'Dev_1'),
    expected: ['environment "Dev_1": name: "Dev_1" must be lower-case letters, digits and single dashes, starting with a letter and not ending with a dash'],
  },
  {
    name: 'environment name too long',
    mutate: (d) => (d.envs.dev.name = 'development-sandbox'),
    expected: ['environment "development-sandbox": name: "development-sandbox" is longer than 16 characters'],
  },
  {
    name: 'tag key in the aws: namespace',
    mutate: (d) => (d.envs.prod.defaultTags['aws:cost-center'] = 'bookings'),
    expected: ['environment "prod": defaultTags["aws:cost-center"]: tag keys must not start with "aws:" (reserved by AWS)'],
  },
  {
    name: 'tag value too long',
    mutate: (d) => (d.envs.dev.defaultTags.Owner = 'x'.repeat(257)),
    expected: ['environment "dev": defaultTags.Owner: tag values must be at most 256 characters, not 257'],
  },
  {
    name: 'state bucket name with upper case and underscore',
    mutate: (d) => (d.envs.staging.stateBackend.bucket = 'Booking_State'),
    expected: [
      'environment "staging": stateBackend.bucket: "Booking_State" is not a valid S3 bucket name: use lower-case letters, digits, dots and dashes, starting and ending with a letter or digit',
    ],
  },
  {
    name: 'state bucket name shaped like an IP address',
    mutate: (d) => (d.envs.staging.stateBackend.bucket = '192.168.5.4'),
    expected: ['environment "staging": stateBackend.bucket: "192.168.5.4" is not a valid S3 bucket name: it must not look like an IP address'],
  },
  {
    name: 'KMS key given as a bare alias instead of an ARN',
    mutate: (d) => (d.envs.prod.stateBackend.kmsKeyId = 'alias/terraform-state'),
    expected: ['environment "prod": stateBackend.kmsKeyId: "alias/terraform-state" is not a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<key id> or …:alias/<name>)'],
  },
  {
    name: 'KMS key in another region than the state bucket',
    mutate: (d) => (d.envs.prod.stateBackend.kmsKeyId = 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    expected: ['environment "prod": stateBackend.kmsKeyId: is in region "eu-west-1", but the state bucket is in "ap-southeast-1"; S3 needs a KMS key of the bucket\'s region'],
  },
  {
    name: 'no capacity weight above zero',
    mutate: (d) => (d.envs.prod.base.cluster.fargateWeight = 0),
    expected: ['environment "prod": base.cluster: fargateWeight and fargateSpotWeight are both 0; at least one must be above 0'],
  },
  {
    name: 'fractional capacity weight',
    mutate: (d) => (d.envs.dev.base.cluster.fargateSpotWeight = 1.5),
    expected: ['environment "dev": base.cluster.fargateSpotWeight: must be a whole number from 0 to 1000, not 1.5'],
  },
  {
    name: 'negative fargateBase',
    mutate: (d) => (d.envs.staging.base.cluster.fargateBase = -1),
    expected: ['environment "staging": base.cluster.fargateBase: must be a whole number from 0 to 100000, not -1'],
  },
  {
    name: 'Container Insights as a boolean',
    mutate: (d) => (d.envs.dev.base.cluster.containerInsights = true),
    expected: ['environment "dev": base.cluster.containerInsights: must be "enabled", "enhanced" or "disabled", not true'],
  },
  {
    name: 'image tag with a space',
    mutate: (d) => (d.envs.prod.base.defaultImageTag = '1.0 final'),
    expected: ['environment "prod": base.defaultImageTag: "1.0 final" is not a valid image tag (1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-")'],
  },
  {
    name: '"latest" in an immutable repository',
    mutate: (d) => (d.envs.prod.base.defaultImageTag = 'latest'),
    expected: [
      'environment "prod": base.defaultImageTag: "latest" cannot be pushed twice to an IMMUTABLE repository (imageTagMutability defaults to IMMUTABLE); use a versioned tag or set base.imageTagMutability to "MUTABLE"',
    ],
  },
  {
    name: 'override of a task the catalog does not define',
    mutate: (d) => (d.envs.staging.base.taskOverrides['payment/refund'] = { imageTag: 'rc1' }),
    expected: ['environment "staging": base.taskOverrides["payment/refund"]: service "payment" defines no task "refund" (it defines: charge)'],
  },
  {
    name: 'override of a service the catalog does not define',
    mutate: (d) => (d.envs.staging.base.taskOverrides['payments/charge'] = { imageTag: 'rc1' }),
    expected: [`environment "staging": base.taskOverrides["payments/charge"]: the catalog has no service "payments" (services: ${serviceNames})`],
  },
  {
    name: 'override keyed by a task name alone',
    mutate: (d) => (d.envs.dev.base.taskOverrides.charge = { cpu: 512, memory: 1024 }),
    expected: ['environment "dev": base.taskOverrides.charge: "charge" is not a task key; use "<service>/<task>", for example "payment/charge"'],
  },
  {
    name: 'override with memory a Fargate CPU cannot have',
    mutate: (d) => (d.envs.prod.base.taskOverrides['payment/charge'] = { cpu: 512, memory: 8192 }),
    expected: ['environment "prod": base.taskOverrides["payment/charge"].memory: 8192 MiB is not a Fargate size for cpu 512, which allows 1024 to 4096 MiB in steps of 1024'],
  },
  {
    name: 'override of cpu alone that no longer fits the catalog memory',
    mutate: (d) => (d.envs.dev.base.taskOverrides['seat/reserve-seats'] = { cpu: 4096 }),
    expected: [
      'environment "dev": base.taskOverrides["seat/reserve-seats"].cpu: 4096 does not fit the catalog\'s memory of 512 MiB: cpu 4096 allows 8192 to 30720 MiB in steps of 1024; override memory too',
    ],
  },
  {
    name: 'override with a CPU size Fargate does not offer',
    mutate: (d) => (d.envs.prod.base.taskOverrides['payment/charge'] = { cpu: 768, memory: 2048 }),
    expected: ['environment "prod": base.taskOverrides["payment/charge"].cpu: 768 is not a Fargate CPU size; use 256, 512, 1024, 2048, 4096, 8192 or 16384'],
  },
  {
    name: 'task log retention CloudWatch does not offer',
    mutate: (d) => (d.envs.dev.base.taskLogRetentionDays = 10),
    expected: [
      'environment "dev": base.taskLogRetentionDays: 10 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
    ],
  },
  {
    name: 'unknown base kind',
    mutate: (d) => (d.envs.dev.base.kind = 'imported'),
    expected: ['environment "dev": base.kind: must be "managed" or "existing", not "imported"'],
  },
  {
    name: 'state machine log level that does not exist',
    mutate: (d) => (d.envs.prod.observability.stateMachineLogLevel = 'DEBUG'),
    expected: ['environment "prod": observability.stateMachineLogLevel: must be "ALL", "ERROR", "FATAL" or "OFF", not "DEBUG"'],
  },
  {
    name: 'alarm e-mail without a domain',
    mutate: (d) => (d.envs.prod.observability.alarmEmail = 'oncall-bookings'),
    expected: ['environment "prod": observability.alarmEmail: "oncall-bookings" is not an e-mail address'],
  },
  {
    name: 'observability missing',
    mutate: (d) => delete d.envs.staging.observability,
    expected: ['environment "staging": observability: is required'],
  },
  {
    name: 'a rule name that makes an IAM role name too long in one environment only',
    mutate: (d) =>
      service(d, 'payment').rules.push({
        name: 'reserve-seats-for-group-bookings-over-ten1', // 42 characters
        eventPattern: { 'detail-type': ['PaymentSucceeded'] },
        target: { service: 'seat', task: 'reserve-seats' },
      }),
    expected: [
      'environment "staging": name: makes the IAM role name "staging-payment-reserve-seats-for-group-bookings-over-ten1-events" 65 characters long (for service "payment", rule "reserve-seats-for-group-bookings-over-ten1"); AWS allows at most 64. Shorten the environment, service or rule name',
    ],
  },
];

const legacyTask = 'base.tasks["payment/charge"]';
const existingBaseCases: BadCase[] = [
  {
    name: 'cluster ARN that is a cluster name',
    mutate: (d) => (d.envs.legacy.base.clusterArn = 'legacy-services'),
    expected: ['environment "legacy": base.clusterArn: "legacy-services" is not an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)'],
  },
  {
    name: 'cluster ARN in another region',
    mutate: (d) => (d.envs.legacy.base.clusterArn = 'arn:aws:ecs:eu-west-2:444444444444:cluster/legacy-services'),
    expected: ['environment "legacy": base.clusterArn: is in region "eu-west-2", not the environment\'s region "eu-west-1"'],
  },
  {
    name: 'malformed subnet id',
    mutate: (d) => (d.envs.legacy.base.subnetIds[1] = 'subnet-12345'),
    expected: ['environment "legacy": base.subnetIds[1]: "subnet-12345" is not a subnet id (subnet- followed by 8 or 17 hex digits)'],
  },
  {
    name: 'no subnets',
    mutate: (d) => (d.envs.legacy.base.subnetIds = []),
    expected: ['environment "legacy": base.subnetIds: must list 1 to 16 ids, not 0'],
  },
  {
    name: 'security group listed twice',
    mutate: (d) => d.envs.legacy.base.securityGroupIds.push('sg-0c3d4e5f678901234'),
    expected: ['environment "legacy": base.securityGroupIds[1]: "sg-0c3d4e5f678901234" is listed twice'],
  },
  {
    name: 'task definition ARN of another account',
    mutate: (d) => (d.envs.legacy.base.tasks['payment/charge'].taskDefinition = 'arn:aws:ecs:eu-west-1:555555555555:task-definition/legacy-payment-charge:14'),
    expected: [`environment "legacy": ${legacyTask}.taskDefinition: is in account "555555555555", not the environment's account "444444444444"`],
  },
  {
    name: 'task definition family ARN of another region',
    mutate: (d) => (d.envs.legacy.base.tasks['payment/charge'].taskDefinition = 'arn:aws:ecs:us-east-1:444444444444:task-definition/legacy-payment-charge'),
    expected: [`environment "legacy": ${legacyTask}.taskDefinition: is in region "us-east-1", not the environment's region "eu-west-1"`],
  },
  {
    name: 'task definition as family:revision (neither a family nor an ARN)',
    mutate: (d) => (d.envs.legacy.base.tasks['payment/charge'].taskDefinition = 'legacy-payment-charge:14'),
    expected: [
      `environment "legacy": ${legacyTask}.taskDefinition: "legacy-payment-charge:14" is not a task definition family (1 to 255 letters, digits, "_" or "-") or ARN (arn:aws:ecs:<region>:<account>:task-definition/<family>[:<revision>])`,
    ],
  },
  {
    name: 'the field by its old name',
    mutate: (d) => {
      const task = d.envs.legacy.base.tasks['payment/charge'];
      task.taskDefinitionArn = task.taskDefinition;
      delete task.taskDefinition;
    },
    expected: [`environment "legacy": ${legacyTask}.taskDefinition: is required`, `environment "legacy": ${legacyTask}.taskDefinitionArn: unknown field`],
  },
  {
    name: 'task role given as a role name',
    mutate: (d) => (d.envs.legacy.base.tasks['payment/charge'].taskRoleArn = 'legacy-payment-task'),
    expected: [`environment "legacy": ${legacyTask}.taskRoleArn: "legacy-payment-task" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`],
  },
  {
    name: 'execution role of another account',
    mutate: (d) => (d.envs.legacy.base.tasks['payment/charge'].executionRoleArn = 'arn:aws:iam::555555555555:role/ecs-task-execution'),
    expected: [
      `environment "legacy": ${legacyTask}.executionRoleArn: is in account "555555555555", not the environment's account "444444444444" (ECS can pass only roles of its own account)`,
    ],
  },
  {
    name: 'a targeted task without an entry',
    mutate: (d) => delete d.envs.legacy.base.tasks['compensation/cancel-booking'],
    expected: [
      'environment "legacy": base.tasks: has no entry for "compensation/cancel-booking", which rules "booking/orchestrate-booking", "payment/compensate-payment-failure", "seat/compensate-seat-failure" start',
    ],
  },
  {
    name: 'an entry for a task the catalog does not define',
    mutate: (d) => (d.envs.legacy.base.tasks['seat/release-seats'] = { ...d.envs.legacy.base.tasks['seat/reserve-seats'] }),
    expected: ['environment "legacy": base.tasks["seat/release-seats"]: service "seat" defines no task "release-seats" (it defines: reserve-seats)'],
  },
  {
    name: 'both a launch type and a strategy',
    mutate: (d) => (d.envs.legacy.base.capacity = { launchType: 'FARGATE', strategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }),
    expected: ['environment "legacy": base.capacity: give exactly one of launchType or strategy'],
  },
  {
    name: 'a strategy whose weights are all zero',
    mutate: (d) =>
      (d.envs.legacy.base.capacity = {
        strategy: [
          { capacityProvider: 'FARGATE', weight: 0, base: 1 },
          { capacityProvider: 'FARGATE_SPOT', weight: 0 },
        ],
      }),
    expected: ['environment "legacy": base.capacity.strategy: at least one capacity provider needs a weight above 0'],
  },
  {
    name: 'a strategy naming a provider twice',
    mutate: (d) =>
      (d.envs.legacy.base.capacity = {
        strategy: [
          { capacityProvider: 'FARGATE', weight: 1 },
          { capacityProvider: 'FARGATE', weight: 2 },
        ],
      }),
    expected: ['environment "legacy": base.capacity.strategy[1].capacityProvider: "FARGATE" is listed twice'],
  },
  {
    name: 'an EC2 capacity provider',
    mutate: (d) => (d.envs.legacy.base.capacity = { strategy: [{ capacityProvider: 'EC2', weight: 1 }] }),
    expected: ['environment "legacy": base.capacity.strategy[0].capacityProvider: must be "FARGATE" or "FARGATE_SPOT", not "EC2"'],
  },
  {
    name: 'a managed-base field in an existing base',
    mutate: (d) => (d.envs.legacy.base.defaultImageTag = '1.0.0'),
    expected: ['environment "legacy": base.defaultImageTag: unknown field'],
  },
];

const catalogCases: BadCase[] = [
  {
    name: 'rule target naming a task its service does not define',
    mutate: (d) => (rule(d, 'payment', 'reserve-seats').target.task = 'reserve'),
    expected: ['catalog: service "payment", rule "reserve-seats": target.task: task "reserve" is not defined by service "seat" (it defines: reserve-seats)'],
  },
  {
    name: 'rule target naming a service that does not exist',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').target.service = 'billing'),
    expected: [`catalog: service "booking", rule "charge-payment": target.service: service "billing" is not defined (services: ${serviceNames})`],
  },
  {
    name: 'namespace in the aws. space',
    mutate: (d) => (d.catalog.namespace = 'aws.booking'),
    expected: ['catalog: namespace: "aws.booking" makes event sources start with "aws.", which AWS reserves for its own events'],
  },
  {
    name: 'two services with one name',
    mutate: (d) => d.catalog.services.push({ ...service(d, 'notification'), tasks: [], rules: [] }),
    expected: ['catalog: service "notification": name: is defined 2 times; service names must be unique'],
  },
  {
    name: 'a service named like a stack every environment already has',
    mutate: (d) => d.catalog.services.push({ name: 'base', description: 'Collides with <env>-base', tasks: [], rules: [] }),
    expected: ['catalog: service "base": name: is reserved: every environment has a stack <env>-base of its own (reserved: base, monitoring)'],
  },
  {
    name: 'service name with upper case',
    mutate: (d) => (service(d, 'booking').name = 'Booking'),
    expected: [
      'catalog: service "Booking": name: "Booking" must be lower-case letters, digits and single dashes, starting with a letter and not ending with a dash',
      // What names the service by its old name is reported too: its own flow's rule, and staging's placement of that rule.
      'catalog: service "Booking", rule "orchestrate-booking": target.service: service "booking" is not defined (services: Booking, payment, seat, notification, compensation)',
      'environment "staging": base.ruleCapacity["booking/orchestrate-booking"]: "booking/orchestrate-booking" is not a rule of the catalog; use "<service>/<rule>", the service whose bus the rule is on (rules: Booking/charge-payment, Booking/orchestrate-booking, Booking/notify-booking-confirmed, payment/reserve-seats, payment/compensate-payment-failure, seat/notify-booking-confirmed, seat/compensate-seat-failure, compensation/notify-booking-cancelled)',
    ],
  },
  {
    name: 'two tasks with one name in a service',
    mutate: (d) => service(d, 'payment').tasks.push({ ...task(d, 'payment', 'charge'), command: ['node', 'dist/refund.js'] }),
    expected: ['catalog: service "payment", task "charge": name: is defined 2 times in service "payment"; task names must be unique within a service'],
  },
  {
    name: 'two rules with one name on a bus',
    mutate: (d) => service(d, 'seat').rules.push({ ...rule(d, 'seat', 'compensate-seat-failure') }),
    expected: ['catalog: service "seat", rule "compensate-seat-failure": name: is defined 2 times on the "seat" bus; rule names must be unique on a bus'],
  },
  {
    name: 'empty detail-type list',
    mutate: (d) => (rule(d, 'seat', 'notify-booking-confirmed').eventPattern['detail-type'] = []),
    expected: ['catalog: service "seat", rule "notify-booking-confirmed": eventPattern["detail-type"]: must list at least one detail-type'],
  },
  {
    name: 'empty string in detail-type',
    mutate: (d) => (rule(d, 'seat', 'notify-booking-confirmed').eventPattern['detail-type'] = ['SeatUpdated', '']),
    expected: ['catalog: service "seat", rule "notify-booking-confirmed": eventPattern["detail-type"][1]: must not be empty'],
  },
  {
    name: 'pattern without detail-type',
    mutate: (d) => delete rule(d, 'payment', 'reserve-seats').eventPattern['detail-type'],
    expected: ['catalog: service "payment", rule "reserve-seats": eventPattern["detail-type"]: is required'],
  },
  {
    name: "pattern over EventBridge's 2048 characters",
    // {"detail-type":["BookingCreated"],"source":["booking-saga.booking"],"detail":{"note":[""]}} is 91 characters.
    mutate: (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { note: ['x'.repeat(1958)] }),
    expected: ['catalog: service "booking", rule "charge-payment": eventPattern: is 2049 characters as JSON; EventBridge allows at most 2048'],
  },
  {
    name: 'pattern on a field events do not have',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detailType = ['BookingCreated']),
    expected: [
      'catalog: service "booking", rule "charge-payment": eventPattern.detailType: is not a field of an EventBridge event (fields: version, id, detail-type, source, account, time, region, resources, detail)',
    ],
  },
  {
    name: 'pattern with a malformed numeric filter',
    mutate: (d) => (rule(d, 'seat', 'notify-booking-confirmed').eventPattern.detail = { seats: [{ numeric: ['>', 'two'] }] }),
    expected: ['catalog: service "seat", rule "notify-booking-confirmed": eventPattern.detail.seats[0].numeric: the value after ">" must be a number, got "two"'],
  },
  {
    name: 'pattern with a cidr EventBridge refuses (/32: event-ruler takes fewer than 32 mask bits)',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { clientIp: [{ cidr: '203.0.113.7/32' }] }),
    expected: ['catalog: service "booking", rule "charge-payment": eventPattern.detail.clientIp[0].cidr: "203.0.113.7/32": IPv4 mask bits must be < 32'],
  },
  {
    name: 'pattern with a wildcard EventBridge finds too complex',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { bus: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }),
    expected: [
      'catalog: service "booking", rule "charge-payment": eventPattern: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character (complexity over 10, the most EventBridge allows)',
    ],
  },
  {
    name: 'pattern with an anything-but list mixing strings and numbers',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { state: [{ 'anything-but': ['held', 0] }] }),
    expected: ['catalog: service "booking", rule "charge-payment": eventPattern.detail.state[0].anything-but: "anything-but" list must hold only strings or only numbers, not both'],
  },
  {
    name: 'pattern with a bad "$or" alternative',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { $or: [{ total: [{ numeric: ['>', 0] }] }, { total: [{ numeric: ['<'] }] }] }),
    expected: ['catalog: service "booking", rule "charge-payment": eventPattern.detail.$or[1].total[0].numeric: the value after "<" must be a number, got nothing'],
  },
  {
    name: 'pattern whose "$or" EventBridge would read as a field named "$or"',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { $or: ['held', { prefix: 'cancel' }] }),
    expected: [
      'catalog: service "booking", rule "charge-payment": eventPattern.detail.$or: is not a valid "$or" (an array of at least two pattern objects, without operator names as fields), so EventBridge reads it as a field literally named "$or" that events do not have',
    ],
  },
  {
    name: 'pattern on a field events do not have, inside "$or"',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').eventPattern.$or = [{ detail: { total: [1] } }, { details: { total: [2] } }]),
    expected: [
      'catalog: service "booking", rule "charge-payment": eventPattern.details: is not a field of an EventBridge event (fields: version, id, detail-type, source, account, time, region, resources, detail)',
    ],
  },
  {
    name: 'more than 30 rules with wildcards on one bus',
    mutate: (d) => {
      for (let i = 0; i < 31; i += 1) {
        service(d, 'booking').rules.push({
          name: `charge-${i}`,
          eventPattern: { 'detail-type': [`Booking${i}`], detail: { ref: [{ wildcard: `order-${i}-*` }] } },
          target: { service: 'payment', task: 'charge' },
        });
      }
    },
    expected: ['catalog: service "booking": rules: 31 rules on one bus use wildcards; EventBridge allows at most 30 such rules per event bus (not adjustable)'],
  },
  {
    name: 'more than 300 rules on one bus',
    mutate: (d) => {
      // The booking bus has 3 rules of its own.
      for (let i = 0; i < 298; i += 1) {
        service(d, 'booking').rules.push({ name: `charge-${i}`, eventPattern: { 'detail-type': [`Booking${i}`] }, target: { service: 'payment', task: 'charge' } });
      }
    },
    expected: [
      'catalog: service "booking": rules: 301 rules on one bus exceed EventBridge\'s default quota of 300 rules per event bus (adjustable through Service Quotas; this check assumes the default)',
    ],
  },
  {
    name: 'retry attempts over 185',
    mutate: (d) => (rule(d, 'payment', 'compensate-payment-failure').options.retryAttempts = 186),
    expected: ['catalog: service "payment", rule "compensate-payment-failure": options.retryAttempts: must be a whole number from 0 to 185, not 186'],
  },
  {
    name: 'maximum event age under a minute',
    mutate: (d) => (rule(d, 'seat', 'compensate-seat-failure').options.maximumEventAgeSeconds = 30),
    expected: ['catalog: service "seat", rule "compensate-seat-failure": options.maximumEventAgeSeconds: must be a whole number from 60 to 86400 seconds, not 30'],
  },
  {
    name: 'state machine timeout over a year',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').options.timeoutSeconds = 31_536_001),
    expected: [
      'catalog: service "booking", rule "charge-payment": options.timeoutSeconds: must be a whole number from 2280 to 31536000 seconds (a Standard workflow runs at most a year; below 2280 s, 3 runs of the task with their retries and the failure event\'s publish leave no minute per run), not 31536001',
    ],
  },
  {
    name: "state machine timeout that leaves the task no time (900 s was the example saga's before its retries were counted)",
    mutate: (d) => (rule(d, 'booking', 'charge-payment').options.timeoutSeconds = 900),
    expected: [
      'catalog: service "booking", rule "charge-payment": options.timeoutSeconds: must be a whole number from 2280 to 31536000 seconds (a Standard workflow runs at most a year; below 2280 s, 3 runs of the task with their retries and the failure event\'s publish leave no minute per run), not 900',
    ],
  },
  {
    name: 'idempotent that is not true or false',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').options.idempotent = 'yes'),
    expected: ['catalog: service "booking", rule "charge-payment": options.idempotent: must be true or false, not "yes"'],
  },
  {
    name: 'unknown detail delivery',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').options.detailDelivery = 's3'),
    expected: ['catalog: service "booking", rule "charge-payment": options.detailDelivery: must be "environment" or "reference", not "s3"'],
  },
  {
    name: 'empty failure detail-type',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').options.failureDetailType = ''),
    expected: ['catalog: service "booking", rule "charge-payment": options.failureDetailType: must not be empty'],
  },
  {
    name: 'failure detail-type set to true',
    mutate: (d) => (rule(d, 'booking', 'charge-payment').options.failureDetailType = true),
    expected: ['catalog: service "booking", rule "charge-payment": options.failureDetailType: must be a detail-type string or false, not true'],
  },
  {
    name: 'a rule that its own default failure event starts again',
    mutate: (d) =>
      service(d, 'compensation').rules.push({
        name: 'retry-cancellation',
        eventPattern: { 'detail-type': ['CompensationTaskFailed'] },
        target: { service: 'compensation', task: 'cancel-booking' },
      }),
    expected: [
      'catalog: service "compensation", rule "retry-cancellation": options.failureDetailType: "CompensationTaskFailed" (the default) is published to the "compensation" bus, where this rule matches it again: every execution would start another',
    ],
  },
  {
    name: 'task size Fargate does not offer',
    mutate: (d) => (task(d, 'compensation', 'cancel-booking').memory = 512),
    expected: ['catalog: service "compensation", task "cancel-booking": memory: 512 MiB is not a Fargate size for cpu 512, which allows 1024 to 4096 MiB in steps of 1024'],
  },
  {
    name: 'image repository with a tag',
    mutate: (d) => (task(d, 'payment', 'charge').imageRepository = 'booking-saga/payment:1.0.0'),
    expected: [
      'catalog: service "payment", task "charge": imageRepository: "booking-saga/payment:1.0.0" is not an ECR repository name (2 to 256 characters; lower-case letters and digits, separated by single ".", "_", "-" or "/"; no registry host or tag)',
    ],
  },
  {
    name: 'container name with a space',
    mutate: (d) => (task(d, 'seat', 'reserve-seats').containerName = 'seat service'),
    expected: ['catalog: service "seat", task "reserve-seats": containerName: "seat service" must be 1 to 255 letters, digits, underscores or dashes'],
  },
  {
    name: 'empty task command',
    mutate: (d) => (task(d, 'notification', 'notify').command = []),
    expected: ['catalog: service "notification", task "notify": command: must hold at least one element (the executable)'],
  },
  {
    name: 'empty element in a rule target command',
    mutate: (d) => (rule(d, 'seat', 'notify-booking-confirmed').target.command = ['node', '']),
    expected: ['catalog: service "seat", rule "notify-booking-confirmed": target.command[1]: must not be empty'],
  },
  {
    name: 'cpu given as a string',
    mutate: (d) => (task(d, 'payment', 'charge').cpu = '256'),
    expected: ['catalog: service "payment", task "charge": cpu: must be a number, not "256"'],
  },
];

describe.each([
  ['environment', environmentCases],
  ['existing base', existingBaseCases],
  ['catalog', catalogCases],
])('a bad %s', (_kind, cases) => {
  it.each(cases)('$name', ({ mutate, expected }) => {
    const d = draft();
    mutate(d);
    expect(problemsOf(d)).toEqual(expected);
  });
});

describe('boundaries that are still valid', () => {
  it.each<[string, (d: Draft) => void]>([
    ['a pattern of exactly 2048 characters', (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { note: ['x'.repeat(1957)] })],
    [
      'exactly 300 rules on one bus',
      (d) => {
        for (let i = 0; i < 297; i += 1) {
          service(d, 'booking').rules.push({ name: `charge-${i}`, eventPattern: { 'detail-type': [`Booking${i}`] }, target: { service: 'payment', task: 'charge' } });
        }
      },
    ],
    ['a dotted pattern key (EventBridge reads {"detail.total": ..} as detail → total)', (d) => (rule(d, 'booking', 'charge-payment').eventPattern['detail.total'] = [{ numeric: ['>', 0] }])],
    ['a wildcard at complexity 10, the most EventBridge allows', (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { bus: [{ wildcard: '*:*:*:*:*:event-bus/' }] })],
    ['a /31 cidr', (d) => (rule(d, 'booking', 'charge-payment').eventPattern.detail = { clientIp: [{ cidr: '203.0.113.6/31' }] })],
    [
      'exactly 30 rules with wildcards on one bus',
      (d) => {
        for (let i = 0; i < 30; i += 1) {
          service(d, 'booking').rules.push({
            name: `charge-${i}`,
            eventPattern: { 'detail-type': [`Booking${i}`], detail: { ref: [{ wildcard: `order-${i}-*` }] } },
            target: { service: 'payment', task: 'charge' },
          });
        }
      },
    ],
    ['retry attempts 0 and event age 60 s', (d) => Object.assign(rule(d, 'booking', 'charge-payment').options, { retryAttempts: 0, maximumEventAgeSeconds: 60 })],
    ['options without failureDetailType (the default applies)', (d) => (rule(d, 'booking', 'charge-payment').options = { detailDelivery: 'reference' })],
    ['a state machine timeout of 2280 s, the least that leaves a minute per run', (d) => (rule(d, 'booking', 'charge-payment').options.timeoutSeconds = 2280)],
    ['an idempotent task', (d) => (rule(d, 'payment', 'reserve-seats').options.idempotent = true)],
    ['a /24 VPC in six AZs of us-east-1', (d) => Object.assign(d.envs.dev, { region: 'us-east-1', base: { ...d.envs.dev.base, network: { cidr: '10.1.2.0/24', azCount: 6, nat: 'none' } } })],
    ['the largest Fargate size as an override', (d) => (d.envs.prod.base.taskOverrides['payment/charge'] = { cpu: 16384, memory: 122880 })],
    ['"latest" in a MUTABLE repository', (d) => (d.envs.dev.base.defaultImageTag = 'latest')],
    [
      'an existing base with a capacity provider strategy',
      (d) =>
        (d.envs.legacy.base.capacity = {
          strategy: [
            { capacityProvider: 'FARGATE', weight: 1, base: 2 },
            { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          ],
        }),
    ],
  ])('%s', (_name, mutate) => {
    const d = draft();
    mutate(d);
    expect(problemsOf(d)).toEqual([]);
  });
});

describe('several problems at once', () => {
  const broken = (): Draft => {
    const d = draft();
    d.envs.dev.base.network.cidr = '10.0.0.0/33';
    d.envs.prod.base.network.azCount = 5;
    d.envs.legacy.base.tasks['payment/charge'].taskDefinition = 'arn:aws:ecs:eu-west-1:555555555555:task-definition/legacy-payment-charge';
    rule(d, 'payment', 'reserve-seats').target.task = 'reserve';
    d.envs.staging.name = 'dev';
    return d;
  };

  it('are all reported, catalog first, then environments in order', () => {
    expect(problemsOf(broken())).toEqual([
      'catalog: service "payment", rule "reserve-seats": target.task: task "reserve" is not defined by service "seat" (it defines: reserve-seats)',
      'environment "dev": name: is used by 2 environments; environment names must be unique',
      'environment "dev": base.network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR block',
      'environment "prod": base.network.azCount: 5 exceeds the 3 Availability Zones of ap-southeast-1',
      'environment "legacy": base.tasks["payment/charge"].taskDefinition: is in account "555555555555", not the environment\'s account "444444444444"',
    ]);
  });

  it('throw one ConfigurationError whose message is a header and one line per problem', () => {
    const d = broken();
    let thrown: unknown;
    try {
      validateConfiguration(d.catalog, Object.values(d.envs));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    const error = thrown as ConfigurationError;
    expect(error.problems).toEqual(problemsOf(broken()));
    expect(error.message.split('\n')).toEqual(['Invalid configuration (5 problems); nothing was synthesized:', ...error.problems.map((p) => `  - ${p}`)]);
  });

  it('in one field and across fields of one environment are all reported', () => {
    const d = draft();
    Object.assign(d.envs.dev, { accountId: 'dev-account', region: 'eu-west-9' });
    Object.assign(d.envs.dev.base.cluster, { fargateWeight: 0, fargateSpotWeight: 0, containerInsights: 'on' });
    expect(problemsOf(d)).toEqual([
      'environment "dev": accountId: "dev-account" must be exactly 12 digits',
      'environment "dev": region: "eu-west-9" is not a known region of the aws partition (environments/regions.ts lists them)',
      'environment "dev": base.cluster.containerInsights: must be "enabled", "enhanced" or "disabled", not "on"',
      'environment "dev": base.cluster: fargateWeight and fargateSpotWeight are both 0; at least one must be above 0',
    ]);
  });
});

describe('malformed input', () => {
  it('yields messages, never a crash', () => {
    const problems = configurationProblems(null as never, [{} as never, { name: 'x', base: { kind: 'existing' } } as never]);
    expect(problems).toEqual([
      'catalog: must be an object, not null',
      'environments[0]: name: is required',
      'environments[0]: accountId: is required',
      'environments[0]: region: is required',
      'environments[0]: defaultTags: is required',
      'environments[0]: base: is required',
      'environments[0]: observability: is required',
      'environment "x": accountId: is required',
      'environment "x": region: is required',
      'environment "x": defaultTags: is required',
      'environment "x": base.clusterArn: is required',
      'environment "x": base.subnetIds: is required',
      'environment "x": base.securityGroupIds: is required',
      'environment "x": base.capacity: is required',
      'environment "x": base.tasks: is required',
      'environment "x": observability: is required',
    ]);
  });

  it('names a service by position when its name is missing', () => {
    const d = draft();
    delete service(d, 'booking').name;
    expect(catalogProblems(d.catalog)).toEqual(['catalog: services[0]: name: is required']);
  });
});

describe('detail budgets across the saga', () => {
  it('a rule that receives failure events cannot take them in an environment variable: a 1 KiB detail would not fit', () => {
    const d = draft();
    rule(d, 'payment', 'compensate-payment-failure').options.detailDelivery = 'environment';
    const problems = problemsOf(d);
    expect(problems).toHaveLength(4);
    for (const env of ['dev', 'staging', 'prod', 'legacy']) {
      const problem = problems.find((p) => p.startsWith(`environment "${env}": `))!;
      expect(problem).toMatch(
        new RegExp(
          `^environment "${env}": service "payment", rule "compensate-payment-failure": options\\.detailDelivery: cannot carry a detail of 1024 characters: ` +
            `detail too large for rule 'compensate-payment-failure' on bus '${env}-payment', which it reaches as PaymentFailed \\(failure event of rule 'charge-payment' on bus '${env}-booking'\\): ` +
            `the RunTask overrides for its task would be \\d{4} characters \\(limit 8192`,
        ),
      );
    }
  });

  it('the example saga, with its compensations reading failure events by reference, has no such problem', () => {
    expect(problemsOf(draft())).toEqual([]);
  });
});

describe('names that collide, and names only the modules used to build', () => {
  it('a service "seat" with rule "x-y" and a service "seat-x" with rule "y": both entities are named, for each kind of name they share', () => {
    const d = draft();
    const seat = service(d, 'seat');
    seat.rules.push({ ...rule(d, 'seat', 'notify-booking-confirmed'), name: 'x-y' });
    d.catalog.services.push({ name: 'seat-x', description: 'test', tasks: [], rules: [{ ...rule(d, 'seat', 'notify-booking-confirmed'), name: 'y' }] });
    const dev = problemsOf(d).filter((p) => p.startsWith('environment "dev":'));
    const both = 'environment "dev": service "seat-x", rule "y": name: makes the';
    const which = 'which service "seat", rule "x-y" makes too';
    expect(dev).toEqual([
      `${both} Step Functions state machine name "dev-seat-x-y", ${which}; rename one of them`,
      `${both} SQS queue name "dev-seat-x-y-dlq", ${which}; rename one of them`,
      `${both} IAM role name "dev-seat-x-y-sfn", ${which} (IAM role names are unique in account 111111111111); rename one of them`,
      `${both} IAM role name "dev-seat-x-y-events", ${which} (IAM role names are unique in account 111111111111); rename one of them`,
      `${both} CloudWatch log group name "/aws/vendedlogs/states/dev-seat-x-y", ${which}; rename one of them`,
      `${both} CloudWatch alarm name "dev-seat-x-y-executions-failed", ${which}; rename one of them`,
      `${both} CloudWatch alarm name "dev-seat-x-y-executions-timed-out", ${which}; rename one of them`,
      `${both} CloudWatch alarm name "dev-seat-x-y-dead-letters", ${which}; rename one of them`,
    ]);
    // The rule names are equal too, but on different buses (dev-seat, dev-seat-x): EventBridge allows that.
    expect(dev.join('\n')).not.toContain('EventBridge rule name');
  });

  it('task families of two services collide in the base the same way', () => {
    const d = draft();
    service(d, 'seat').tasks.push({ ...task(d, 'seat', 'reserve-seats'), name: 'x-y' });
    d.catalog.services.push({ name: 'seat-x', description: 'test', tasks: [{ ...task(d, 'seat', 'reserve-seats'), name: 'y' }], rules: [] });
    expect(problemsOf(d).filter((p) => p.startsWith('environment "prod":'))).toEqual([
      'environment "prod": service "seat-x", task "y": name: makes the ECS task definition family "prod-seat-x-y", which service "seat", task "x-y" makes too; rename one of them',
      'environment "prod": service "seat-x", task "y": name: makes the CloudWatch log group name "/ecs/prod-seat-x-y", which service "seat", task "x-y" makes too; rename one of them',
    ]);
  });

  it('IAM role names collide across environments of one account: "dev" with service "x-y" and "dev-x" with service "y"', () => {
    const d = draft();
    d.catalog.services.push({ name: 'x-y', description: 'test', tasks: [{ ...task(d, 'seat', 'reserve-seats'), name: 'run' }], rules: [] });
    d.catalog.services.push({ name: 'y', description: 'test', tasks: [{ ...task(d, 'seat', 'reserve-seats'), name: 'run' }], rules: [] });
    d.envs.devx = { ...structuredClone(d.envs.dev), name: 'dev-x' };
    const problems = problemsOf(d).filter((p) => p.includes('"dev-x-y-task"'));
    expect(problems).toEqual([
      'environment "dev-x": service "y" (its task role): name: makes the IAM role name "dev-x-y-task", which environment "dev", service "x-y" (its task role) makes too (IAM role names are unique in account 111111111111); rename one of them',
    ]);
  });

  it("the task role name, built only by the module before, is checked against IAM's 64 characters", () => {
    const d = draft();
    const name = 'inventory-reconciliation-and-stock-forecasting-service-v2';
    d.catalog.services.push({ name, description: 'test', tasks: [{ ...task(d, 'seat', 'reserve-seats'), name: 'run' }], rules: [] });
    const staging = problemsOf(d).filter((p) => p.startsWith('environment "staging":'));
    expect(staging).toEqual([
      `environment "staging": name: makes the IAM role name "staging-${name}-task" ${'staging-'.length + name.length + '-task'.length} characters long (for service "${name}" (its task role)); AWS allows at most 64. Shorten the environment, service or rule name`,
    ]);
  });
});

describe('the CI roles of one account', () => {
  it('holds several deployed environments: staging and prod in one account are accepted (their policies are managed policies, not one inline policy of 10,240 characters)', () => {
    const d = draft();
    d.envs.prod.accountId = d.envs.staging.accountId;
    expect(problemsOf(d)).toEqual([]);
  });

  /** `count` copies of prod in prod's account, named proda, prodb, …, each with its own state bucket. */
  const crowded = (count: number): { d: Draft; copies: string[] } => {
    const d = draft();
    const copies = Array.from({ length: count }, (_, i) => `prod${String.fromCharCode(97 + i)}`);
    for (const name of copies) d.envs[name] = { ...structuredClone(d.envs.prod), name, stateBackend: { ...d.envs.prod.stateBackend, bucket: `booking-saga-tfstate-${name}` } };
    return { d, copies };
  };

  it('refuses an account whose deploy role would need more managed policies than IAM attaches (10), naming the environments, the account and the role', () => {
    const { d, copies } = crowded(20);
    const problems = problemsOf(d);
    const names = ['prod', ...copies].map((name) => JSON.stringify(name)).join(', ');
    const prefix = `environments ${names}: accountId: ${d.envs.prod.accountId} holds 21 deployed environments, and the CI role event-driven-ecs-infra-deploy would need `;
    expect(problems).toEqual([
      expect.stringMatching(/managed policies of at most 6,144 characters, over IAM's 10 per role; give an environment an account of its own \(docs\/plan-and-deploy\.md, "AWS roles"\)$/),
    ]);
    expect(problems[0]!.startsWith(prefix)).toBe(true);
    expect(Number(problems[0]!.slice(prefix.length).split(' ')[0])).toBeGreaterThan(10);
    expect(() => validateConfiguration(d.catalog, Object.values(d.envs))).toThrow(ConfigurationError);
  });

  it('counts only environments the workflows deploy: those with local state add nothing to the account', () => {
    const { d, copies } = crowded(20);
    for (const name of copies.slice(8)) delete d.envs[name].stateBackend;
    expect(problemsOf(d)).toEqual([]);
  });
});
