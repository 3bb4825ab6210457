/**
 * Flows (orchestrated sagas) and EC2 capacity with placement in the configuration: the shipped
 * configuration uses both (the booking flow, staging's EC2 capacity), and each bad configuration
 * (the shipped one with one field broken) yields exactly the expected problem lines, naming the
 * environment or catalog entry and the field.
 */
import { bookingSaga } from '../../catalog/booking-saga';
import { defaultFlowTimeoutSeconds, findFlow, resolveRuleOptions, ruleRuns } from '../../catalog/defaults';
import type { FlowRuleSpec } from '../../catalog/types';
import { minimumFlowTimeoutSeconds } from '../../core/asl-flow';
import { environments } from '../../environments';
import { configurationProblems } from '../../environments/validate';
import { existingBaseEnvironment } from '../fixtures/environments';

/* eslint-disable @typescript-eslint/no-explicit-any -- drafts are mutated freely, like hand-edited config */
interface Draft {
  catalog: any;
  envs: Record<string, any>;
}

function draft(): Draft {
  const [dev, staging, prod] = environments;
  return structuredClone({ catalog: bookingSaga, envs: { dev, staging, prod, legacy: existingBaseEnvironment } });
}

const problemsOf = (d: Draft): string[] => configurationProblems(d.catalog, Object.values(d.envs));
const service = (d: Draft, name: string): any => d.catalog.services.find((s: any) => s.name === name);
const rule = (d: Draft, serviceName: string, ruleName: string): any => service(d, serviceName).rules.find((r: any) => r.name === ruleName);
const task = (d: Draft, serviceName: string, taskName: string): any => service(d, serviceName).tasks.find((t: any) => t.name === taskName);
const bookFlow = (d: Draft): any => service(d, 'booking').flows.find((f: any) => f.name === 'book');
const stagingPlacement = (d: Draft): any => d.envs.staging.base.ruleCapacity['booking/orchestrate-booking'];

describe('the shipped configuration', () => {
  it('runs the booking flow on BookingRequested, and the choreography on BookingCreated, with the same tasks', () => {
    const booking = bookingSaga.services.find((s) => s.name === 'booking')!;
    const orchestrated = booking.rules.find((r) => r.name === 'orchestrate-booking')! as FlowRuleSpec;
    expect(orchestrated.eventPattern['detail-type']).toEqual(['BookingRequested']);
    expect(orchestrated.target).toEqual({ service: 'booking', flow: 'book' });
    expect(ruleRuns(bookingSaga, orchestrated).map((run) => `${run.role} ${run.service}/${run.task}`)).toEqual([
      'step payment/charge',
      'compensation compensation/cancel-booking',
      'step seat/reserve-seats',
    ]);
    const choreography = bookingSaga.services.flatMap((s) => s.rules).filter((r) => 'task' in r.target);
    const choreographed = new Set(choreography.map((r) => ('task' in r.target ? `${r.target.service}/${r.target.task}` : '')));
    for (const run of ruleRuns(bookingSaga, orchestrated)) expect(choreographed).toContain(`${run.service}/${run.task}`);
  });

  it('gives a flow rule the time every step and compensation needs, and flow outcome events', () => {
    const orchestrated = bookingSaga.services.find((s) => s.name === 'booking')!.rules.find((r) => r.name === 'orchestrate-booking')!;
    const options = resolveRuleOptions(orchestrated, bookingSaga);
    const flow = findFlow(bookingSaga, 'booking', 'book')!;
    expect(options.timeoutSeconds).toBe(defaultFlowTimeoutSeconds(flow));
    // Three RunTask entries (charge, its compensation, reserve-seats) at the default task timeout.
    expect(options.timeoutSeconds).toBeGreaterThan(minimumFlowTimeoutSeconds([{ compensation: {} }, {}]));
    expect(options.failureDetailType).toBe('BookFlowFailed');
    expect(options.successDetailType).toBe('BookingConfirmed');
  });

  it('has EC2 capacity in staging only, and runs only the booking flow there', () => {
    const byName = Object.fromEntries(environments.map((env) => [env.name, env]));
    expect(byName.staging!.base.kind === 'managed' && byName.staging!.base.cluster.ec2).toEqual({ instanceType: 't3.small', minSize: 0, maxSize: 4, targetCapacity: 100 });
    expect(byName.prod!.base.kind === 'managed' && byName.prod!.base.cluster.ec2).toBeUndefined();
    expect(byName.dev!.base.kind === 'managed' && byName.dev!.base.cluster.ec2).toBeUndefined();
    expect(Object.keys((byName.staging!.base.kind === 'managed' && byName.staging!.base.ruleCapacity) || {})).toEqual(['booking/orchestrate-booking']);
  });
});

interface BadCase {
  readonly name: string;
  readonly mutate: (d: Draft) => void;
  readonly expected: readonly string[];
}

const RC = 'environment "staging": base.ruleCapacity["booking/orchestrate-booking"]';

const cases: BadCase[] = [
  {
    name: 'placement on Fargate',
    mutate: (d) => (stagingPlacement(d).runOn = 'FARGATE'),
    expected: [
      `${RC}.placementStrategy: task placement is for EC2 capacity; Fargate supports no placement strategies or constraints (runOn is "FARGATE")`,
      `${RC}.placementConstraints: task placement is for EC2 capacity; Fargate supports no placement strategies or constraints (runOn is "FARGATE")`,
    ],
  },
  {
    name: 'EC2 where the environment has no EC2 capacity',
    mutate: (d) => delete d.envs.staging.base.cluster.ec2,
    expected: [`${RC}.runOn: EC2 needs EC2 capacity in this environment: add base.cluster.ec2 (an Auto Scaling group capacity provider)`],
  },
  {
    name: 'EC2 for a rule whose flow runs a task that is not EC2-compatible',
    mutate: (d) => delete task(d, 'seat', 'reserve-seats').compatibilities,
    expected: [
      `${RC}.runOn: rule "orchestrate-booking" runs task "seat/reserve-seats", which is not EC2-compatible: its compatibilities ["FARGATE"] do not list "EC2" (catalog: service "seat", task "reserve-seats": compatibilities)`,
    ],
  },
  {
    name: 'binpack by something other than cpu or memory',
    mutate: (d) => (stagingPlacement(d).placementStrategy[1].field = 'disk'),
    expected: [`${RC}.placementStrategy[1].field: binpack packs by cpu or memory, not "disk"`],
  },
  {
    name: 'spread without a field',
    mutate: (d) => delete stagingPlacement(d).placementStrategy[0].field,
    expected: [`${RC}.placementStrategy[0].field: spread needs instanceId, host or an attribute such as "attribute:ecs.availability-zone", not undefined`],
  },
  {
    name: 'memberOf without an expression',
    mutate: (d) => delete stagingPlacement(d).placementConstraints[0].expression,
    expected: [`${RC}.placementConstraints[0].expression: memberOf needs a cluster query language expression, such as "attribute:ecs.instance-type =~ t3.*"`],
  },
  {
    name: 'six placement strategies',
    mutate: (d) => (stagingPlacement(d).placementStrategy = Array.from({ length: 6 }, () => ({ type: 'random' }))),
    expected: [`${RC}.placementStrategy: has 6 rules; RunTask takes at most 5`],
  },
  {
    name: 'a placement entry for a rule the catalog lacks',
    mutate: (d) => (d.envs.staging.base.ruleCapacity['booking/charge'] = { runOn: 'EC2' }),
    expected: [
      'environment "staging": base.ruleCapacity["booking/charge"]: "booking/charge" is not a rule of the catalog; use "<service>/<rule>", the service whose bus the rule is on (rules: booking/charge-payment, booking/orchestrate-booking, booking/notify-booking-confirmed, payment/reserve-seats, payment/compensate-payment-failure, seat/notify-booking-confirmed, seat/compensate-seat-failure, compensation/notify-booking-cancelled)',
    ],
  },
  {
    name: 'EC2 capacity with minSize above maxSize',
    mutate: (d) => Object.assign(d.envs.staging.base.cluster.ec2, { minSize: 5, maxSize: 4 }),
    expected: ['environment "staging": base.cluster.ec2.maxSize: 4 is below minSize 5'],
  },
  {
    name: 'EC2 capacity with a target capacity of 0',
    mutate: (d) => (d.envs.staging.base.cluster.ec2.targetCapacity = 0),
    expected: ['environment "staging": base.cluster.ec2.targetCapacity: must be a whole number from 1 to 100, not 0'],
  },
  {
    name: 'EC2 capacity with no instance type',
    mutate: (d) => (d.envs.staging.base.cluster.ec2.instanceType = 'small'),
    expected: ['environment "staging": base.cluster.ec2.instanceType: "small" is not an EC2 instance type (for example "t3.small")'],
  },
  {
    name: 'an environment with EC2 capacity named so that its capacity provider would start with "ecs"',
    mutate: (d) => {
      d.envs.staging.name = 'ecstest';
    },
    expected: [
      'environment "ecstest": base.cluster.ec2: the EC2 capacity provider is named after the environment, and "ecstest-ec2" starts with "ecs", which ECS reserves (capacity provider names may not start with "aws", "ecs", "fargate"); rename the environment',
    ],
  },
  {
    name: 'an existing base running a rule on EC2 without an EC2 capacity provider',
    mutate: (d) => (d.envs.legacy.base.ruleCapacity = { 'booking/orchestrate-booking': { runOn: 'EC2' } }),
    expected: [
      'environment "legacy": base.ruleCapacity["booking/orchestrate-booking"].runOn: EC2 needs EC2 capacity in this environment: set base.ec2CapacityProvider to the Auto Scaling group capacity provider of the cluster',
    ],
  },
  {
    name: 'a task for EC2 only with a size Fargate lacks is fine, but not below 128 CPU units',
    mutate: (d) => Object.assign(task(d, 'seat', 'reserve-seats'), { compatibilities: ['EC2'], cpu: 64, memory: 300 }),
    expected: ['catalog: service "seat", task "reserve-seats": cpu: 64 is not a CPU size for EC2; use a whole number from 128 to 196608'],
  },
  {
    name: 'a rule target with both task and flow',
    mutate: (d) => (rule(d, 'booking', 'orchestrate-booking').target.task = 'charge'),
    expected: [
      'catalog: service "booking", rule "orchestrate-booking": target: give exactly one of task (the rule runs one task) or flow (the rule runs a flow)',
      'catalog: service "booking", rule "orchestrate-booking": target.task: task "charge" is not defined by service "booking" (it defines: no tasks)',
    ],
  },
  {
    name: 'a rule target with a command and a flow',
    mutate: (d) => (rule(d, 'booking', 'orchestrate-booking').target.command = ['node', 'dist/x.js']),
    expected: ['catalog: service "booking", rule "orchestrate-booking": target.command: is a task\'s; a flow\'s steps give their own commands'],
  },
  {
    name: 'a rule targeting a flow the service does not define',
    mutate: (d) => (rule(d, 'booking', 'orchestrate-booking').target.flow = 'reserve'),
    expected: ['catalog: service "booking", rule "orchestrate-booking": target.flow: flow "reserve" is not defined by service "booking" (it defines: book)'],
  },
  {
    name: "a flow step's compensation naming a task the service lacks",
    mutate: (d) => (bookFlow(d).steps[0].compensate.task = 'refund'),
    expected: ['catalog: service "booking", flow "book", step "charge": compensate.task: task "refund" is not defined by service "compensation" (it defines: cancel-booking)'],
  },
  {
    name: 'two steps with one name',
    mutate: (d) => (bookFlow(d).steps[1].name = 'charge'),
    expected: ['catalog: service "booking", flow "book", step "charge": name: is used by 2 steps; step names must be unique within a flow'],
  },
  {
    name: 'a flow without steps',
    mutate: (d) => (bookFlow(d).steps = []),
    expected: ['catalog: service "booking", flow "book": steps: must hold 1 to 10 steps, not 0'],
  },
  {
    name: 'a flow rule timeout too short for every step and compensation',
    mutate: (d) => (rule(d, 'booking', 'orchestrate-booking').options.timeoutSeconds = 600),
    expected: [
      'catalog: service "booking", rule "orchestrate-booking": options.timeoutSeconds: must be a whole number from 2280 to 31536000 seconds (a Standard workflow runs at most a year; below 2280 s, 3 runs of the task with their retries and the failure event\'s publish leave no minute per run), not 600',
      'catalog: service "booking", rule "orchestrate-booking": options.timeoutSeconds: 600 leaves -607 s per run of flow "book"\'s 3 steps and compensations (3 runs each, their retries and waits, and the outcome\'s publish); give at least 6600, or leave it out for the default',
    ],
  },
  {
    name: 'a flow rule timeout that suits one task but not every step and compensation of the flow',
    mutate: (d) => (rule(d, 'booking', 'orchestrate-booking').options.timeoutSeconds = 3000),
    expected: [
      'catalog: service "booking", rule "orchestrate-booking": options.timeoutSeconds: 3000 leaves -340 s per run of flow "book"\'s 3 steps and compensations (3 runs each, their retries and waits, and the outcome\'s publish); give at least 6600, or leave it out for the default',
    ],
  },
  {
    name: "a flow's compensation-failed event that its own rule matches",
    mutate: (d) => {
      bookFlow(d).compensationFailedDetailType = 'BookingRequested';
    },
    expected: [
      'catalog: service "booking", rule "orchestrate-booking": flow "book": compensationFailedDetailType: "BookingRequested" is published to the "booking" bus, where this rule matches it again: every execution would start another',
    ],
  },
];

describe('a bad configuration', () => {
  it.each(cases)('$name', ({ mutate, expected }) => {
    const d = draft();
    mutate(d);
    expect(problemsOf(d)).toEqual(expected);
  });
});
