/**
 * The shape of an environment, one field at a time: each field's type, whether it is required,
 * what it accepts, its default and its description. The TypeScript types are derived from these
 * schemas (environments/types.ts), and the environment tables of docs/configuration.md are
 * generated from them (`npm run docs`; a test fails when they drift). What spans several fields,
 * or needs the catalog (task keys, ARNs against the account and region, name lengths), is checked
 * in environments/validate.ts.
 */
import { z } from 'zod';
import {
  CAPACITY_BASE_RANGE,
  CAPACITY_WEIGHT_RANGE,
  LOG_RETENTION_DAYS,
  MANAGED_SCALING_TARGET_CAPACITY_RANGE,
  MAX_PLACEMENT_CONSTRAINTS,
  MAX_PLACEMENT_STRATEGIES,
  MAX_SECURITY_GROUPS,
  MAX_SUBNETS,
  MAX_TAGS,
  NAME_MAX_LENGTH,
  S3_BUCKET_NAME_LENGTH,
  TAG_KEY_LENGTH,
  TAG_VALUE_MAX_LENGTH,
} from '../core/aws-limits';
import { checkedString, containerNameProblem, documented, wholeNumber } from '../catalog/fields';
import { PLACEMENT_CONSTRAINT_TYPES, PLACEMENT_STRATEGY_TYPES } from '../core/placement';
import {
  accountIdProblem,
  bucketNameProblem,
  cidrProblem,
  emailProblem,
  ENVIRONMENT_NAME_MAX_LENGTH,
  environmentNameProblem,
  capacityProviderNameProblem,
  EC2_ROOT_VOLUME_GIB_RANGE,
  idList,
  imageTagProblem,
  instanceTypeProblem,
  kmsKeyArnProblem,
  regionProblem,
  retentionDays,
  securityGroupIdProblem,
  subnetIdProblem,
  tagKeyProblem,
  tagValueProblem,
  VPC_PREFIX_RANGE,
} from './fields';

/** `service/task`, for example `payment/charge`. */
export type TaskKey = `${string}/${string}`;
/** A record key typed `service/task`; any string passes the shape, and validation checks it against the catalog. */
const taskKey = z.custom<TaskKey>((key) => typeof key === 'string');

const CLOUDWATCH_RETENTION = `one of CloudWatch Logs' values: ${LOG_RETENTION_DAYS.join(', ')}`;
const WHOLE_WEIGHT = `a whole number from ${CAPACITY_WEIGHT_RANGE.min} to ${CAPACITY_WEIGHT_RANGE.max}`;
const WHOLE_BASE = `a whole number from ${CAPACITY_BASE_RANGE.min} to ${CAPACITY_BASE_RANGE.max}`;

const defaultTags = z.record(z.string(), z.string()).superRefine((tags, ctx) => {
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS) ctx.addIssue({ code: 'custom', message: `${keys.length} tags; AWS allows at most ${MAX_TAGS} per resource` });
  for (const key of keys) {
    const message = tagKeyProblem(key) ?? tagValueProblem(tags[key]!);
    if (message) ctx.addIssue({ code: 'custom', message, path: [key] });
  }
});

export const NAT_MODES = ['none', 'single', 'per-az'] as const;
export const CONTAINER_INSIGHTS = ['enabled', 'enhanced', 'disabled'] as const;
export const STATE_MACHINE_LOG_LEVELS = ['ALL', 'ERROR', 'FATAL', 'OFF'] as const;
export const CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;

export const networkSchema = z.strictObject({
  cidr: documented(checkedString(cidrProblem), {
    description: `The VPC's IPv4 CIDR block, without leading zeros, a \`/${VPC_PREFIX_RANGE.min}\` to \`/${VPC_PREFIX_RANGE.max}\`. It is a network address, with no host bits set (\`10.10.4.0/16\` is rejected, with the right address in the message).`,
  }),
  azCount: documented(wholeNumber({ min: 1, max: 6 }), {
    description: 'Availability Zones to spread the subnets over: a whole number from 1 to 6, and no more than the region has (`environments/regions.ts`).',
  }),
  nat: documented(z.enum(NAT_MODES), {
    description:
      '`none`: private subnets have no internet route, and the VPC endpoints Fargate needs are created instead (ECR api and dkr, S3 gateway, CloudWatch Logs, EventBridge and Step Functions for the tasks). `single`: one NAT gateway (cheap; its zone is a single point of failure). `per-az`: one per zone.',
  }),
  flowLogs: documented(z.boolean(), {
    description:
      'VPC flow logs (all traffic) to CloudWatch Logs `/vpc/<env>/flow-logs`. Off only where their ingestion costs more than the traffic is worth investigating (a disposable environment).',
    default: 'true',
  }).optional(),
});

/** ECS's ASG capacity provider of a managed base (modules/ecs-cluster): where rules with `runOn: 'EC2'` run. */
export const ec2CapacitySchema = z.strictObject({
  instanceType: documented(checkedString(instanceTypeProblem), {
    description:
      'The EC2 instance type of the container instances (`t3.small`), x86_64: the ECS-optimized Amazon Linux 2023 AMI is read from its public SSM parameter. With the `awsvpc` network mode every task takes one network interface of its instance, and the primary interface counts: a t3.small (3 interfaces) runs 2 tasks at once unless the account turns on `awsvpcTrunking`.',
  }),
  minSize: documented(wholeNumber({ min: 0, max: 1000 }), {
    description: 'Fewest instances: 0 lets managed scaling stop every instance when no task runs (the next task then waits, PROVISIONING, for one to start).',
  }),
  maxSize: documented(wholeNumber({ min: 1, max: 1000 }), { description: 'Most instances, at least `minSize` and at least 1.' }),
  targetCapacity: documented(wholeNumber(MANAGED_SCALING_TARGET_CAPACITY_RANGE), {
    description: `Managed scaling's target utilization of the instances, a whole percentage from ${MANAGED_SCALING_TARGET_CAPACITY_RANGE.min} to ${MANAGED_SCALING_TARGET_CAPACITY_RANGE.max}: 100 packs the instances full, lower keeps spare room so a task starts without waiting for an instance.`,
    default: '100',
  }).optional(),
  rootVolumeGiB: documented(wholeNumber(EC2_ROOT_VOLUME_GIB_RANGE, ' GiB'), {
    description: `Size of each instance's encrypted gp3 root volume (images and container layers live there): ${EC2_ROOT_VOLUME_GIB_RANGE.min} to ${EC2_ROOT_VOLUME_GIB_RANGE.max} GiB (the AMI's snapshot is 30).`,
    default: '30',
  }).optional(),
});

export const clusterSchema = z.strictObject({
  fargateWeight: documented(wholeNumber(CAPACITY_WEIGHT_RANGE), {
    description: `Relative weight of FARGATE in the default capacity provider strategy: ${WHOLE_WEIGHT}. This or \`fargateSpotWeight\` must be above 0.`,
  }),
  fargateSpotWeight: documented(wholeNumber(CAPACITY_WEIGHT_RANGE), { description: `Relative weight of FARGATE_SPOT: ${WHOLE_WEIGHT}; 0 disables Spot.` }),
  fargateBase: documented(wholeNumber(CAPACITY_BASE_RANGE), { description: `Tasks always placed on FARGATE before the weights apply: ${WHOLE_BASE}.`, default: '0' }).optional(),
  containerInsights: documented(z.enum(CONTAINER_INSIGHTS), { description: '`enabled`, `enhanced` or `disabled`.' }),
  ec2: documented(ec2CapacitySchema, {
    description:
      'An EC2 capacity provider beside Fargate: an Auto Scaling group of ECS-optimized instances with managed scaling and managed termination protection (modules/ecs-cluster). Rules run on it only where `base.ruleCapacity` says so; the default strategy stays Fargate.',
    default: 'Fargate only',
  }).optional(),
});

export const placementStrategyItemSchema = z.strictObject({
  type: documented(z.enum(PLACEMENT_STRATEGY_TYPES), { description: '`spread`, `binpack` or `random`, applied in the order listed.' }),
  field: documented(z.string(), {
    description: '`spread`: `instanceId`, `host` or an instance attribute (`attribute:ecs.availability-zone`). `binpack`: `cpu` or `memory`. `random`: none.',
    default: 'none (`random`)',
  }).optional(),
});

export const placementConstraintItemSchema = z.strictObject({
  type: documented(z.enum(PLACEMENT_CONSTRAINT_TYPES), { description: '`memberOf` (only instances the expression selects) or `distinctInstance`.' }),
  expression: documented(z.string(), {
    description: '`memberOf`: a cluster query language expression (`attribute:ecs.instance-type =~ t3.*`), at most 2000 characters. `distinctInstance`: none.',
    default: 'none (`distinctInstance`)',
  }).optional(),
});

/** Where one rule's state machine runs its tasks in this environment. */
export const ruleCapacitySchema = z.strictObject({
  runOn: documented(z.enum(['FARGATE', 'EC2']), {
    description:
      "`EC2`: every RunTask of the rule (its task, or each step and compensation of its flow) uses the environment's EC2 capacity provider, with the placement below; each of those tasks must list EC2 in its `compatibilities`. `FARGATE`: the base's Fargate strategy, as without an entry; placement is then refused (Fargate has none).",
  }),
  placementStrategy: documented(z.array(placementStrategyItemSchema), {
    description: `RunTask's \`placementStrategy\`: at most ${MAX_PLACEMENT_STRATEGIES} rules, for example \`[{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }]\`.`,
    default: "ECS's (none)",
  }).optional(),
  placementConstraints: documented(z.array(placementConstraintItemSchema), {
    description: `RunTask's \`placementConstraints\`: at most ${MAX_PLACEMENT_CONSTRAINTS}.`,
    default: 'none',
  }).optional(),
});

const ruleCapacity = documented(z.record(taskKey, documented(ruleCapacitySchema, { description: 'Where the rule runs its tasks.' })), {
  description:
    'Per rule, keyed `"<service>/<rule>"` (the service whose bus the rule is on): which capacity its tasks run on, and how they are placed there. Every key must name a catalog rule.',
  default: "every rule on the base's default capacity",
}).optional();

export const taskOverrideSchema = z.strictObject({
  imageTag: documented(checkedString(imageTagProblem), { description: 'The image tag to run, same rule as `defaultImageTag`.', default: '`defaultImageTag`' }).optional(),
  cpu: documented(z.number(), { description: "Fargate CPU units; with the memory (this override's or the catalog's), a Fargate size.", default: "the catalog's" }).optional(),
  memory: documented(z.number(), { description: "Memory in MiB; with the cpu (this override's or the catalog's), a Fargate size.", default: "the catalog's" }).optional(),
});

/** The base (network, cluster, task definitions) is made by this repository's HCL modules. */
export const managedBaseSchema = z.strictObject({
  kind: documented(z.literal('managed'), { description: '`managed`: the `<env>-base` stack makes the network, cluster and task definitions (modules/).' }),
  network: documented(networkSchema, { description: 'The VPC (modules/network).' }),
  cluster: documented(clusterSchema, { description: 'The ECS cluster and its default capacity provider strategy (modules/ecs-cluster).' }),
  defaultImageTag: documented(checkedString(imageTagProblem), {
    description: 'The image tag every task runs unless overridden: 1–128 letters, digits, `_ . -`, not starting with `.` or `-`.',
  }),
  imageTagMutability: documented(z.enum(['MUTABLE', 'IMMUTABLE']), {
    description: '`MUTABLE` or `IMMUTABLE`. With `IMMUTABLE`, the tag `latest` is rejected wherever it is used, because it could be pushed only once.',
    default: '`IMMUTABLE`',
  }).optional(),
  taskOverrides: documented(z.record(taskKey, documented(taskOverrideSchema, { description: 'What this environment changes of the task.' })), {
    description:
      'Per-task overrides, keyed `"<service>/<task>"`; each key must name a task the catalog defines. The resulting cpu/memory pair (the override, or else the catalog\'s value) must be a Fargate size.',
    default: 'none',
  }).optional(),
  taskLogRetentionDays: documented(retentionDays, { description: `Retention of the tasks' awslogs log groups, in days: ${CLOUDWATCH_RETENTION}.` }),
  ruleCapacity,
});

export const capacityProviderItemSchema = z.strictObject({
  capacityProvider: documented(z.enum(CAPACITY_PROVIDERS), { description: '`FARGATE` or `FARGATE_SPOT`, each listed at most once.' }),
  weight: documented(wholeNumber(CAPACITY_WEIGHT_RANGE), { description: `Relative weight: ${WHOLE_WEIGHT}; at least one item's is above 0.` }),
  base: documented(wholeNumber(CAPACITY_BASE_RANGE), { description: `Tasks placed on this provider first: ${WHOLE_BASE}; at most one item has a base above 0.`, default: '0' }).optional(),
});

export const existingTaskSchema = z.strictObject({
  // ARNs are checked against the environment's region and account in environments/validate.ts.
  taskDefinition: documented(z.string(), {
    description:
      "What RunTask runs, in one of two meanings. **A family** (`legacy-payment-charge`, or `arn:aws:ecs:<region>:<account>:task-definition/<family>` without revision): RunTask runs the family's latest ACTIVE revision at every execution, so whoever owns the base can register new revisions without touching this repository; this is what managed bases do, and the recommended form. **An ARN with revision** (`…:task-definition/<family>:<revision>`): exactly that revision, pinned; it must stay ACTIVE for as long as a state machine names it, because ECS runs no new task from an INACTIVE revision, and moving to a new revision means changing this value and applying the service stacks. ARNs must be in the environment's region and account. The state machine role may run `task-definition/<family>:*` either way.",
  }),
  containerName: documented(checkedString(containerNameProblem), { description: `1–${NAME_MAX_LENGTH.ecsContainer} letters, digits, \`_\` or \`-\`.` }),
  taskRoleArn: documented(z.string(), {
    description: "`arn:aws:iam::<account>:role/[<path>/]<name>`, in the environment's account: ECS can pass only roles of its own account.",
  }),
  executionRoleArn: documented(z.string(), { description: 'Same rule as `taskRoleArn`.' }),
});

/** The base was made elsewhere (by Terraform outside this repository); it is referenced by literal ARNs. */
export const existingBaseSchema = z.strictObject({
  kind: documented(z.literal('existing'), { description: '`existing`: no `<env>-base` stack; the service stacks use these strings exactly as written.' }),
  clusterArn: documented(z.string(), { description: "`arn:aws:ecs:<region>:<account>:cluster/<name>`, in the environment's region and account." }),
  subnetIds: documented(idList(subnetIdProblem, MAX_SUBNETS), {
    description: `1 to ${MAX_SUBNETS} ids (RunTask's limit), each \`subnet-\` followed by 8 or 17 lower-case hex digits, none repeated.`,
  }),
  securityGroupIds: documented(idList(securityGroupIdProblem, MAX_SECURITY_GROUPS), {
    description: `1 to ${MAX_SECURITY_GROUPS} ids (RunTask's limit), each \`sg-\` followed by 8 or 17 hex digits, none repeated.`,
  }),
  capacity: documented(
    z.strictObject({
      launchType: documented(z.literal('FARGATE'), { description: '`FARGATE`.' }).optional(),
      strategy: documented(z.array(capacityProviderItemSchema), { description: 'A capacity provider strategy: at least one item.' }).optional(),
    }),
    { description: "Where RunTask places tasks: exactly one of `{ launchType: 'FARGATE' }` or `{ strategy: [...] }`." },
  ),
  tasks: documented(z.record(taskKey, documented(existingTaskSchema, { description: 'The task definition and roles of one task.' })), {
    description:
      'Keyed `"<service>/<task>"`. Every key must be a catalog task, and **every task a catalog rule runs (its target, or a step or compensation of its flow) must have an entry**; the message names the rules that need it.',
  }),
  ec2CapacityProvider: documented(checkedString(capacityProviderNameProblem), {
    description:
      "The short name of an Auto Scaling group capacity provider already associated with the cluster: where rules with `runOn: 'EC2'` run. Its task definitions must be EC2-compatible (the catalog's `compatibilities` say which tasks are).",
    default: 'no EC2 capacity',
  }).optional(),
  ruleCapacity,
});

export const stateBackendSchema = z.strictObject({
  bucket: documented(checkedString(bucketNameProblem), {
    description: `S3 naming rules: ${S3_BUCKET_NAME_LENGTH.min}–${S3_BUCKET_NAME_LENGTH.max} characters of lower-case letters, digits, dots and dashes; starts and ends with a letter or digit; no \`..\`; not shaped like an IP address; no reserved prefix (\`xn--\`, \`sthree-\`, \`amzn-s3-demo-\`) or suffix (\`-s3alias\`, \`--ol-s3\`, \`.mrap\`, \`--x-s3\`, \`--table-s3\`). Create it with \`npm run bootstrap:state\`.`,
  }),
  region: documented(checkedString(regionProblem), { description: 'A known region.', default: "the environment's `region`" }).optional(),
  kmsKeyId: documented(checkedString(kmsKeyArnProblem), {
    description: "A KMS key ARN (`…:key/<uuid>` or `…:key/mrk-…`) or alias ARN (`…:alias/<name>`), in the bucket's region, for SSE-KMS.",
    default: 'SSE-S3',
  }).optional(),
});

export const observabilitySchema = z.strictObject({
  logRetentionDays: documented(retentionDays, { description: `Retention of the state machine log groups, in days: ${CLOUDWATCH_RETENTION}.` }),
  stateMachineLogLevel: documented(z.enum(STATE_MACHINE_LOG_LEVELS), { description: '`ALL`, `ERROR`, `FATAL` or `OFF`.' }),
  includeExecutionData: documented(z.boolean(), {
    description: '`true` or `false`: execution data (event details) in the state machine logs. Keep it off where event details may hold personal data.',
  }),
  alarmEmail: documented(checkedString(emailProblem), {
    description: "An e-mail address (`local@domain.tld`), subscribed to the environment's alarm topic.",
    default: 'no subscription',
  }).optional(),
});

export const environmentSchema = z.strictObject({
  name: documented(checkedString(environmentNameProblem), {
    description: `Lower-case letters, digits and single dashes; starts with a letter, does not end with a dash; at most ${ENVIRONMENT_NAME_MAX_LENGTH} characters; unique among environments. It prefixes every stack (\`<env>-<stack>\`) and resource name, and every name derived from it must fit its AWS limit (see below).`,
  }),
  accountId: documented(checkedString(accountIdProblem), { description: 'The 12-digit AWS account id.' }),
  region: documented(checkedString(regionProblem), { description: 'A region code (`eu-west-1`) from the `aws` partition, listed in `environments/regions.ts`.' }),
  defaultTags: documented(defaultTags, {
    description: `Applied to every taggable resource (provider \`default_tags\`). At most ${MAX_TAGS} tags. Keys: ${TAG_KEY_LENGTH.min}–${TAG_KEY_LENGTH.max} characters, must not start with \`aws:\` (any case). Values: at most ${TAG_VALUE_MAX_LENGTH} characters. Both may use only letters, digits, spaces and \`_ . : / = + - @\`.`,
  }),
  stateBackend: documented(stateBackendSchema, {
    description: 'The S3 backend (key `<env>/<stack>.tfstate`, encrypted, native S3 locking). Without it, local state, which no workflow may deploy.',
    default: 'local state in `.terraform-state/`',
  }).optional(),
  base: documented(z.discriminatedUnion('kind', [managedBaseSchema, existingBaseSchema]), {
    description: "`kind: 'managed'` (this repository makes the base) or `kind: 'existing'` (literal ARNs); the tables below.",
  }),
  observability: documented(observabilitySchema, { description: 'How state machines log, and who hears of alarms.' }),
});
