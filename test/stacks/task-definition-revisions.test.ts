/**
 * A deploy of `<env>-base` alone (a new image tag, cpu, memory: every ForceNew change of
 * `aws_ecs_task_definition`) must not break the state machines deployed before it. Replayed here
 * with the synthesized definitions, the module's own HCL and a model of ECS's revision registry:
 * the base registers a new revision and, unless `skip_destroy` is set, deregisters the old one;
 * then an execution starts (and one that was already running retries) with the service stacks
 * untouched.
 */
import { join } from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { isFlowRule } from '../../catalog/defaults';
import type { TaskRuleSpec } from '../../catalog/types';
import { environments } from '../../environments';
import type { EnvironmentConfig } from '../../environments/types';
import { runStateMachine, TaskError } from '../../local/asl-interpreter';
import { placeholderFor, replaceInterpolations } from '../../local/terraform-expressions';
import { taskFamily } from '../../core/naming';
import { bookingCreatedEvent } from '../fixtures/events';
import { FakeEcsRegistry } from '../support/fake-ecs-registry';
import { parseModule } from '../support/hcl';
import { resources, stackJson } from '../support/synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const managed = environments.filter((env) => env.base.kind === 'managed');
const MODULE_DIR = join(__dirname, '..', '..', 'modules', 'task-definitions');

let skipDestroy: unknown;
beforeAll(async () => {
  const module = await parseModule(MODULE_DIR);
  skipDestroy = module.resources.aws_ecs_task_definition?.this?.body.skip_destroy;
});

const event = bookingCreatedEvent({ bookingId: 'b-1', seats: [1], amount: 10 });

/**
 * The definition as Terraform renders it when the service stack is applied: a task definition ARN
 * read from the base's remote state is the revision registered at that moment.
 */
function renderedDefinition(env: EnvironmentConfig, stack: string, name: string, registry: FakeEcsRegistry): string {
  const machine = Object.values(resources(stackJson(stack), 'aws_sfn_state_machine')).find((m) => m.name === name)!;
  return replaceInterpolations(machine.definition as string, (expression) => {
    const read = /outputs\.task_definition_arn__([a-z0-9_]+)__([a-z0-9_]+)$/.exec(expression);
    if (!read) return placeholderFor(expression);
    const family = taskFamily(env.name, read[1]!.replace(/_/g, '-'), read[2]!.replace(/_/g, '-'));
    return registry.arn(family, registry.latestRevision(family));
  });
}

const cases = managed.flatMap((env) =>
  bookingSaga.services.flatMap((service) =>
    service.rules.filter((rule): rule is TaskRuleSpec => !isFlowRule(rule)).map((rule) => ({ env, service, rule, name: `${env.name}-${service.name}-${rule.name}` })),
  ),
);

test('the task-definitions module keeps replaced revisions ACTIVE (skip_destroy)', () => {
  expect(skipDestroy).toBe(true);
});

describe.each(cases)('$name after a deploy of the base alone', ({ env, service, rule, name }) => {
  const family = taskFamily(env.name, rule.target.service, rule.target.task);

  function deployed() {
    const registry = new FakeEcsRegistry(env.region, env.accountId);
    for (const s of bookingSaga.services) for (const t of s.tasks) registry.register(taskFamily(env.name, s.name, t.name));
    // The service stack is applied now, against the base's current revisions.
    const definition = renderedDefinition(env, `${env.name}-${service.name}`, name, registry);
    return { registry, definition };
  }

  test('a new execution starts the task from the latest revision, and nothing is compensated', async () => {
    const { registry, definition } = deployed();
    registry.replace(family, skipDestroy === true);
    const ran: number[] = [];
    const published: Json[] = [];
    const outcome = await runStateMachine({
      definition,
      input: event,
      retryIntervalMs: 0,
      handlers: {
        runTask: (parameters) => {
          ran.push(registry.resolve((parameters as Json).TaskDefinition as string).revision);
          return { LastStatus: 'STOPPED', Containers: [{ ExitCode: 0 }] };
        },
        putEvents: (parameters) => {
          published.push(parameters as Json);
          return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
        },
      },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(ran).toEqual([registry.latestRevision(family)]);
    expect(published).toEqual([]);
  });

  test('an execution that started before the deploy still runs its task when it retries after it', async () => {
    const { registry, definition } = deployed();
    const ran: number[] = [];
    const outcome = await runStateMachine({
      definition,
      input: event,
      retryIntervalMs: 0,
      handlers: {
        runTask: (parameters, call) => {
          if (call.attempt === 1) {
            // No capacity on the first attempt; the base is deployed while the execution waits.
            registry.replace(family, skipDestroy === true);
            throw new TaskError('AmazonECS.Unknown', 'RESOURCE:FARGATE');
          }
          ran.push(registry.resolve((parameters as Json).TaskDefinition as string).revision);
          return { LastStatus: 'STOPPED', Containers: [{ ExitCode: 0 }] };
        },
        putEvents: () => ({ Entries: [{ EventId: 'e' }], FailedEntryCount: 0 }),
      },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(ran).toEqual([registry.latestRevision(family)]);
  });
});
