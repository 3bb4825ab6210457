/**
 * The service catalog's types: the one place that says which services exist, which ECS tasks each
 * one runs, and which rules on each service's bus start which task. Environments only override.
 *
 * Derived from the schemas of catalog/schema.ts, where each field is described: a field exists,
 * and has its type, in one place. Type-only imports: nothing here loads zod or cdktf, so the event
 * client and the local runner can use these types too.
 */
import type { z } from 'zod';
import type { DetailDelivery } from '../core/container-contract';
import type { catalogSchema, eventPatternSchema, flowSchema, flowStepSchema, ruleOptionsSchema, ruleSchema, serviceSchema, taskSchema } from './schema';

/** A schema's output, read-only all the way down (configuration is data, never mutated). */
export type Immutable<T> = T extends readonly (infer Item)[] ? readonly Immutable<Item>[] : T extends object ? { readonly [Key in keyof T]: Immutable<T[Key]> } : T;

/** The configuration a schema accepts, as TypeScript sees it. */
export type Configured<Schema extends z.ZodType> = Immutable<z.output<Schema>>;

/** One short-lived ECS task a service can run (a use case or a batch job). */
export type TaskSpec = Configured<typeof taskSchema>;
/** An EventBridge event pattern. `detail-type` is required; the rest is EventBridge pattern syntax. */
export type EventPattern = Configured<typeof eventPatternSchema>;
/** A rule that runs one task of `service`, with its own command or the task's. */
export interface TaskTarget {
  readonly service: string;
  readonly task: string;
  readonly command?: readonly string[];
}
/** A rule that runs a flow of `service` (an orchestrated saga). */
export interface FlowTarget {
  readonly service: string;
  readonly flow: string;
}
/**
 * What a rule runs. The schema reads one object with `task` or `flow` (and says so when both or
 * neither is given); the type is the union that validation guarantees.
 */
export type RuleTarget = TaskTarget | FlowTarget;
export type RuleOptions = Configured<typeof ruleOptionsSchema>;
type RuleFields = Omit<Configured<typeof ruleSchema>, 'target'>;
/** A rule that runs one task. */
export type TaskRuleSpec = RuleFields & { readonly target: TaskTarget };
/** A rule that runs a flow. */
export type FlowRuleSpec = RuleFields & { readonly target: FlowTarget };
/** A rule on the owning service's bus: a pattern and what it starts through a state machine (a task or a flow). */
export type RuleSpec = TaskRuleSpec | FlowRuleSpec;
export type FlowStepSpec = Configured<typeof flowStepSchema>;
export type FlowSpec = Configured<typeof flowSchema>;
export type ServiceSpec = Omit<Configured<typeof serviceSchema>, 'rules'> & { readonly rules: readonly RuleSpec[] };
export type Catalog = Omit<Configured<typeof catalogSchema>, 'services'> & { readonly services: readonly ServiceSpec[] };

/** A rule with every option resolved to its value (catalog/defaults.ts). */
export interface ResolvedRuleOptions {
  readonly retryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly timeoutSeconds: number;
  readonly detailDelivery: DetailDelivery;
  readonly failureDetailType: string | undefined;
  readonly successDetailType: string | undefined;
  readonly idempotent: boolean;
}
