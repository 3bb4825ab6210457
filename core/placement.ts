/**
 * Task placement on EC2 capacity: the `PlacementStrategy` and `PlacementConstraints` of a RunTask
 * call, their rules as ECS checks them, their ASL form and a one-line description (the local
 * runner's timeline shows the placement a RunTask asked for). Pure.
 *
 * ECS applies strategies in order ("spread across zones, then binpack memory") and constraints as
 * filters; placement exists only on EC2 capacity: Fargate refuses both (core/aws-limits.ts).
 */
import { FARGATE_CAPACITY_PROVIDERS, MAX_PLACEMENT_CONSTRAINTS, MAX_PLACEMENT_STRATEGIES, PLACEMENT_EXPRESSION_MAX_LENGTH } from './aws-limits';

export const PLACEMENT_STRATEGY_TYPES = ['random', 'spread', 'binpack'] as const;
export const PLACEMENT_CONSTRAINT_TYPES = ['distinctInstance', 'memberOf'] as const;
/** What `binpack` packs by. */
export const BINPACK_FIELDS = ['cpu', 'memory'] as const;

export type PlacementStrategyType = (typeof PLACEMENT_STRATEGY_TYPES)[number];
export type PlacementConstraintType = (typeof PLACEMENT_CONSTRAINT_TYPES)[number];

export interface PlacementStrategyItem {
  readonly type: PlacementStrategyType;
  /** `binpack`: `cpu` or `memory`. `spread`: `instanceId`, `host` or `attribute:<name>`. `random`: none. */
  readonly field?: string;
}

export interface PlacementConstraintItem {
  readonly type: PlacementConstraintType;
  /** `memberOf`: a cluster query language expression. `distinctInstance`: none. */
  readonly expression?: string;
}

/** How one RunTask places its task on EC2 container instances. */
export interface Placement {
  readonly strategy: readonly PlacementStrategyItem[];
  readonly constraints: readonly PlacementConstraintItem[];
}

/** A `spread` field: the instance, or any attribute of a container instance (`attribute:ecs.availability-zone`). */
const SPREAD_FIELD = /^(?:instanceId|host|attribute:[A-Za-z0-9_.:-]+)$/;

export interface PlacementProblem {
  /** Relative to the placement: `strategy[1].field`, `constraints`. */
  readonly field: string;
  readonly message: string;
}

/** Every way `placement` breaks ECS's rules for RunTask; empty when ECS would take it. */
export function placementProblems(placement: Placement): PlacementProblem[] {
  const problems: PlacementProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (placement.strategy.length > MAX_PLACEMENT_STRATEGIES) {
    add('strategy', `has ${placement.strategy.length} rules; RunTask takes at most ${MAX_PLACEMENT_STRATEGIES}`);
  }
  placement.strategy.forEach((item, index) => {
    const at = `strategy[${index}]`;
    if (!(PLACEMENT_STRATEGY_TYPES as readonly string[]).includes(item.type)) {
      add(`${at}.type`, `${JSON.stringify(item.type)} is not a placement strategy (${PLACEMENT_STRATEGY_TYPES.join(', ')})`);
      return;
    }
    if (item.type === 'random') {
      if (item.field !== undefined) add(`${at}.field`, 'is not used by random placement; leave it out');
    } else if (item.type === 'binpack') {
      if (!(BINPACK_FIELDS as readonly (string | undefined)[]).includes(item.field)) {
        add(`${at}.field`, `binpack packs by ${BINPACK_FIELDS.join(' or ')}, not ${JSON.stringify(item.field)}`);
      }
    } else if (
      // Stryker disable next-line ConditionalExpression: equivalent, RegExp.test(undefined) tests the text "undefined", which SPREAD_FIELD refuses too; this half is for the type checker
      item.field === undefined ||
      !SPREAD_FIELD.test(item.field)
    ) {
      add(`${at}.field`, `spread needs instanceId, host or an attribute such as "attribute:ecs.availability-zone", not ${JSON.stringify(item.field)}`);
    }
  });
  if (placement.constraints.length > MAX_PLACEMENT_CONSTRAINTS) {
    add('constraints', `has ${placement.constraints.length} constraints; RunTask takes at most ${MAX_PLACEMENT_CONSTRAINTS}`);
  }
  placement.constraints.forEach((item, index) => {
    const at = `constraints[${index}]`;
    if (item.type === 'distinctInstance') {
      if (item.expression !== undefined) add(`${at}.expression`, 'is not taken by distinctInstance; leave it out');
    } else if (item.type === 'memberOf') {
      const expression = item.expression ?? '';
      if (expression.trim() === '') add(`${at}.expression`, 'memberOf needs a cluster query language expression, such as "attribute:ecs.instance-type =~ t3.*"');
      else if (expression.length > PLACEMENT_EXPRESSION_MAX_LENGTH) {
        add(`${at}.expression`, `is ${expression.length} characters; ECS takes at most ${PLACEMENT_EXPRESSION_MAX_LENGTH}`);
      }
    } else {
      add(`${at}.type`, `${JSON.stringify(item.type)} is not a placement constraint (${PLACEMENT_CONSTRAINT_TYPES.join(', ')})`);
    }
  });
  return problems;
}

/** Whether a placement asks for anything. */
export const isPlacementEmpty = (placement: Placement | undefined): boolean => placement === undefined || (placement.strategy.length === 0 && placement.constraints.length === 0);

/** A capacity provider of Fargate (the only ones whose names may say so). */
export const isFargateCapacityProvider = (name: string): boolean => FARGATE_CAPACITY_PROVIDERS.includes(name);

/** RunTask's `PlacementStrategy` and `PlacementConstraints` as a Step Functions Task state passes them (PascalCase). */
export function placementParameters(placement: Placement): { PlacementStrategy?: { Type: string; Field?: string }[]; PlacementConstraints?: { Type: string; Expression?: string }[] } {
  return {
    ...(placement.strategy.length > 0 ? { PlacementStrategy: placement.strategy.map((item) => ({ Type: item.type, ...(item.field === undefined ? {} : { Field: item.field }) })) } : {}),
    ...(placement.constraints.length > 0
      ? { PlacementConstraints: placement.constraints.map((item) => ({ Type: item.type, ...(item.expression === undefined ? {} : { Expression: item.expression }) })) }
      : {}),
  };
}

/** `spread(attribute:ecs.availability-zone) → binpack(memory); memberOf(attribute:ecs.os-type == linux)`. */
export function describePlacement(placement: Placement): string {
  const strategy = placement.strategy.map((item) => (item.field === undefined ? item.type : `${item.type}(${item.field})`)).join(' → ');
  const constraints = placement.constraints.map((item) => (item.expression === undefined ? item.type : `${item.type}(${item.expression})`)).join(', ');
  return [strategy && `strategy ${strategy}`, constraints && `constraints ${constraints}`].filter(Boolean).join('; ') || 'no placement';
}

/** The placement a RunTask's evaluated Parameters ask for (the local runner shows it). */
export function placementFromParameters(parameters: unknown): Placement {
  const p = (typeof parameters === 'object' && parameters !== null ? parameters : {}) as {
    PlacementStrategy?: { Type: PlacementStrategyType; Field?: string }[];
    PlacementConstraints?: { Type: PlacementConstraintType; Expression?: string }[];
  };
  return {
    strategy: (p.PlacementStrategy ?? []).map((item) => ({ type: item.Type, ...(item.Field === undefined ? {} : { field: item.Field }) })),
    constraints: (p.PlacementConstraints ?? []).map((item) => ({ type: item.Type, ...(item.Expression === undefined ? {} : { expression: item.Expression }) })),
  };
}
