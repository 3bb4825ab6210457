/**
 * The service catalog's types: the one place that says which services exist, which ECS tasks each
 * one runs, and which rules on each service's bus start which task. Environments only override.
 * Pure data: nothing here imports cdktf, so the event client and the local runner can use it too.
 */
import type { DetailDelivery } from '../core/container-contract';

/** One short-lived ECS task a service can run (a use case or a batch job). */
export interface TaskSpec {
  /** Unique within the service; lower-case letters, digits and dashes. */
  readonly name: string;
  /** Container name inside the task definition (the RunTask container override targets it). */
  readonly containerName: string;
  /** ECR repository name, without registry host or tag (for example `booking-saga/payment`). */
  readonly imageRepository: string;
  /** Fargate CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). */
  readonly cpu: number;
  /** Memory in MiB; must be a valid Fargate combination with `cpu`. */
  readonly memory: number;
  /** Default container command; a rule's target may replace it. */
  readonly command: readonly string[];
  /**
   * How the local runner (`npm run local`) starts this task as a process instead of a container.
   * Paths are relative to the repository root.
   */
  readonly local?: { readonly command: readonly string[] };
}


/** An EventBridge event pattern. `detail-type` is required; the rest is EventBridge pattern syntax. */
export interface EventPattern {
  readonly 'detail-type': readonly string[];
  readonly source?: readonly unknown[];
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

export interface RuleTarget {
  /** Service that owns the task (usually not the service that owns the bus). */
  readonly service: string;
  /** Task of that service. */
  readonly task: string;
  /** Replaces the task's default command for this rule. */
  readonly command?: readonly string[];
}

export interface RuleOptions {
  /** EventBridge delivery retries to the state machine, 0–185. Default 8. */
  readonly retryAttempts?: number;
  /** Maximum event age for EventBridge delivery retries, 60–86400 s. Default 3600. */
  readonly maximumEventAgeSeconds?: number;
  /** State machine timeout (`TimeoutSeconds` of the whole execution). Default 3600. */
  readonly timeoutSeconds?: number;
  /** Default `environment`. */
  readonly detailDelivery?: DetailDelivery;
  /**
   * `detail-type` of the event published to the target service's bus when its task fails for good
   * (after retries). Default `<TargetService>TaskFailed`; `false` disables it.
   */
  readonly failureDetailType?: string | false;
  /** `detail-type` of an event published to the target service's bus when the task succeeds. Default none. */
  readonly successDetailType?: string;
  /**
   * The target task may run again with the same event after it ran and exited non-zero (up to
   * MAX_TASK_RUNS runs in all): say so only when a second run cannot repeat a side effect (the task
   * checks `eventId`). Default false: a failed run becomes the failure event. Tasks that never
   * started, or that Fargate Spot took back, run again either way.
   */
  readonly idempotent?: boolean;
}

/** A rule on the owning service's bus: a pattern and the task it starts through a state machine. */
export interface RuleSpec {
  /** Unique within the bus; lower-case letters, digits and dashes. */
  readonly name: string;
  readonly description?: string;
  readonly eventPattern: EventPattern;
  readonly target: RuleTarget;
  readonly options?: RuleOptions;
}

export interface ServiceSpec {
  /** Lower-case letters, digits and dashes; names the bus (`<env>-<service>`) and the stack. */
  readonly name: string;
  readonly description: string;
  readonly tasks: readonly TaskSpec[];
  /** Rules on this service's own bus. */
  readonly rules: readonly RuleSpec[];
}

export interface Catalog {
  /**
   * Prefix of every event `source` (`<namespace>.<service>`), so patterns can tell our events from
   * others on a bus. Must not start with `aws.` (reserved by AWS).
   */
  readonly namespace: string;
  readonly services: readonly ServiceSpec[];
}

/** A rule with every option resolved to its value. */
export interface ResolvedRuleOptions {
  readonly retryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly timeoutSeconds: number;
  readonly detailDelivery: DetailDelivery;
  readonly failureDetailType: string | undefined;
  readonly successDetailType: string | undefined;
  readonly idempotent: boolean;
}
