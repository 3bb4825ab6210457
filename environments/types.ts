/**
 * Typed per-environment configuration. One file per environment (`dev.ts`, `staging.ts`,
 * `prod.ts`); `validate.ts` checks every one of them against the catalog before anything is
 * synthesized.
 */

/** `service/task`, for example `payment/charge`. */
export type TaskKey = `${string}/${string}`;

export interface StateBackendConfig {
  /** S3 bucket holding the state; create it with `npm run bootstrap:state`. */
  readonly bucket: string;
  /** Region of the bucket; defaults to the environment's region. */
  readonly region?: string;
  /** Optional KMS key for state encryption (SSE-KMS); SSE-S3 otherwise. */
  readonly kmsKeyId?: string;
}

export type NatMode = 'none' | 'single' | 'per-az';

export interface NetworkConfig {
  /** VPC CIDR, /16 to /24. */
  readonly cidr: string;
  /** Availability zones to spread subnets over, 1–6 and no more than the region has. */
  readonly azCount: number;
  /**
   * `none`: private subnets have no internet route; the VPC endpoints Fargate needs (ECR api and
   * dkr, S3 gateway, CloudWatch Logs, plus EventBridge and Step Functions for the tasks) are created.
   * `single`: one NAT gateway (cheap, one AZ is a single point of failure). `per-az`: one per AZ.
   */
  readonly nat: NatMode;
}

export type ContainerInsights = 'enabled' | 'enhanced' | 'disabled';

export interface ClusterConfig {
  /** Relative weight of FARGATE in the default capacity provider strategy. */
  readonly fargateWeight: number;
  /** Relative weight of FARGATE_SPOT. 0 disables Spot. */
  readonly fargateSpotWeight: number;
  /** Tasks always placed on FARGATE before weights apply. */
  readonly fargateBase?: number;
  readonly containerInsights: ContainerInsights;
}

export interface TaskOverride {
  /** Image tag to run; defaults to the environment's `defaultImageTag`. */
  readonly imageTag?: string;
  readonly cpu?: number;
  readonly memory?: number;
}

/** The base (network, cluster, task definitions) is made by this repository's HCL modules. */
export interface ManagedBaseConfig {
  readonly kind: 'managed';
  readonly network: NetworkConfig;
  readonly cluster: ClusterConfig;
  /** Image tag used for every task without an override. */
  readonly defaultImageTag: string;
  /** Per-task overrides, keyed `service/task`. */
  readonly taskOverrides?: Readonly<Record<TaskKey, TaskOverride>>;
  /** `IMMUTABLE` (default) unless the environment deploys moving tags such as `latest`. */
  readonly imageTagMutability?: 'MUTABLE' | 'IMMUTABLE';
  /** Retention of the tasks' awslogs log groups, in days (a CloudWatch-allowed value). */
  readonly taskLogRetentionDays: number;
}

export interface ExistingTaskConfig {
  /**
   * What RunTask runs. A family (`legacy-payment-charge`, or its ARN without revision): the latest
   * ACTIVE revision at each run, so the owner of the base can register new revisions without this
   * repository noticing; recommended. An ARN with revision (`…:task-definition/<family>:<n>`): exactly
   * that revision, which must then stay ACTIVE for as long as the state machines name it (ECS runs
   * no new task from an INACTIVE revision). See docs/configuration.md.
   */
  readonly taskDefinition: string;
  readonly containerName: string;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
}

/** The base was made elsewhere (by Terraform outside this repository); it is referenced by literal ARNs. */
export interface ExistingBaseConfig {
  readonly kind: 'existing';
  readonly clusterArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** `FARGATE` launch type, or a capacity provider strategy. */
  readonly capacity: { readonly launchType: 'FARGATE' } | { readonly strategy: readonly CapacityProviderItem[] };
  /** Every task a rule of this environment targets, keyed `service/task`. */
  readonly tasks: Readonly<Record<TaskKey, ExistingTaskConfig>>;
}

export interface CapacityProviderItem {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  readonly weight: number;
  readonly base?: number;
}

export type StateMachineLogLevel = 'ALL' | 'ERROR' | 'FATAL' | 'OFF';

export interface ObservabilityConfig {
  /** Retention of state machine log groups, in days. */
  readonly logRetentionDays: number;
  readonly stateMachineLogLevel: StateMachineLogLevel;
  /** Include execution data (event details) in state machine logs. Off in prod: details may hold personal data. */
  readonly includeExecutionData: boolean;
  /** E-mail subscribed to the environment's alarm topic, if any. */
  readonly alarmEmail?: string;
}

export interface EnvironmentConfig {
  /** Lower-case letters, digits and dashes; prefixes every stack (`<env>-<name>`) and resource name. */
  readonly name: string;
  /** 12-digit AWS account id. */
  readonly accountId: string;
  readonly region: string;
  /** Applied to every taggable resource through the provider's `default_tags`. */
  readonly defaultTags: Readonly<Record<string, string>>;
  /** S3 state backend; absent → a local backend inside `cdktf.out` (the offline default). */
  readonly stateBackend?: StateBackendConfig;
  readonly base: ManagedBaseConfig | ExistingBaseConfig;
  readonly observability: ObservabilityConfig;
}
