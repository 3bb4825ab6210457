/**
 * Validation of the catalog and every environment, run by `main.ts` before the cdktf App exists,
 * so a bad config writes nothing to `cdktf.out`. Every problem is one line:
 *
 *   environment "<name>": <field path>: <what is wrong>
 *   catalog: [service "<s>"[, task "<t>" | , rule "<r>"]: ]<field path>: <what is wrong>
 *
 * and every problem is reported, not just the first. docs/configuration.md lists the rules.
 */
import type { Catalog } from '../catalog/types';
import { catalogProblems } from '../catalog/validate';
import { describeMemory, fargateSizeProblem, formatPath, isRecord, line, listOf, quote } from '../catalog/fields';
import { shapeProblems } from '../catalog/validate';
import { FARGATE_SIZES } from '../core/aws-limits';
import * as names from '../core/naming';
import { placementProblems, type Placement } from '../core/placement';
import { ciRolePolicyProblems } from './ci-accounts';
import { capacityProviderNameProblem } from './fields';
import { describeHop, detailHops, overBudget } from './detail-budget';
import { environmentNameProblem, KMS_ARN } from './fields';
import { availabilityZoneCount } from './regions';
import { environmentSchema } from './schema';
import type { EnvironmentConfig } from './types';

export class ConfigurationError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super([`Invalid configuration (${count}); nothing was synthesized:`, ...problems.map((problem) => `  - ${problem}`)].join('\n'));
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}

/** Throws a `ConfigurationError` listing every problem of the catalog and the environments. */
export function validateConfiguration(catalog: Catalog, environments: readonly EnvironmentConfig[]): void {
  const problems = configurationProblems(catalog, environments);
  if (problems.length > 0) throw new ConfigurationError(problems);
}

/** Every problem of the catalog and the environments, in that order; empty when all are valid. */
export function configurationProblems(catalog: Catalog, environments: readonly EnvironmentConfig[]): string[] {
  const tasks = catalogTasks(catalog);
  const naming = namingCatalog(catalog);
  const ofCatalog = catalogProblems(catalog);
  const problems = [
    ...ofCatalog,
    ...duplicateEnvironmentNames(environments),
    ...overlappingStackNames(environments, tasks),
    ...nameCollisionProblems(catalog, environments),
    ...environments.flatMap((env, index) => {
      const problems = environmentProblems(env, index, tasks, naming);
      // What spans the catalog and a whole environment needs both to be well-formed first.
      if (ofCatalog.length === 0 && problems.length === 0) problems.push(...detailBudgetProblems(catalog, env));
      return problems;
    }),
  ];
  // The CI roles span an account's environments: measured once every environment is well-formed.
  if (problems.length === 0) problems.push(...ciRolePolicyProblems(environments));
  return problems;
}

/** Every route must carry a detail at least this long (JSON characters); less is a configuration error. */
export const MIN_DETAIL_CHARACTERS = 1024;

/**
 * Every rule must be able to carry a detail of MIN_DETAIL_CHARACTERS through every hop its events
 * travel (environments/detail-budget.ts), or the publisher would refuse nearly every event: that is a
 * configuration error, not an event to refuse. Typically a rule that receives failure events with
 * `detailDelivery: 'environment'`, where the failure fields alone can take nearly all of RunTask's
 * overrides.
 */
function detailBudgetProblems(catalog: Catalog, env: EnvironmentConfig): string[] {
  const label = `environment ${quote(env.name)}`;
  const detail = { detail: 'x'.repeat(MIN_DETAIL_CHARACTERS - '{"detail":""}'.length) };
  const problems = new Set<string>();
  for (const service of catalog.services) {
    const detailTypes = new Set(service.rules.flatMap((rule) => rule.eventPattern['detail-type']));
    for (const detailType of detailTypes) {
      for (const hop of overBudget(detailHops(catalog, env, { service: service.name, detailType, detail }, 'detail-type'))) {
        const field = hop.kind === 'put-events-entry' ? 'options' : 'options.detailDelivery';
        problems.add(line(label, `service ${quote(hop.service)}, rule ${quote(hop.rule)}`, field, `cannot carry a detail of ${MIN_DETAIL_CHARACTERS} characters: ${describeHop(hop)}`));
      }
    }
  }
  return [...problems];
}

// ---------------------------------------------------------------------------------------------
// Catalog facts the environments are checked against
// ---------------------------------------------------------------------------------------------

interface CatalogTask {
  readonly cpu: unknown;
  readonly memory: unknown;
  /** Its `compatibilities`, `["FARGATE"]` when the catalog gives none. */
  readonly compatibilities: readonly unknown[];
  /** `service/rule` of every rule that runs this task (as its target, or as a step or compensation of its flow). */
  readonly targetedBy: string[];
}

interface CatalogRule {
  readonly service: string;
  readonly rule: string;
  /** `service/task` of every task the rule's state machine runs. */
  readonly runs: readonly string[];
}

interface CatalogTasks {
  /** service → task name → facts. */
  readonly byService: Map<string, Map<string, CatalogTask>>;
  /** Every rule. */
  readonly rules: CatalogRule[];
}

/** `service/task` of every task a rule's target runs: the task, or each step's and compensation's of the flow. */
function runsOfTarget(services: readonly Record<string, unknown>[], target: Record<string, unknown>): string[] {
  if (typeof target.service !== 'string') return [];
  if (typeof target.task === 'string') return [names.taskKey(target.service, target.task)];
  if (typeof target.flow !== 'string') return [];
  const flow = services
    .filter((service) => service.name === target.service)
    .flatMap((service) => listOf(service.flows).filter(isRecord))
    .find((candidate) => candidate.name === target.flow);
  return listOf(flow?.steps)
    .filter(isRecord)
    .flatMap((step) => [step.run, step.compensate])
    .filter(isRecord)
    .flatMap((run) => (typeof run.service === 'string' && typeof run.task === 'string' ? [names.taskKey(run.service, run.task)] : []));
}

/** What the environments need from the catalog, read defensively (the catalog pass reports its flaws). */
function catalogTasks(catalog: Catalog): CatalogTasks {
  const byService = new Map<string, Map<string, CatalogTask>>();
  const rules: CatalogRule[] = [];
  const services = listOf(isRecord(catalog) ? catalog.services : undefined).filter(isRecord);
  for (const service of services) {
    if (typeof service.name !== 'string') continue;
    // A duplicated service (reported by the catalog pass) contributes the tasks of both.
    const tasks = byService.get(service.name) ?? new Map<string, CatalogTask>();
    for (const task of listOf(service.tasks).filter(isRecord)) {
      if (typeof task.name === 'string' && !tasks.has(task.name)) {
        tasks.set(task.name, { cpu: task.cpu, memory: task.memory, compatibilities: Array.isArray(task.compatibilities) ? task.compatibilities : ['FARGATE'], targetedBy: [] });
      }
    }
    byService.set(service.name, tasks);
  }
  for (const service of services) {
    for (const rule of listOf(service.rules).filter(isRecord)) {
      if (typeof service.name !== 'string' || typeof rule.name !== 'string') continue;
      const runs = isRecord(rule.target) ? [...new Set(runsOfTarget(services, rule.target))] : [];
      rules.push({ service: service.name, rule: rule.name, runs });
      for (const run of runs) {
        const [taskService, task] = run.split('/') as [string, string];
        byService.get(taskService)?.get(task)?.targetedBy.push(`${service.name}/${rule.name}`);
      }
    }
  }
  return { byService, rules };
}

/** The catalog task a `service/task` key names, or why it names none. */
function lookUpTask(key: string, tasks: CatalogTasks): { task: CatalogTask } | { problem: string } {
  const [service, task, ...rest] = key.split('/');
  if (!service || !task || rest.length > 0) return { problem: `${quote(key)} is not a task key; use "<service>/<task>", for example "payment/charge"` };
  const serviceTasks = tasks.byService.get(service);
  if (!serviceTasks) return { problem: `the catalog has no service ${quote(service)} (services: ${[...tasks.byService.keys()].join(', ') || 'none'})` };
  const found = serviceTasks.get(task);
  if (!found) return { problem: `service ${quote(service)} defines no task ${quote(task)} (it defines: ${[...serviceTasks.keys()].join(', ') || 'no tasks'})` };
  return { task: found };
}

// ---------------------------------------------------------------------------------------------
// Cross-field checks of one environment
// ---------------------------------------------------------------------------------------------

interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const at = (path: readonly PropertyKey[], message: string): Problem => ({ path, message });

/** The first item of each name: duplicates are the catalog pass's to report, not collisions. */
function firstOfEachName(items: readonly unknown[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  return items.filter(isRecord).filter((item) => typeof item.name === 'string' && !seen.has(item.name) && seen.add(item.name) !== undefined);
}

/** The catalog's names as the naming module needs them, read defensively. */
function namingCatalog(catalog: Catalog): names.NamingCatalog {
  const services = firstOfEachName(listOf(isRecord(catalog) ? catalog.services : undefined));
  return {
    services: services.map((service) => ({
      name: service.name as string,
      tasks: firstOfEachName(listOf(service.tasks)).map((task) => task.name as string),
      rules: firstOfEachName(listOf(service.rules)).map((rule) => ({
        name: rule.name as string,
        publishesFailure: !(isRecord(rule.options) && rule.options.failureDetailType === false),
      })),
    })),
  };
}

/** One problem per kind of name that gets too long, naming the longest and what derives it. */
function nameLengthProblems(env: string, catalog: names.NamingCatalog, base: names.NamingBase): Problem[] {
  const tooLong = names.derivedNames(env, catalog, base).filter(({ name, limit }) => name.length > limit);
  const kinds = [...new Set(tooLong.map(({ kind }) => kind))];
  return kinds.map((kind) => {
    const ofKind = tooLong.filter((entry) => entry.kind === kind).sort((a, b) => b.name.length - a.name.length);
    const longest = ofKind[0]!;
    const more = ofKind.length > 1 ? ` (and ${ofKind.length - 1} more)` : '';
    return at(
      ['name'],
      `makes the ${kind} ${quote(longest.name)} ${longest.name.length} characters long (for ${longest.owner}); AWS allows at most ${longest.limit}${more}. Shorten the environment, service or rule name`,
    );
  });
}

/**
 * Names two things derive alike: within an environment (service "seat" with rule "x-y" and service
 * "seat-x" with rule "y" both make `dev-seat-x-y`) and across environments sharing an account
 * (IAM role names are global to the account; other names to its region, rule names to their bus).
 * One line per collision, naming both entities.
 */
function nameCollisionProblems(catalog: Catalog, environments: readonly unknown[]): string[] {
  const naming = namingCatalog(catalog);
  const seen = new Map<string, { env: string; owner: string }>();
  const problems: string[] = [];
  for (const env of firstOfEachName(environments)) {
    if (typeof env.name !== 'string' || environmentNameProblem(env.name) !== undefined) continue;
    const account = typeof env.accountId === 'string' ? env.accountId : '?';
    const region = typeof env.region === 'string' ? env.region : '?';
    for (const derived of names.derivedNames(env.name, naming, namingBase(env))) {
      const scope = derived.scope.kind === 'account' ? account : derived.scope.kind === 'region' ? `${account}/${region}` : `${account}/${region}/${derived.scope.bus}`;
      const key = `${derived.kind}\u0000${scope}\u0000${derived.name}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { env: env.name, owner: derived.owner });
        continue;
      }
      const other = first.env === env.name ? first.owner : `environment ${quote(first.env)}, ${first.owner}`;
      const where = derived.scope.kind === 'account' ? ` (IAM role names are unique in account ${account})` : '';
      problems.push(line(`environment ${quote(env.name)}`, derived.owner, 'name', `makes the ${derived.kind} ${quote(derived.name)}, which ${other} makes too${where}; rename one of them`));
    }
  }
  return [...new Set(problems)];
}

interface ParsedArn {
  readonly region: string;
  readonly account: string;
}

/** Region and account of an ARN, checked against the environment's. */
function arnPlacementProblems(path: readonly PropertyKey[], arn: ParsedArn, env: Record<string, unknown>, why = ''): Problem[] {
  const problems: Problem[] = [];
  if (typeof env.region === 'string' && arn.region !== '' && arn.region !== env.region) {
    problems.push(at(path, `is in region ${quote(arn.region)}, not the environment's region ${quote(env.region)}`));
  }
  if (typeof env.accountId === 'string' && arn.account !== env.accountId) {
    problems.push(at(path, `is in account ${quote(arn.account)}, not the environment's account ${quote(env.accountId)}${why}`));
  }
  return problems;
}

function arnProblems(path: readonly PropertyKey[], value: unknown, pattern: RegExp, expected: string, env: Record<string, unknown>, why = ''): Problem[] {
  if (typeof value !== 'string') return [];
  const match = pattern.exec(value);
  if (!match?.groups) return [at(path, `${quote(value)} is not ${expected}`)];
  return arnPlacementProblems(path, { region: match.groups.region ?? '', account: match.groups.account ?? '' }, env, why);
}

const CLUSTER_ARN = /^arn:aws:ecs:(?<region>[a-z0-9-]+):(?<account>\d{12}):cluster\/[A-Za-z0-9_-]{1,255}$/;
const TASK_DEFINITION_ARN = /^arn:aws:ecs:(?<region>[a-z0-9-]+):(?<account>\d{12}):task-definition\/[A-Za-z0-9_-]{1,255}(?::[1-9]\d*)?$/;
const TASK_DEFINITION_FAMILY = /^[A-Za-z0-9_-]{1,255}$/;
const ROLE_ARN = /^arn:aws:iam::(?<account>\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * A family (RunTask runs its latest ACTIVE revision) or an ARN, with a revision (pinned) or without
 * (the family again). IAM grants `ecs:RunTask` on `task-definition/<family>:*` either way.
 */
function taskDefinitionProblems(path: readonly PropertyKey[], value: unknown, env: Record<string, unknown>): Problem[] {
  if (typeof value === 'string' && TASK_DEFINITION_FAMILY.test(value)) return [];
  return arnProblems(
    path,
    value,
    TASK_DEFINITION_ARN,
    'a task definition family (1 to 255 letters, digits, "_" or "-") or ARN (arn:aws:ecs:<region>:<account>:task-definition/<family>[:<revision>])',
    env,
  );
}

function existingBaseProblems(env: Record<string, unknown>, base: Record<string, unknown>, tasks: CatalogTasks): Problem[] {
  const problems: Problem[] = [...arnProblems(['base', 'clusterArn'], base.clusterArn, CLUSTER_ARN, 'an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)', env)];

  const capacity = isRecord(base.capacity) ? base.capacity : undefined;
  if (capacity && (capacity.launchType === undefined) === (capacity.strategy === undefined)) {
    problems.push(at(['base', 'capacity'], 'give exactly one of launchType or strategy'));
  }
  if (capacity && Array.isArray(capacity.strategy)) {
    const items = capacity.strategy.filter(isRecord);
    if (capacity.strategy.length === 0) problems.push(at(['base', 'capacity', 'strategy'], 'must list at least one capacity provider'));
    items.forEach((item, index) => {
      if (items.findIndex((other) => other.capacityProvider === item.capacityProvider) !== index) {
        problems.push(at(['base', 'capacity', 'strategy', index, 'capacityProvider'], `${quote(item.capacityProvider)} is listed twice`));
      }
    });
    if (items.filter((item) => typeof item.base === 'number' && item.base > 0).length > 1) {
      problems.push(at(['base', 'capacity', 'strategy'], 'only one capacity provider may have a base above 0'));
    }
    if (items.length > 0 && items.every((item) => item.weight === 0)) {
      problems.push(at(['base', 'capacity', 'strategy'], 'at least one capacity provider needs a weight above 0'));
    }
  }

  const configured = isRecord(base.tasks) ? base.tasks : undefined;
  if (!configured) return problems;
  for (const [key, task] of Object.entries(configured)) {
    const path = ['base', 'tasks', key];
    const found = lookUpTask(key, tasks);
    if ('problem' in found) problems.push(at(path, found.problem));
    if (!isRecord(task)) continue;
    const roleWhy = ' (ECS can pass only roles of its own account)';
    problems.push(
      ...taskDefinitionProblems([...path, 'taskDefinition'], task.taskDefinition, env),
      ...arnProblems([...path, 'taskRoleArn'], task.taskRoleArn, ROLE_ARN, 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)', env, roleWhy),
      ...arnProblems([...path, 'executionRoleArn'], task.executionRoleArn, ROLE_ARN, 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)', env, roleWhy),
    );
  }
  for (const [service, serviceTasks] of tasks.byService) {
    for (const [task, facts] of serviceTasks) {
      const key = names.taskKey(service, task);
      if (facts.targetedBy.length > 0 && !Object.hasOwn(configured, key)) {
        problems.push(
          at(
            ['base', 'tasks'],
            `has no entry for ${quote(key)}, which ${facts.targetedBy.length === 1 ? 'rule' : 'rules'} ${facts.targetedBy.map(quote).join(', ')} ${facts.targetedBy.length === 1 ? 'starts' : 'start'}`,
          ),
        );
      }
    }
  }
  return problems;
}

function taskOverrideProblems(key: string, override: Record<string, unknown>, tasks: CatalogTasks): Problem[] {
  const path = ['base', 'taskOverrides', key];
  const found = lookUpTask(key, tasks);
  if ('problem' in found) return [at(path, found.problem)];
  const cpu = override.cpu ?? found.task.cpu;
  const memory = override.memory ?? found.task.memory;
  if ((override.cpu === undefined && override.memory === undefined) || typeof cpu !== 'number' || typeof memory !== 'number') return [];
  const size = fargateSizeProblem(cpu, memory);
  if (!size) return [];
  if (override[size.field] !== undefined) return [at([...path, size.field], size.message)];
  // The field at fault comes from the catalog: point at the override that broke the pair.
  if (size.field === 'memory') {
    const allowed = describeMemory(FARGATE_SIZES[cpu] ?? []);
    return [at([...path, 'cpu'], `${cpu} does not fit the catalog's memory of ${memory} MiB: cpu ${cpu} allows ${allowed}; override memory too`)];
  }
  return [at([...path, 'memory'], `does not fit the catalog's cpu: ${size.message}`)];
}

function managedBaseProblems(env: Record<string, unknown>, base: Record<string, unknown>, tasks: CatalogTasks): Problem[] {
  const problems: Problem[] = [];
  const network = isRecord(base.network) ? base.network : {};
  const region = typeof env.region === 'string' ? env.region : undefined;
  const zones = region === undefined ? undefined : availabilityZoneCount(region);
  if (region !== undefined && zones !== undefined && typeof network.azCount === 'number' && network.azCount > zones) {
    problems.push(at(['base', 'network', 'azCount'], `${network.azCount} exceeds the ${zones} Availability Zones of ${region}`));
  }
  const cluster = isRecord(base.cluster) ? base.cluster : {};
  if (cluster.fargateWeight === 0 && cluster.fargateSpotWeight === 0) {
    problems.push(at(['base', 'cluster'], 'fargateWeight and fargateSpotWeight are both 0; at least one must be above 0'));
  }
  const overrides = isRecord(base.taskOverrides) ? base.taskOverrides : {};
  for (const [key, override] of Object.entries(overrides)) {
    if (isRecord(override)) problems.push(...taskOverrideProblems(key, override, tasks));
  }
  // An immutable repository accepts one push per tag: a moving tag such as `latest` cannot move.
  if ((base.imageTagMutability ?? 'IMMUTABLE') === 'IMMUTABLE') {
    const tagged: [readonly PropertyKey[], unknown][] = [
      [['base', 'defaultImageTag'], base.defaultImageTag],
      ...Object.entries(overrides).map(([key, override]): [readonly PropertyKey[], unknown] => [
        ['base', 'taskOverrides', key, 'imageTag'],
        isRecord(override) ? override.imageTag : undefined,
      ]),
    ];
    for (const [path] of tagged.filter(([, tag]) => tag === 'latest')) {
      problems.push(
        at(path, `"latest" cannot be pushed twice to an IMMUTABLE repository (imageTagMutability defaults to IMMUTABLE); use a versioned tag or set base.imageTagMutability to "MUTABLE"`),
      );
    }
  }
  return problems;
}

function stateBackendProblems(env: Record<string, unknown>): Problem[] {
  const backend = isRecord(env.stateBackend) ? env.stateBackend : undefined;
  if (!backend || typeof backend.kmsKeyId !== 'string') return [];
  const match = KMS_ARN.exec(backend.kmsKeyId);
  const bucketRegion = backend.region ?? env.region;
  if (!match || typeof bucketRegion !== 'string' || match[1] === bucketRegion) return [];
  return [at(['stateBackend', 'kmsKeyId'], `is in region ${quote(match[1])}, but the state bucket is in ${quote(bucketRegion)}; S3 needs a KMS key of the bucket's region`)];
}

function crossFieldProblems(env: Record<string, unknown>, tasks: CatalogTasks, naming: names.NamingCatalog): Problem[] {
  const problems: Problem[] = [];
  if (typeof env.name === 'string' && environmentNameProblem(env.name) === undefined) problems.push(...nameLengthProblems(env.name, naming, namingBase(env)));
  problems.push(...stateBackendProblems(env));
  const base = isRecord(env.base) ? env.base : undefined;
  if (base?.kind === 'managed') problems.push(...managedBaseProblems(env, base, tasks));
  if (base?.kind === 'existing') problems.push(...existingBaseProblems(env, base, tasks));
  if (base) problems.push(...ruleCapacityProblems(env, base, tasks));
  return problems;
}

/** Whether the environment's managed base has EC2 capacity, as the naming module needs it. */
function namingBase(env: Record<string, unknown>): names.NamingBase {
  const base = isRecord(env.base) ? env.base : undefined;
  return { ec2Capacity: base?.kind === 'managed' && isRecord(base.cluster) && isRecord(base.cluster.ec2) };
}

/**
 * `base.ruleCapacity`: every key a rule of the catalog; EC2 only where the environment has EC2
 * capacity, and only for rules whose every task is EC2-compatible; placement only on EC2 (Fargate
 * supports none) and as ECS takes it (core/placement.ts). A managed base's EC2 capacity provider is
 * named after the environment, which therefore must not begin with a prefix ECS reserves.
 */
function ruleCapacityProblems(env: Record<string, unknown>, base: Record<string, unknown>, tasks: CatalogTasks): Problem[] {
  const problems: Problem[] = [];
  const hasEc2 = base.kind === 'managed' ? isRecord(base.cluster) && isRecord(base.cluster.ec2) : typeof base.ec2CapacityProvider === 'string' && base.ec2CapacityProvider !== '';
  if (base.kind === 'managed' && hasEc2 && typeof env.name === 'string') {
    const reserved = capacityProviderNameProblem(names.ec2CapacityProviderName(env.name));
    if (reserved) problems.push(at(['base', 'cluster', 'ec2'], `the EC2 capacity provider is named after the environment, and ${reserved}; rename the environment`));
  }
  if (base.kind === 'managed' && isRecord(base.cluster) && isRecord(base.cluster.ec2)) {
    const { minSize, maxSize } = base.cluster.ec2;
    if (typeof minSize === 'number' && typeof maxSize === 'number' && minSize > maxSize) {
      problems.push(at(['base', 'cluster', 'ec2', 'maxSize'], `${maxSize} is below minSize ${minSize}`));
    }
  }
  const entries = isRecord(base.ruleCapacity) ? Object.entries(base.ruleCapacity) : [];
  for (const [key, entry] of entries) {
    const path = ['base', 'ruleCapacity', key];
    const rule = tasks.rules.find((candidate) => names.taskKey(candidate.service, candidate.rule) === key);
    if (!rule) {
      const known = tasks.rules.map((candidate) => names.taskKey(candidate.service, candidate.rule));
      problems.push(at(path, `${quote(key)} is not a rule of the catalog; use "<service>/<rule>", the service whose bus the rule is on (rules: ${known.join(', ') || 'none'})`));
      continue;
    }
    if (!isRecord(entry)) continue;
    const placement: Placement = {
      strategy: listOf(entry.placementStrategy).filter(isRecord) as unknown as Placement['strategy'],
      constraints: listOf(entry.placementConstraints).filter(isRecord) as unknown as Placement['constraints'],
    };
    if (entry.runOn === 'FARGATE') {
      for (const field of ['placementStrategy', 'placementConstraints'] as const) {
        if (listOf(entry[field]).length > 0) {
          problems.push(at([...path, field], 'task placement is for EC2 capacity; Fargate supports no placement strategies or constraints (runOn is "FARGATE")'));
        }
      }
      continue;
    }
    if (entry.runOn !== 'EC2') continue;
    if (!hasEc2) {
      problems.push(
        at(
          [...path, 'runOn'],
          base.kind === 'managed'
            ? 'EC2 needs EC2 capacity in this environment: add base.cluster.ec2 (an Auto Scaling group capacity provider)'
            : 'EC2 needs EC2 capacity in this environment: set base.ec2CapacityProvider to the Auto Scaling group capacity provider of the cluster',
        ),
      );
    }
    for (const run of rule.runs) {
      const [service, task] = run.split('/') as [string, string];
      const facts = tasks.byService.get(service)?.get(task);
      if (facts && !facts.compatibilities.includes('EC2')) {
        problems.push(
          at(
            [...path, 'runOn'],
            `rule ${quote(rule.rule)} runs task ${quote(run)}, which is not EC2-compatible: its compatibilities ${JSON.stringify(facts.compatibilities)} do not list "EC2" (catalog: service ${quote(service)}, task ${quote(task)}: compatibilities)`,
          ),
        );
      }
    }
    for (const problem of placementProblems(placement)) {
      const [list, ...rest] = problem.field.split('.');
      const listField = list!.startsWith('strategy') ? list!.replace('strategy', 'placementStrategy') : list!.replace('constraints', 'placementConstraints');
      const index = /\[(\d+)\]/.exec(listField);
      const field = index ? [listField.slice(0, listField.indexOf('[')), Number(index[1]), ...rest] : [listField, ...rest];
      problems.push(at([...path, ...field], problem.message));
    }
  }
  return problems;
}

/** `environment "dev"`, or `environments[3]` when the name is missing. */
function environmentLabel(env: unknown, index: number): string {
  const name = isRecord(env) ? env.name : undefined;
  return typeof name === 'string' && name.length > 0 ? `environment ${quote(name)}` : `environments[${index}]`;
}

function environmentProblems(env: unknown, index: number, tasks: CatalogTasks, naming: names.NamingCatalog): string[] {
  const label = environmentLabel(env, index);
  const shape = shapeProblems(environmentSchema, env, formatPath).map((problem) => line(label, problem));
  if (!isRecord(env)) return shape;
  const cross = crossFieldProblems(env, tasks, naming).map(({ path, message }) => line(label, formatPath(path), message));
  return [...shape, ...cross];
}

/**
 * Stack names are `<environment>-<stack>`, and `cdktf deploy '<env>-*'` deploys an environment by
 * that prefix. An environment whose `<name>-` begins another environment's stack names (`dev` beside
 * `dev-eu`), or the account-level CI roles stack (`ci-roles-<account>`), would deploy those too; and
 * two environments could even produce the same stack name. Refused, naming the stacks it would take.
 */
function overlappingStackNames(environments: readonly unknown[], tasks: CatalogTasks): string[] {
  const services = [...tasks.byService.keys()];
  const owners = new Map<string, string>();
  for (const env of environments.filter(isRecord)) {
    if (typeof env.name !== 'string') continue;
    const managed = isRecord(env.base) && env.base.kind === 'managed';
    for (const stack of names.environmentStackNames(env.name, services, managed)) if (!owners.has(stack)) owners.set(stack, `environment ${quote(env.name)}`);
    if (typeof env.accountId === 'string') owners.set(names.ciRolesStackName(env.accountId), 'the CI roles of its account');
  }
  const problems: string[] = [];
  for (const env of environments.filter(isRecord)) {
    const name = env.name;
    if (typeof name !== 'string') continue;
    const own = `environment ${quote(name)}`;
    const taken = [...owners].filter(([stack, owner]) => owner !== own && stack.startsWith(`${name}-`));
    if (taken.length === 0) continue;
    const byOwner = [...new Set(taken.map(([, owner]) => owner))].map(
      (owner) =>
        `${owner} (${taken
          .filter(([, o]) => o === owner)
          .map(([stack]) => stack)
          .join(', ')})`,
    );
    problems.push(
      line(
        own,
        'name',
        `"${name}-*" also matches the stacks of ${byOwner.join(' and ')}: stack names are "<environment>-<stack>", so one environment's name followed by "-" must not begin another's stacks; rename one of them`,
      ),
    );
  }
  return problems;
}

function duplicateEnvironmentNames(environments: readonly unknown[]): string[] {
  const counts = new Map<string, number>();
  for (const env of environments) {
    if (isRecord(env) && typeof env.name === 'string') counts.set(env.name, (counts.get(env.name) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, count]) => count > 1)
    .map(([name, count]) => line(`environment ${quote(name)}`, 'name', `is used by ${count} environments; environment names must be unique`));
}
