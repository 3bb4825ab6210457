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
import type { catalogSchema, eventPatternSchema, ruleOptionsSchema, ruleSchema, serviceSchema, taskSchema } from './schema';

/** A schema's output, read-only all the way down (configuration is data, never mutated). */
export type Immutable<T> = T extends readonly (infer Item)[]
  ? readonly Immutable<Item>[]
  : T extends object
    ? { readonly [Key in keyof T]: Immutable<T[Key]> }
    : T;

/** The configuration a schema accepts, as TypeScript sees it. */
export type Configured<Schema extends z.ZodType> = Immutable<z.output<Schema>>;

/** One short-lived ECS task a service can run (a use case or a batch job). */
export type TaskSpec = Configured<typeof taskSchema>;
/** An EventBridge event pattern. `detail-type` is required; the rest is EventBridge pattern syntax. */
export type EventPattern = Configured<typeof eventPatternSchema>;
export type RuleTarget = RuleSpec['target'];
export type RuleOptions = Configured<typeof ruleOptionsSchema>;
/** A rule on the owning service's bus: a pattern and the task it starts through a state machine. */
export type RuleSpec = Configured<typeof ruleSchema>;
export type ServiceSpec = Configured<typeof serviceSchema>;
export type Catalog = Configured<typeof catalogSchema>;

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
