/**
 * An execution that ends TIMED_OUT or ABORTED publishes nothing itself (no Catch sees the
 * execution's own timeout), so each service stack carries a rule on the default bus for its state
 * machines' status change events and a state machine that publishes the failure event instead.
 * Checked on the synthesized stacks of any catalog, and run in the interpreter with the event Step
 * Functions sends.
 */
import { resolveRuleOptions } from '../../catalog/defaults';
import type { EnvironmentConfig } from '../../environments/types';
import { type JsonValue, runStateMachine } from '../../local/asl-interpreter';
import { matchesPattern } from '../../core/event-pattern';
import { placeholderFor, replaceInterpolations } from '../../local/terraform-expressions';
import { DESCRIBE_EXECUTION_RESOURCE } from '../../core/asl-ended-executions';
import type { PolicyDocument } from '../../core/policy-document';
import { busName } from '../../core/naming';
import { bookingCreatedEvent } from '../fixtures/events';
import { resources } from '../support/synth';
import { stackOf, type Subject } from './subject';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const withFailureEvents = (subject: Subject, env: EnvironmentConfig) =>
  subject.catalog.services
    .map((service) => ({ service, rules: service.rules.filter((rule) => resolveRuleOptions(rule, subject.catalog).failureDetailType !== undefined) }))
    .filter(({ rules }) => rules.length > 0)
    .map(({ service, rules }) => ({ env, service, rules, label: `${env.name}-${service.name}` }));

/** A "Step Functions Execution Status Change" event as EventBridge delivers it (Step Functions, "EventBridge payloads"). */
function statusChange(env: EnvironmentConfig, machine: string, status: string, input: unknown): Json {
  const executionArn = `arn:aws:states:${env.region}:${env.accountId}:execution:${machine}:6a7e8feb-b491-4cf7-a9f1-bf3703467718`;
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: env.accountId,
    time: '2026-11-22T11:00:00Z',
    region: env.region,
    resources: [executionArn],
    detail: {
      executionArn,
      stateMachineArn: `arn:aws:states:${env.region}:${env.accountId}:stateMachine:${machine}`,
      name: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      status,
      startDate: 1_795_000_000_000,
      stopDate: 1_795_003_600_000,
      input: JSON.stringify(input),
      output: null,
      inputDetails: { included: true },
      outputDetails: null,
    },
  };
}

const bookingEvent = bookingCreatedEvent({ bookingId: 'b-"7"', amount: 50, seats: [1] });

export function endedExecutionsInvariants(subject: Subject): void {
  const cases = subject.environments.flatMap((env) => withFailureEvents(subject, env));

  describe.each(cases)('$label', ({ env, service, rules }) => {
    const stack = () => stackOf(subject, `${env.name}-${service.name}`);
    const name = `${env.name}-${service.name}-ended-executions`;
    const arnOf = (rule: string) => `arn:aws:states:${env.region}:${env.accountId}:stateMachine:${env.name}-${service.name}-${rule}`;

    test("a rule on the default bus matches exactly its state machines' TIMED_OUT and ABORTED executions", () => {
      const rule = Object.values(resources(stack(), 'aws_cloudwatch_event_rule')).find((r) => r.name === name)!;
      expect(rule.event_bus_name).toBe('default');
      const pattern = JSON.parse(rule.event_pattern as string);
      expect(pattern).toEqual({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['TIMED_OUT', 'ABORTED'], stateMachineArn: rules.map((r) => arnOf(r.name)) },
      });
      const first = rules[0]!.name;
      expect(matchesPattern(pattern, statusChange(env, `${env.name}-${service.name}-${first}`, 'TIMED_OUT', bookingEvent))).toBe(true);
      expect(matchesPattern(pattern, statusChange(env, `${env.name}-${service.name}-${first}`, 'ABORTED', bookingEvent))).toBe(true);
      // FAILED executions were caught and announced by their own Catch; SUCCEEDED ones need nothing.
      expect(matchesPattern(pattern, statusChange(env, `${env.name}-${service.name}-${first}`, 'FAILED', bookingEvent))).toBe(false);
      expect(matchesPattern(pattern, statusChange(env, `${env.name}-other-${first}`, 'TIMED_OUT', bookingEvent))).toBe(false);

      const target = Object.values(resources(stack(), 'aws_cloudwatch_event_target')).find((t) => String(t.rule).includes('ended_executions'))!;
      expect(target.event_bus_name).toBe('default');
      expect(target.dead_letter_config).toBeDefined();
    });

    test('its role reads only those executions and publishes only their failure events, as their source', () => {
      const policy = Object.values(resources(stack(), 'aws_iam_role_policy')).find((p) => p.name === 'announce-ended-executions')!;
      const document = JSON.parse(policy.policy as string) as PolicyDocument;
      const read = document.Statement.find((s) => s.Sid === 'ReadEndedExecutions')!;
      expect(read.Action).toBe('states:DescribeExecution');
      expect(read.Resource).toEqual(rules.map((r) => `${arnOf(r.name).replace(':stateMachine:', ':execution:')}:*`));
      const publishes = document.Statement.filter((s) => s.Action === 'events:PutEvents');
      expect(publishes.length).toBeGreaterThan(0);
      for (const statement of publishes) {
        const conditions = statement.Condition!['ForAllValues:StringEquals']!;
        expect(String(conditions['events:source']).startsWith(`${subject.catalog.namespace}.`)).toBe(true);
        expect(conditions['events:detail-type']).toEqual(
          expect.arrayContaining(
            rules.filter((r) => `${subject.catalog.namespace}.${r.target.service}` === conditions['events:source']).map((r) => resolveRuleOptions(r, subject.catalog).failureDetailType),
          ),
        );
      }
    });

    const definition = () => {
      const machine = Object.values(resources(stack(), 'aws_sfn_state_machine')).find((m) => m.name === name)!;
      return replaceInterpolations(machine.definition as string, placeholderFor);
    };

    async function announce(event: Json) {
      const described: string[] = [];
      const published: Json[] = [];
      const outcome = await runStateMachine({
        definition: definition(),
        input: event as JsonValue,
        retryIntervalMs: 0,
        handlers: {
          byResource: {
            [DESCRIBE_EXECUTION_RESOURCE]: (parameters) => {
              described.push((parameters as Json).ExecutionArn);
              // DescribeExecution answers with the execution's input: the EventBridge event that started it.
              return { ExecutionArn: (parameters as Json).ExecutionArn, Status: event.detail.status, Input: JSON.stringify(bookingEvent) };
            },
          },
          putEvents: (parameters) => {
            published.push(...((parameters as Json).Entries as Json[]));
            return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
          },
        },
      });
      return { outcome, described, published };
    }

    test.each([
      ['TIMED_OUT', 'ExecutionTimedOut'],
      ['ABORTED', 'ExecutionAborted'],
    ])('an execution that ended %s gets its failure event, with the detail read from its input', async (status, error) => {
      for (const rule of rules) {
        const machine = `${env.name}-${service.name}-${rule.name}`;
        // The status change event may leave the input out (over 248 KB): it is read with DescribeExecution either way.
        const event = statusChange(env, machine, status, bookingEvent);
        event.detail.input = null;
        event.detail.inputDetails = { included: false };
        const { outcome, described, published } = await announce(event);
        expect(outcome.status).toBe('SUCCEEDED');
        expect(described).toEqual([event.detail.executionArn]);
        const options = resolveRuleOptions(rule, subject.catalog);
        expect(published).toEqual([
          {
            EventBusName: `arn:aws:events:${env.region}:${env.accountId}:event-bus/${env.name}-${rule.target.service}`,
            Source: `${subject.catalog.namespace}.${rule.target.service}`,
            DetailType: options.failureDetailType,
            Detail: { ...bookingEvent.detail, error, failedEventId: bookingEvent.id },
          },
        ]);
      }
    });

    test('the CI deploy role of its account may create, change and read every rule, state machine, queue, log group and role of the stack', () => {
      if (!env.stateBackend) return; // not deployed by the workflows: no CI roles
      // Every part of the deploy role's policy (managed policies deploy_policy_1, _2, …).
      const parts = Object.entries(resources(stackOf(subject, `ci-roles-${env.accountId}`), 'aws_iam_policy')).filter(([id]) => /^deploy_policy_\d+$/.test(id));
      const statements = parts.flatMap(([, part]) => JSON.parse(part.policy as string).Statement as Json[]);
      const allowed = (sid: string, arn: string) => {
        // A statement split by resources keeps its Sid on the first part, then Sid2, Sid3, … (core/policy-document.ts).
        const resourcesOf = statements.filter((candidate) => new RegExp(`^${sid}\\d*$`).test(candidate.Sid)).flatMap((statement) => [statement.Resource].flat());
        // IAM ARN wildcards: `*` any run of characters (slashes included), `?` one character.
        return resourcesOf.some((pattern: string) =>
          new RegExp(
            `^${pattern
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')
              .replace(/\?/g, '.')}$`,
          ).test(arn),
        );
      };
      const { region, accountId } = env;
      const arns: [string, string][] = [
        ...Object.values(resources(stack(), 'aws_cloudwatch_event_rule')).map((rule): [string, string] => {
          // A rule on the default bus is `rule/<name>`, on a custom bus `rule/<bus>/<name>` (EventBridge ARN formats).
          const onDefault = rule.event_bus_name === 'default';
          return ['ManageEnvironmentResources', `arn:aws:events:${region}:${accountId}:rule/${onDefault ? '' : `${busName(env.name, service.name)}/`}${rule.name}`];
        }),
        ...Object.values(resources(stack(), 'aws_sfn_state_machine')).map((m): [string, string] => [
          'ManageEnvironmentResources',
          `arn:aws:states:${region}:${accountId}:stateMachine:${m.name}`,
        ]),
        ...Object.values(resources(stack(), 'aws_sqs_queue')).map((q): [string, string] => ['ManageEnvironmentResources', `arn:aws:sqs:${region}:${accountId}:${q.name}`]),
        ...Object.values(resources(stack(), 'aws_cloudwatch_log_group')).map((g): [string, string] => [
          'ManageEnvironmentResources',
          `arn:aws:logs:${region}:${accountId}:log-group:${g.name}`,
        ]),
        ...Object.values(resources(stack(), 'aws_iam_role')).map((r): [string, string] => ['ManageEnvironmentRoles', `arn:aws:iam::${accountId}:role/${r.name}`]),
      ];
      expect(arns.some(([, arn]) => arn.includes(':rule/') && !arn.includes(`rule/${busName(env.name, service.name)}/`))).toBe(true);
      expect(arns.filter(([sid, arn]) => !allowed(sid, arn))).toEqual([]);
    });

    test("another service's state machine that shares the name prefix is ignored", async () => {
      const { outcome, described, published } = await announce(statusChange(env, `${env.name}-${service.name}-x-y`, 'TIMED_OUT', bookingEvent));
      expect(outcome.status).toBe('SUCCEEDED');
      expect(described).toEqual([]);
      expect(published).toEqual([]);
    });
  });
}
