/**
 * Every synthesized state machine of every environment, for any catalog, executed by a real ASL
 * interpreter with the ECS task replaced by a local handler: what the container receives, and what
 * a failure publishes.
 */
import { resolveRuleOptions, isFlowRule } from '../../catalog/defaults';
import type { EnvironmentConfig } from '../../environments/types';
import { ecsTaskFailed, runStateMachine, TaskError } from '../../local/asl-interpreter';
import { STOPS, stoppedTaskDescription } from '../../local/ecs-task-description';
import { placeholderFor, replaceInterpolations } from '../../local/terraform-expressions';
import { bookingCreatedEvent } from '../fixtures/events';
import { resources } from '../support/synth';
import { stackOf, type Subject } from './subject';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A detail that breaks naive escaping: quotes, backslashes, newlines, tabs, non-ASCII. */
const detail = {
  bookingId: 'b-"42"',
  note: 'C:\\bookings\\new\nline two\ttabbed',
  customer: 'Nguyễn Văn Ánh 🎫',
  seats: [1, 2],
  amount: 120.5,
};
const event = bookingCreatedEvent(detail);

function definitionOf(subject: Subject, env: string, service: string, name: string): string {
  const machine = Object.values(resources(stackOf(subject, `${env}-${service}`), 'aws_sfn_state_machine')).find((m) => m.name === name)!;
  // Cross-stack references are rendered by Terraform at apply time; stand-ins keep the JSON valid.
  return replaceInterpolations(machine.definition as string, placeholderFor);
}

export function stateMachineExecutionInvariants(subject: Subject): void {
  const cases = subject.environments.flatMap((env: EnvironmentConfig) =>
    subject.catalog.services.flatMap((service) =>
      // A flow's executions (several RunTasks, compensations) are checked by test/stacks/flows.test.ts.
      service.rules.filter((rule) => !isFlowRule(rule)).map((rule) => ({ env, service, rule, label: `${env.name}-${service.name}-${rule.name}` })),
    ),
  );

  describe.each(cases)('$label', ({ env, service, rule, label }) => {
    const options = resolveRuleOptions(rule, subject.catalog);

    it('hands the container exactly the event detail, ids and execution ARN, then succeeds', async () => {
      const received: Json[] = [];
      const outcome = await runStateMachine({
        definition: definitionOf(subject, env.name, service.name, label),
        input: event,
        executionName: 'exec-1',
        stateMachineArn: `arn:aws:states:${env.region}:${env.accountId}:stateMachine:${label}`,
        handlers: {
          runTask: (parameters) => {
            received.push(parameters as Json);
            return { StoppedReason: 'Essential container in task exited', Containers: [{ ExitCode: 0 }] };
          },
          putEvents: () => ({ Entries: [{ EventId: 'e-out' }], FailedEntryCount: 0 }),
        },
      });
      expect(outcome.status).toBe('SUCCEEDED');
      expect(received).toHaveLength(1);
      const [override] = received[0]!.Overrides.ContainerOverrides as Json[];
      const environment = Object.fromEntries((override!.Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]));
      expect(environment).toEqual({
        ...(options.detailDelivery === 'environment' ? { eventDetail: JSON.stringify(detail) } : {}),
        eventId: event.id,
        eventSource: event.source,
        eventDetailType: event['detail-type'],
        executionArn: `arn:aws:states:${env.region}:${env.accountId}:execution:${label}:exec-1`,
        eventDelivery: options.detailDelivery,
      });
      if (environment.eventDetail) expect(JSON.parse(environment.eventDetail)).toEqual(detail);
    });

    it(
      options.failureDetailType ? `publishes ${options.failureDetailType} with the detail and the shaped failure when the task fails` : 'fails without publishing when the task fails',
      async () => {
        const published: Json[] = [];
        const outcome = await runStateMachine({
          definition: definitionOf(subject, env.name, service.name, label),
          input: event,
          handlers: {
            runTask: (parameters) => {
              throw ecsTaskFailed(stoppedTaskDescription({ parameters, region: env.region, account: env.accountId, ...STOPS.exited(1) }));
            },
            putEvents: (parameters) => {
              published.push(parameters as Json);
              return { Entries: [{ EventId: 'e-out' }], FailedEntryCount: 0 };
            },
          },
        });
        expect(outcome.status).toBe('FAILED');
        expect(outcome.error).toBe('States.TaskFailed');
        if (!options.failureDetailType) {
          expect(published).toEqual([]);
          return;
        }
        expect(published).toHaveLength(1);
        const [entry] = published[0]!.Entries as Json[];
        expect(entry).toMatchObject({
          EventBusName: `arn:aws:events:${env.region}:${env.accountId}:event-bus/${env.name}-${rule.target.service}`,
          Source: `${subject.catalog.namespace}.${rule.target.service}`,
          DetailType: options.failureDetailType,
        });
        const publishedDetail = typeof entry!.Detail === 'string' ? JSON.parse(entry!.Detail) : entry!.Detail;
        expect(publishedDetail).toEqual({
          ...detail,
          error: 'States.TaskFailed',
          failedEventId: event.id,
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          exitCode: 1,
        });
      },
    );

    it('retries RunTask when ECS starts no task, and succeeds on the second attempt', async () => {
      let attempts = 0;
      const outcome = await runStateMachine({
        definition: definitionOf(subject, env.name, service.name, label),
        input: event,
        retryIntervalMs: 1,
        handlers: {
          runTask: () => {
            attempts += 1;
            if (attempts === 1) throw new TaskError('AmazonECS.Unknown', 'RESOURCE:FARGATE: no capacity');
            return { Containers: [{ ExitCode: 0 }] };
          },
          putEvents: () => ({ Entries: [{ EventId: 'e-out' }], FailedEntryCount: 0 }),
        },
      });
      expect(outcome.status).toBe('SUCCEEDED');
      expect(attempts).toBe(2);
    });
  });
}
