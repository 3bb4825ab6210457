/**
 * Every AWS limit this repository checks against, in one place, each with the quota or API
 * reference it comes from. Validation (catalog/, environments/), the ASL builder, the event client
 * and the local runner all read them from here, so the local environment is exactly as strict as
 * AWS. HCL variable validations in modules/ enforce some of the same limits on their own inputs;
 * their numbers must agree with these.
 *
 * Pure constants: no imports.
 */

// ---------------------------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------------------------

/** An event pattern is at most 2048 characters (PutRule `EventPattern`). */
export const EVENT_PATTERN_MAX_LENGTH = 2048;
/** Default quota "Rules per event bus" (adjustable through Service Quotas). */
export const RULES_PER_BUS_DEFAULT_QUOTA = 300;
/** Quota "Rules containing wildcards": 30 rules per event bus whose patterns use wildcards; not adjustable. */
export const WILDCARD_RULES_PER_BUS_QUOTA = 30;
/** PutEvents `DetailType` is a free-form string of at most 128 characters. */
export const DETAIL_TYPE_MAX_LENGTH = 128;
/** PutRule `Description` is at most 512 characters. */
export const RULE_DESCRIPTION_MAX_LENGTH = 512;
/** Target `RetryPolicy.MaximumRetryAttempts`. */
export const RETRY_ATTEMPTS_RANGE = { min: 0, max: 185 } as const;
/** Target `RetryPolicy.MaximumEventAgeInSeconds`. */
export const MAXIMUM_EVENT_AGE_RANGE = { min: 60, max: 86_400 } as const;
/**
 * 256 KB: EventBridge rejects a PutEvents entry larger than this, and a request whose entries
 * together are larger ("You can batch multiple event entries into one request … the total entry
 * size must be less than 256KB", PutEvents API reference; the whole call then fails with
 * `ValidationException: Total size of the entries in the request is over the limit.`).
 */
export const MAX_ENTRY_SIZE_BYTES = 256 * 1024;
/**
 * A rule target's retry policy when the target sets none: 185 attempts within 24 hours
 * ("How EventBridge retries delivering events": "By default, EventBridge retries sending the
 * event for 24 hours and up to 185 times with an exponential back off and jitter").
 */
export const EVENTBRIDGE_DEFAULT_RETRY_POLICY = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 } as const;
/** Bytes a PutEvents entry's `Time` field counts for, whatever its value ("Calculating PutEvents event entry size"). */
export const TIME_FIELD_SIZE_BYTES = 14;
/** PutEvents accepts 1 to 10 entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/**
 * "Rule is too complex": the highest wildcard complexity (event-ruler's MachineComplexityEvaluator
 * score, core/event-pattern-complexity.ts) a rule may have. AWS does not document the number; the
 * evidence brackets it: AWS refuses `*:*:*:*:*:event-bus/*` (11) and accepts
 * `/Users/*\/dir/dir/dir/dir/dir/doc.txt` (7) (test/fixtures/event-pattern-corpus), and event-ruler's
 * own tests model the consumer as one "enforcing a per-rule maximum of 10" that refuses
 * `complexity > 10` (`MachineComplexityEvaluatorCorpus.PRODUCTION_CAP`).
 */
export const EVENT_PATTERN_MAX_COMPLEXITY = 10;

// ---------------------------------------------------------------------------------------------
// Step Functions
// ---------------------------------------------------------------------------------------------

/** A Standard workflow execution runs at most one year. */
export const MAX_EXECUTION_SECONDS = 31_536_000;
/** Execution names are at most 80 characters; EventBridge uses a 36-character UUID-based name. */
export const MAX_EXECUTION_NAME_LENGTH = 80;
/**
 * An execution's input, and the input and output of each state, are at most 256 KiB of UTF-8
 * ("Quotas related to state throttling / payload size": 256 KiB per task, state or execution).
 */
export const EXECUTION_INPUT_MAX_BYTES = 256 * 1024;
/** Step Functions error names (`Error` of a Catch, `error` of SendTaskFailure/StopExecution) are at most 256 characters. */
export const STATES_ERROR_MAX_LENGTH = 256;
/**
 * A Task state without `TimeoutSeconds` waits this long (the States Language specification:
 * "If not provided, the default value is 99999999"; the Step Functions guide "Using timeouts to
 * avoid stuck Step Functions workflow executions": without one an execution can wait for a
 * response that never comes).
 */
export const STATES_TASK_DEFAULT_TIMEOUT_SECONDS = 99_999_999;

// ---------------------------------------------------------------------------------------------
// ECS
// ---------------------------------------------------------------------------------------------

/**
 * ECS rejects RunTask when `overrides` exceeds 8192 characters, JSON syntax included (RunTask API
 * reference: "A total of 8192 characters are allowed for overrides. This limit includes the JSON
 * formatting characters of the override structure"), with `InvalidParameterException: Container
 * Overrides length must be at most 8192`.
 */
export const RUN_TASK_OVERRIDES_LIMIT = 8192;
/**
 * How long ECS waits after SIGTERM before it SIGKILLs a container that is being stopped (StopTask,
 * a Spot interruption): the container definition's `stopTimeout`, 30 s on Fargate when unset (at
 * most 120 s). The task definitions here leave it unset.
 */
export const ECS_DEFAULT_STOP_TIMEOUT_SECONDS = 30;
/**
 * A stopped task's `stoppedReason`: the ECS agent trims it to 1024 bytes before reporting it
 * (amazon-ecs-agent, ecs-agent/api/ecs/client: `ecsMaxTaskReasonLength = 1024`).
 */
export const ECS_STOPPED_REASON_MAX_BYTES = 1024;
/** `awsvpcConfiguration` of RunTask: at most 16 subnets and 5 security groups. */
export const MAX_SUBNETS = 16;
export const MAX_SECURITY_GROUPS = 5;
/** A capacity provider strategy: at most 20 items, each with a weight and a base in these ranges. */
export const MAX_CAPACITY_PROVIDERS = 20;
export const CAPACITY_WEIGHT_RANGE = { min: 0, max: 1000 } as const;
export const CAPACITY_BASE_RANGE = { min: 0, max: 100_000 } as const;

/**
 * RunTask `placementStrategy`: "You can specify a maximum of 5 strategy rules for each task"; types
 * `random | spread | binpack`; the field of `binpack` is `cpu` or `memory`, that of `spread`
 * `instanceId` (or `host`) or an attribute such as `attribute:ecs.availability-zone`; `random` takes
 * none (ECS API reference, RunTask and PlacementStrategy).
 */
export const MAX_PLACEMENT_STRATEGIES = 5;
/**
 * RunTask `placementConstraints`: "You can specify up to 10 constraints for each task (including
 * constraints in the task definition and those specified at runtime)"; types `distinctInstance |
 * memberOf`; a `memberOf` expression (cluster query language) is at most 2000 characters, and
 * `distinctInstance` takes none (ECS API reference, RunTask and PlacementConstraint). The task
 * definitions here declare no constraints of their own.
 */
export const MAX_PLACEMENT_CONSTRAINTS = 10;
export const PLACEMENT_EXPRESSION_MAX_LENGTH = 2000;
/**
 * Placement is for EC2 capacity only: "If you're using the Fargate launch type, task placement
 * constraints aren't supported" (PlacementConstraint). The two Fargate capacity providers are named
 * so, and "a capacity provider strategy can only contain Auto Scaling group capacity providers or
 * Fargate capacity providers" (ECS developer guide, "Amazon ECS capacity providers"). An Auto Scaling
 * group capacity provider's name "can't be prefixed with aws, ecs, or fargate" (CreateCapacityProvider).
 */
export const FARGATE_CAPACITY_PROVIDERS: readonly string[] = ['FARGATE', 'FARGATE_SPOT'];
export const RESERVED_CAPACITY_PROVIDER_PREFIXES: readonly string[] = ['aws', 'ecs', 'fargate'];
/**
 * ECS capacity provider managed scaling: `targetCapacity` is a whole percentage from 1 to 100, and
 * the scaling steps from 1 to 10,000 instances (ManagedScaling API reference).
 */
export const MANAGED_SCALING_TARGET_CAPACITY_RANGE = { min: 1, max: 100 } as const;

/**
 * A task definition for the EC2 launch type only: "Supported values are between 128 CPU units (0.125
 * vCPUs) and 196608 CPU units (192 vCPUs)" (TaskDefinition `cpu`). One that also lists FARGATE in
 * `requiresCompatibilities` must use a Fargate size, "even if EC2 is also specified" (ECS developer
 * guide, "Troubleshoot Amazon ECS task definition invalid CPU or memory errors").
 */
export const EC2_TASK_CPU_RANGE = { min: 128, max: 196_608 } as const;
/** The least memory a container may have: "The Docker 20.10.0 or later daemon reserves a minimum of 6 MiB" (ContainerDefinition `memory`). */
export const CONTAINER_MIN_MEMORY_MIB = 6;

/** Fargate task sizes: for each CPU value, the memory values (MiB) it may be paired with. */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16_384, 1024),
  4096: steps(8192, 30_720, 1024),
  8192: steps(16_384, 61_440, 4096),
  16384: steps(32_768, 122_880, 8192),
};

function steps(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

// ---------------------------------------------------------------------------------------------
// SQS
// ---------------------------------------------------------------------------------------------

/** `MessageRetentionPeriod`: 60 seconds to 1,209,600 seconds (14 days). */
export const SQS_MESSAGE_RETENTION_SECONDS_RANGE = { min: 60, max: 1_209_600 } as const;

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs, tags
// ---------------------------------------------------------------------------------------------

/** AWS tags: keys of 1 to 128 characters, values of at most 256. */
export const TAG_KEY_LENGTH = { min: 1, max: 128 } as const;
export const TAG_VALUE_MAX_LENGTH = 256;

/** The values CloudWatch Logs accepts for a log group's retention, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Tags per AWS resource. */
export const MAX_TAGS = 50;

// ---------------------------------------------------------------------------------------------
// Name lengths
// ---------------------------------------------------------------------------------------------

/** The longest name AWS accepts for each kind of resource this repository names. */
export const NAME_MAX_LENGTH = {
  /** EventBridge `PutRule` `Name`. */
  eventRule: 64,
  /** EventBridge `CreateEventBus` `Name`. */
  eventBus: 256,
  /** Step Functions `CreateStateMachine` `name`. */
  stateMachine: 80,
  /** SQS queue names. */
  sqsQueue: 80,
  /** IAM `CreateRole` `RoleName`. */
  iamRole: 64,
  /** CloudWatch Logs log group names. */
  logGroup: 512,
  /** ECS task definition family, cluster and container names. */
  ecsTaskFamily: 255,
  ecsCluster: 255,
  ecsContainer: 255,
  /** SNS topic names. */
  snsTopic: 256,
  /** CloudWatch `PutMetricAlarm` `AlarmName`. */
  alarm: 255,
  /** ECS `CreateCapacityProvider` `name`: up to 255 letters, digits, `_` and `-`. */
  ecsCapacityProvider: 255,
  /** EC2 Auto Scaling `CreateAutoScalingGroup` `AutoScalingGroupName`. */
  autoScalingGroup: 255,
  /** EC2 `CreateLaunchTemplate` `LaunchTemplateName`: 3 to 128 characters. */
  launchTemplate: 128,
  /** IAM `CreateInstanceProfile` `InstanceProfileName`. */
  instanceProfile: 128,
} as const;

/**
 * IAM `CreateRole` `Description`: at most 1,000 characters, each a tab, a line break or Latin-1
 * printable (IAM API reference, CreateRole: `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`): no `→`.
 */
/**
 * IAM: a role's inline policies together may hold at most 10,240 characters, whitespace not counted
 * (IAM and AWS STS quotas, "IAM object quotas": role policy size); beyond it PutRolePolicy fails with
 * LimitExceeded at apply time.
 */
export const IAM_ROLE_INLINE_POLICY_MAX_CHARACTERS = 10_240;
/**
 * IAM: a customer managed policy holds at most 6,144 characters, whitespace not counted, and a role
 * may have at most 10 managed policies attached (the default quota; AWS raises it to 20 on request)
 * (IAM and AWS STS quotas, "IAM object quotas"; AWS knowledge center, "iam-increase-policy-size").
 * Beyond them CreatePolicy or AttachRolePolicy fails with LimitExceeded at apply time.
 */
export const IAM_MANAGED_POLICY_MAX_CHARACTERS = 6_144;
export const IAM_MANAGED_POLICIES_PER_ROLE = 10;
export const IAM_DESCRIPTION_MAX_LENGTH = 1000;
export const isIamDescriptionText = (text: string): boolean =>
  [...text].every((char) => {
    const code = char.codePointAt(0)!;
    return code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0x7e) || (code >= 0xa1 && code <= 0xff);
  });

/** ECR `CreateRepository` `repositoryName`: 2 to 256 characters. */
export const ECR_REPOSITORY_NAME_LENGTH = { min: 2, max: 256 } as const;
/** S3 general purpose bucket names: 3 to 63 characters. */
export const S3_BUCKET_NAME_LENGTH = { min: 3, max: 63 } as const;
