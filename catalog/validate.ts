/**
 * Validation of the service catalog. Every problem is one line:
 *
 *   catalog: [service "<s>"[, task "<t>" | , rule "<r>"]: ]<field path>: <what is wrong>
 *
 * Two passes: a zod schema checks the shape and each field on its own (types, required and
 * unknown fields, formats, ranges); plain functions then check what spans fields (duplicates,
 * rule targets, cpu/memory pairs, pattern size, rules per bus). The second pass reads the input
 * defensively, so a malformed catalog yields messages, never a crash, and both passes report
 * everything they find.
 */
import type { z } from 'zod';
import { type CompiledPattern, EventPatternError, compilePattern, usesWildcards } from '../core/event-pattern';
import { flowTimeBudget, minimumFlowTimeoutSeconds } from '../core/asl-flow';
import { CONTAINER_MIN_MEMORY_MIB, EC2_TASK_CPU_RANGE, EVENT_PATTERN_MAX_LENGTH, RULES_PER_BUS_DEFAULT_QUOTA, WILDCARD_RULES_PER_BUS_QUOTA } from '../core/aws-limits';
import { MIN_TASK_TIMEOUT_SECONDS } from '../core/asl';
import { eventSource } from '../core/naming';
import { defaultCompensationFailedDetailType, defaultFailureDetailType, defaultFlowFailureDetailType } from './defaults';
import { describeValue, fargateSizeProblem, formatPath, isRecord, line, listOf, nonEmptyString, oneOf, quote, RESERVED_SERVICE_NAMES } from './fields';
import { catalogSchema, EVENT_ENVELOPE_FIELDS } from './schema';
import type { Catalog } from './types';

// ---------------------------------------------------------------------------------------------
// Shape: zod's issues in our words
// ---------------------------------------------------------------------------------------------

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** One of our messages for one zod issue (a `custom` issue already carries ours). */
function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? 'is required' : `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeValue(input)}`;
    case 'invalid_value':
      if (input === undefined) return 'is required';
      return issue.values.length === 1 ? `must be ${quote(issue.values[0])}, not ${quote(input)}` : `must be ${oneOf(issue.values)}, not ${quote(input)}`;
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (discriminator && options && isRecord(input)) {
        const value = input[discriminator];
        return value === undefined ? 'is required' : `must be ${oneOf(options)}, not ${quote(value)}`;
      }
      return issue.message;
    }
    default:
      return issue.message;
  }
}

/**
 * The problems zod finds in `value`, each as `<location>: <message>`; `locate` turns an issue path
 * into the location (entity names and field path).
 */
export function shapeProblems(schema: z.ZodType, value: unknown, locate: (path: readonly PropertyKey[]) => string): string[] {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => line(locate([...issue.path, key]), 'unknown field'));
    }
    return [line(locate(issue.path), issueMessage(issue))];
  });
}

// ---------------------------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------------------------

const ENTITY_KINDS: Record<string, string> = { services: 'service', tasks: 'task', rules: 'rule', flows: 'flow', steps: 'step' };

function entityLabel(kind: string, item: unknown, index: number, listKey: string): string {
  const name = isRecord(item) ? item.name : undefined;
  return nonEmptyString(name) ? `${kind} ${quote(name)}` : `${listKey}[${index}]`;
}

/**
 * `["services", 1, "rules", 0, "target", "task"]` → `service "payment", rule "reserve-seats": target.task`:
 * entities by name (by index when the name is missing), then the field path inside the last one.
 */
export function locateInCatalog(catalog: unknown, path: readonly PropertyKey[]): string {
  const entities: string[] = [];
  let node: unknown = catalog;
  let rest = [...path];
  while (rest.length >= 2 && typeof rest[0] === 'string' && ENTITY_KINDS[rest[0]] && typeof rest[1] === 'number') {
    // Tasks and rules live inside a service; a top-level `tasks` is just a field.
    if (rest[0] !== 'services' && entities.length === 0) break;
    const [listKey, index] = rest as [string, number];
    const item = isRecord(node) ? listOf(node[listKey])[index] : undefined;
    entities.push(entityLabel(ENTITY_KINDS[listKey]!, item, index, listKey));
    node = item;
    rest = rest.slice(2);
  }
  return line(entities.join(', '), formatPath(rest));
}

/** One catalog problem line. */
export const catalogProblem = (entities: string, field: string, message: string): string => line('catalog', entities, field, message);

// ---------------------------------------------------------------------------------------------
// Cross-field checks
// ---------------------------------------------------------------------------------------------

interface NamedItem {
  readonly index: number;
  readonly name: string;
  readonly value: Record<string, unknown>;
}

/** The object items of a list, with their names when they have one. */
function namedItems(list: unknown): NamedItem[] {
  return listOf(list).flatMap((value, index) => (isRecord(value) && nonEmptyString(value.name) ? [{ index, name: value.name, value }] : []));
}

/** One problem per name used more than once. */
function duplicateNames(items: readonly NamedItem[], describe: (name: string, count: number) => string): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.name, (counts.get(item.name) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([name, count]) => describe(name, count));
}

function taskProblems(service: NamedItem): string[] {
  const tasks = namedItems(service.value.tasks);
  const where = (task: string) => `service ${quote(service.name)}, task ${quote(task)}`;
  const problems = duplicateNames(tasks, (name, count) =>
    catalogProblem(where(name), 'name', `is defined ${count} times in service ${quote(service.name)}; task names must be unique within a service`),
  );
  for (const task of tasks) {
    const { cpu, memory } = task.value;
    if (typeof cpu !== 'number' || typeof memory !== 'number') continue;
    const compatibilities = Array.isArray(task.value.compatibilities) ? task.value.compatibilities : ['FARGATE'];
    const size = compatibilities.includes('FARGATE') ? fargateSizeProblem(cpu, memory) : ec2SizeProblem(cpu, memory);
    if (size) problems.push(catalogProblem(where(task.name), size.field, size.message));
  }
  return problems;
}

/** A task for the EC2 launch type only: any cpu in ECS's range, and at least a container's least memory. */
export function ec2SizeProblem(cpu: number, memory: number): { field: 'cpu' | 'memory'; message: string } | undefined {
  if (!Number.isInteger(cpu) || cpu < EC2_TASK_CPU_RANGE.min || cpu > EC2_TASK_CPU_RANGE.max) {
    return { field: 'cpu', message: `${cpu} is not a CPU size for EC2; use a whole number from ${EC2_TASK_CPU_RANGE.min} to ${EC2_TASK_CPU_RANGE.max}` };
  }
  if (!Number.isInteger(memory) || memory < CONTAINER_MIN_MEMORY_MIB)
    return { field: 'memory', message: `${memory} MiB is not a memory size; use a whole number of at least ${CONTAINER_MIN_MEMORY_MIB}` };
  return undefined;
}

/**
 * `{ service → task names }` for every well-formed service and task. A duplicated service's tasks
 * are merged, so the duplicate is reported once rather than again as every target it hides.
 */
function taskIndex(services: readonly NamedItem[], list: 'tasks' | 'flows' = 'tasks'): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const service of services) {
    index.set(service.name, [...(index.get(service.name) ?? []), ...namedItems(service.value[list]).map((item) => item.name)]);
  }
  return index;
}

/** What a service/task pair names, or why it names nothing. */
function taskReferenceProblems(prefix: string, reference: Record<string, unknown>, index: Map<string, string[]>): { field: string; message: string }[] {
  if (typeof reference.service !== 'string' || typeof reference.task !== 'string') return [];
  const tasks = index.get(reference.service);
  if (!tasks) {
    return [{ field: `${prefix}service`, message: `service ${quote(reference.service)} is not defined (services: ${[...index.keys()].join(', ') || 'none'})` }];
  }
  if (!tasks.includes(reference.task)) {
    return [
      {
        field: `${prefix}task`,
        message: `task ${quote(reference.task)} is not defined by service ${quote(reference.service)} (it defines: ${tasks.join(', ') || 'no tasks'})`,
      },
    ];
  }
  return [];
}

function targetProblems(target: unknown, index: Map<string, string[]>, flows: Map<string, string[]>): { field: string; message: string }[] {
  if (!isRecord(target)) return [];
  if (typeof target.flow === 'string' && target.task === undefined && typeof target.service === 'string') {
    const defined = flows.get(target.service);
    if (!defined) return [{ field: 'target.service', message: `service ${quote(target.service)} is not defined (services: ${[...flows.keys()].join(', ') || 'none'})` }];
    if (!defined.includes(target.flow)) {
      return [{ field: 'target.flow', message: `flow ${quote(target.flow)} is not defined by service ${quote(target.service)} (it defines: ${defined.join(', ') || 'no flows'})` }];
    }
    return [];
  }
  return taskReferenceProblems('target.', target, index);
}

/**
 * A service's flows: names unique, step names unique within a flow, every step's task and
 * compensation a task of the catalog.
 */
function flowProblems(service: NamedItem, index: Map<string, string[]>): string[] {
  const flows = namedItems(service.value.flows);
  const where = (flow: string) => `service ${quote(service.name)}, flow ${quote(flow)}`;
  const problems = duplicateNames(flows, (name, count) =>
    catalogProblem(where(name), 'name', `is defined ${count} times in service ${quote(service.name)}; flow names must be unique within a service`),
  );
  for (const flow of flows) {
    const steps = namedItems(flow.value.steps);
    problems.push(
      ...duplicateNames(steps, (name, count) => catalogProblem(`${where(flow.name)}, step ${quote(name)}`, 'name', `is used by ${count} steps; step names must be unique within a flow`)),
    );
    for (const step of steps) {
      for (const part of ['run', 'compensate'] as const) {
        const reference = step.value[part];
        if (!isRecord(reference)) continue;
        problems.push(...taskReferenceProblems(`${part}.`, reference, index).map(({ field, message }) => catalogProblem(`${where(flow.name)}, step ${quote(step.name)}`, field, message)));
      }
    }
  }
  return problems;
}

/** A flow's steps as the time budget counts them (a step with a compensation counts twice). */
function flowSteps(services: readonly NamedItem[], service: string, flow: string): { compensation?: unknown }[] | undefined {
  const found = services
    .filter((s) => s.name === service)
    .flatMap((s) => namedItems(s.value.flows))
    .find((f) => f.name === flow);
  return found
    ? listOf(found.value.steps)
        .filter(isRecord)
        .map((step) => (isRecord(step.compensate) ? { compensation: step.compensate } : {}))
    : undefined;
}

/**
 * A rule running a flow must give it time for every step and compensation at their worst
 * (core/asl-flow.ts): the schema's floor is a single task's.
 */
function flowTimeoutProblems(services: readonly NamedItem[], rule: Record<string, unknown>): { field: string; message: string }[] {
  const { target, options } = rule;
  if (!isRecord(target) || typeof target.flow !== 'string' || typeof target.service !== 'string') return [];
  const timeout = isRecord(options) ? options.timeoutSeconds : undefined;
  const steps = flowSteps(services, target.service, target.flow);
  if (typeof timeout !== 'number' || !steps || steps.length === 0) return [];
  const budget = flowTimeBudget(timeout, steps);
  if (budget.taskTimeoutSeconds >= MIN_TASK_TIMEOUT_SECONDS) return [];
  return [
    {
      field: 'options.timeoutSeconds',
      message: `${timeout} leaves ${budget.taskTimeoutSeconds} s per run of flow ${quote(target.flow)}'s ${budget.entries} steps and compensations (${budget.runs} runs each, their retries and waits, and the outcome's publish); give at least ${minimumFlowTimeoutSeconds(steps)}, or leave it out for the default`,
    },
  ];
}

/** The rule's pattern compiled by EventBridge's matcher, or undefined when it is not a valid pattern. */
function compiledPattern(pattern: unknown): CompiledPattern | undefined {
  try {
    return compilePattern(pattern);
  } catch (error) {
    if (error instanceof EventPatternError) return undefined;
    throw error;
  }
}

/**
 * The pattern as EventBridge would take it: refused patterns (core/event-pattern.ts reproduces
 * EventBridge's matcher, including "Rule is too complex"), paths on fields no event has, and a
 * `$or` that EventBridge would read as a field literally named "$or".
 */
function patternProblems(pattern: unknown): { field: string; message: string }[] {
  if (!isRecord(pattern)) return [];
  const problems: { field: string; message: string }[] = [];
  let compiled: CompiledPattern | undefined;
  try {
    compiled = compilePattern(pattern);
  } catch (error) {
    if (!(error instanceof EventPatternError)) throw error;
    // `detail-type` itself is the shape pass's; the matcher's problems are `path: reason`.
    for (const problem of error.problems.filter((p) => !p.startsWith('detail-type'))) {
      const [path, ...message] = problem.split(': ');
      problems.push({ field: path === '(root)' ? 'eventPattern' : `eventPattern.${path}`, message: message.join(': ') });
    }
  }
  // Paths are dotted (`{"detail.x": [..]}` is `detail` → `x`); their first step must be an envelope field.
  const paths = compiled ? compiled.subRules.flatMap((subRule) => [...subRule.keys()]) : Object.keys(pattern).filter((key) => key !== '$or');
  const offEnvelope = new Set(paths.map((path) => path.split('.')[0]!).filter((step) => !EVENT_ENVELOPE_FIELDS.includes(step)));
  for (const step of offEnvelope) {
    problems.push({ field: formatPath(['eventPattern', step]), message: `is not a field of an EventBridge event (fields: ${EVENT_ENVELOPE_FIELDS.join(', ')})` });
  }
  if (compiled?.literalOr) {
    const literal = new Set(paths.filter((path) => path.split('.').includes('$or')).map((path) => path.slice(0, path.indexOf('$or') + 3)));
    for (const path of literal) {
      problems.push({
        field: `eventPattern.${path}`,
        message:
          'is not a valid "$or" (an array of at least two pattern objects, without operator names as fields), so EventBridge reads it as a field literally named "$or" that events do not have',
      });
    }
  }
  const length = JSON.stringify(pattern).length;
  if (length > EVENT_PATTERN_MAX_LENGTH) {
    problems.push({ field: 'eventPattern', message: `is ${length} characters as JSON; EventBridge allows at most ${EVENT_PATTERN_MAX_LENGTH}` });
  }
  return problems;
}

/**
 * A rule on a service's own bus whose failure (or success) event it matches again would start
 * itself forever: the state machine publishes that event to the target service's bus.
 */
function selfTriggerProblems(namespace: unknown, busService: string, rule: Record<string, unknown>, services: readonly NamedItem[]): { field: string; message: string }[] {
  const { target, eventPattern, options } = rule;
  if (!isRecord(target) || target.service !== busService || !isRecord(eventPattern)) return [];
  const detailTypes = listOf(eventPattern['detail-type']);
  const sources = eventPattern.source;
  const ownSource = typeof namespace === 'string' ? eventSource(namespace, busService) : undefined;
  if (Array.isArray(sources) && !sources.includes(ownSource)) return [];
  const opts = isRecord(options) ? options : {};
  const flow = typeof target.flow === 'string' ? target.flow : undefined;
  const compensationFailed = flow
    ? services
        .filter((s) => s.name === busService)
        .flatMap((s) => namedItems(s.value.flows))
        .find((f) => f.name === flow)?.value.compensationFailedDetailType
    : undefined;
  const published: [string, unknown, boolean][] = [
    [
      'options.failureDetailType',
      opts.failureDetailType === undefined ? (flow ? defaultFlowFailureDetailType(flow) : defaultFailureDetailType(busService)) : opts.failureDetailType,
      opts.failureDetailType === undefined,
    ],
    ['options.successDetailType', opts.successDetailType, false],
    ...(flow
      ? [
          [`flow ${quote(flow)}: compensationFailedDetailType`, compensationFailed ?? defaultCompensationFailedDetailType(flow), compensationFailed === undefined] as [
            string,
            unknown,
            boolean,
          ],
        ]
      : []),
  ];
  return published
    .filter(([, detailType]) => typeof detailType === 'string' && detailTypes.includes(detailType))
    .map(([field, detailType, byDefault]) => ({
      field,
      message: `${quote(detailType)}${byDefault ? ' (the default)' : ''} is published to the ${quote(busService)} bus, where this rule matches it again: every execution would start another`,
    }));
}

function ruleProblems(namespace: unknown, service: NamedItem, index: Map<string, string[]>, flows: Map<string, string[]>, services: readonly NamedItem[]): string[] {
  const rules = namedItems(service.value.rules);
  const where = (rule: string) => `service ${quote(service.name)}, rule ${quote(rule)}`;
  const problems = duplicateNames(rules, (name, count) =>
    catalogProblem(where(name), 'name', `is defined ${count} times on the ${quote(service.name)} bus; rule names must be unique on a bus`),
  );
  const ruleCount = listOf(service.value.rules).length;
  if (ruleCount > RULES_PER_BUS_DEFAULT_QUOTA) {
    problems.push(
      catalogProblem(
        `service ${quote(service.name)}`,
        'rules',
        `${ruleCount} rules on one bus exceed EventBridge's default quota of ${RULES_PER_BUS_DEFAULT_QUOTA} rules per event bus (adjustable through Service Quotas; this check assumes the default)`,
      ),
    );
  }
  const wildcardRules = rules.filter((rule) => {
    const compiled = isRecord(rule.value.eventPattern) ? compiledPattern(rule.value.eventPattern) : undefined;
    return compiled !== undefined && usesWildcards(compiled);
  });
  if (wildcardRules.length > WILDCARD_RULES_PER_BUS_QUOTA) {
    problems.push(
      catalogProblem(
        `service ${quote(service.name)}`,
        'rules',
        `${wildcardRules.length} rules on one bus use wildcards; EventBridge allows at most ${WILDCARD_RULES_PER_BUS_QUOTA} such rules per event bus (not adjustable)`,
      ),
    );
  }
  for (const rule of rules) {
    const found = [
      ...patternProblems(rule.value.eventPattern),
      ...targetProblems(rule.value.target, index, flows),
      ...selfTriggerProblems(namespace, service.name, rule.value, services),
      ...flowTimeoutProblems(services, rule.value),
    ];
    problems.push(...found.map(({ field, message }) => catalogProblem(where(rule.name), field, message)));
  }
  return problems;
}

/** Every problem of the catalog, or none; see the top of this file for the format. */
export function catalogProblems(catalog: Catalog): string[] {
  const raw: unknown = catalog;
  const shape = shapeProblems(catalogSchema, raw, (path) => locateInCatalog(raw, path)).map((problem) => line('catalog', problem));
  if (!isRecord(raw)) return shape;
  const services = namedItems(raw.services);
  const index = taskIndex(services);
  const flows = taskIndex(services, 'flows');
  const problems = [
    ...shape,
    ...duplicateNames(services, (name, count) => catalogProblem(`service ${quote(name)}`, 'name', `is defined ${count} times; service names must be unique`)),
    ...services
      .filter((service) => RESERVED_SERVICE_NAMES.includes(service.name))
      .map((service) =>
        catalogProblem(
          `service ${quote(service.name)}`,
          'name',
          `is reserved: every environment has a stack <env>-${service.name} of its own (reserved: ${RESERVED_SERVICE_NAMES.join(', ')})`,
        ),
      ),
    ...services.flatMap((service) => [...taskProblems(service), ...flowProblems(service, index), ...ruleProblems(raw.namespace, service, index, flows, services)]),
  ];
  // Two items with one name yield the same line twice; once says it.
  return [...new Set(problems)];
}
