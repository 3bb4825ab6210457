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
import { EVENT_PATTERN_MAX_LENGTH, RULES_PER_BUS_DEFAULT_QUOTA, WILDCARD_RULES_PER_BUS_QUOTA } from '../core/aws-limits';
import { eventSource } from '../core/naming';
import { defaultFailureDetailType } from './defaults';
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

const ENTITY_KINDS: Record<string, string> = { services: 'service', tasks: 'task', rules: 'rule' };

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
    const size = fargateSizeProblem(cpu, memory);
    if (size) problems.push(catalogProblem(where(task.name), size.field, size.message));
  }
  return problems;
}

/**
 * `{ service → task names }` for every well-formed service and task. A duplicated service's tasks
 * are merged, so the duplicate is reported once rather than again as every target it hides.
 */
function taskIndex(services: readonly NamedItem[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const service of services) {
    index.set(service.name, [...(index.get(service.name) ?? []), ...namedItems(service.value.tasks).map((task) => task.name)]);
  }
  return index;
}

function targetProblems(target: unknown, index: Map<string, string[]>): { field: string; message: string }[] {
  if (!isRecord(target) || typeof target.service !== 'string' || typeof target.task !== 'string') return [];
  const tasks = index.get(target.service);
  if (!tasks) {
    return [{ field: 'target.service', message: `service ${quote(target.service)} is not defined (services: ${[...index.keys()].join(', ') || 'none'})` }];
  }
  if (!tasks.includes(target.task)) {
    return [
      {
        field: 'target.task',
        message: `task ${quote(target.task)} is not defined by service ${quote(target.service)} (it defines: ${tasks.join(', ') || 'no tasks'})`,
      },
    ];
  }
  return [];
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
        message: 'is not a valid "$or" (an array of at least two pattern objects, without operator names as fields), so EventBridge reads it as a field literally named "$or" that events do not have',
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
function selfTriggerProblems(namespace: unknown, busService: string, rule: Record<string, unknown>): { field: string; message: string }[] {
  const { target, eventPattern, options } = rule;
  if (!isRecord(target) || target.service !== busService || !isRecord(eventPattern)) return [];
  const detailTypes = listOf(eventPattern['detail-type']);
  const sources = eventPattern.source;
  const ownSource = typeof namespace === 'string' ? eventSource(namespace, busService) : undefined;
  if (Array.isArray(sources) && !sources.includes(ownSource)) return [];
  const opts = isRecord(options) ? options : {};
  const published: [string, unknown][] = [
    ['failureDetailType', opts.failureDetailType === undefined ? defaultFailureDetailType(busService) : opts.failureDetailType],
    ['successDetailType', opts.successDetailType],
  ];
  return published
    .filter(([, detailType]) => typeof detailType === 'string' && detailTypes.includes(detailType))
    .map(([field, detailType]) => ({
      field: `options.${field}`,
      message: `${quote(detailType)}${opts[field] === undefined ? ' (the default)' : ''} is published to the ${quote(busService)} bus, where this rule matches it again: every execution would start another`,
    }));
}

function ruleProblems(namespace: unknown, service: NamedItem, index: Map<string, string[]>): string[] {
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
    const found = [...patternProblems(rule.value.eventPattern), ...targetProblems(rule.value.target, index), ...selfTriggerProblems(namespace, service.name, rule.value)];
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
  const problems = [
    ...shape,
    ...duplicateNames(services, (name, count) =>
      catalogProblem(`service ${quote(name)}`, 'name', `is defined ${count} times; service names must be unique`),
    ),
    ...services
      .filter((service) => RESERVED_SERVICE_NAMES.includes(service.name))
      .map((service) =>
        catalogProblem(
          `service ${quote(service.name)}`,
          'name',
          `is reserved: every environment has a stack <env>-${service.name} of its own (reserved: ${RESERVED_SERVICE_NAMES.join(', ')})`,
        ),
      ),
    ...services.flatMap((service) => [...taskProblems(service), ...ruleProblems(raw.namespace, service, index)]),
  ];
  // Two items with one name yield the same line twice; once says it.
  return [...new Set(problems)];
}
