/** Loading one environment's event flow from synthesized Terraform JSON. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventPatternError, matchesEventText } from '../../core/event-pattern';
import { loadStacks, loadSynthesizedEnvironment, SynthOutputError } from '../../local/synth-loader';
import { synthOutDir } from '../support/synth';

const provider = { aws: [{ region: 'eu-west-1', allowed_account_ids: ['123456789012'] }] };

/** A stack in the shape the service stacks synthesize. */
function paymentStack(pattern: unknown = { 'detail-type': ['PaymentSucceeded'] }) {
  const definition = JSON.stringify({
    Comment: 'PaymentSucceeded on ${aws_cloudwatch_event_bus.bus.name}',
    StartAt: 'RunTask',
    States: {
      RunTask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::ecs:runTask.sync',
        Parameters: {
          Cluster: '${data.terraform_remote_state.base.outputs.cluster_arn}',
          // As cdktf writes a token inside a JSON string: quotes of the expression are not escaped.
          TaskDefinition: '${data.terraform_remote_state.base.outputs.task_definition_arns[__Q__seat/reserve-seats__Q__]}',
          Overrides: { ContainerOverrides: [{ Name: 'seat' }] },
        },
        Next: 'Publish',
      },
      Publish: {
        Type: 'Task',
        Resource: 'arn:aws:states:::events:putEvents',
        Parameters: { Entries: [{ EventBusName: '${aws_cloudwatch_event_bus.bus.arn}', Source: 'x', DetailType: 'Y', 'Detail.$': '$.detail' }] },
        End: true,
      },
    },
  }).replaceAll('__Q__', '"');
  return {
    provider,
    resource: {
      aws_cloudwatch_event_bus: { bus: { name: 'dev-payment' } },
      aws_cloudwatch_event_rule: {
        rule_a: { name: 'dev-payment-reserve-seats', event_bus_name: '${aws_cloudwatch_event_bus.bus.name}', event_pattern: JSON.stringify(pattern), state: 'ENABLED' },
        rule_off: { name: 'dev-payment-off', event_bus_name: '${aws_cloudwatch_event_bus.bus.name}', event_pattern: '{"source":["x"]}', state: 'DISABLED' },
      },
      aws_cloudwatch_event_target: {
        target_a: { rule: '${aws_cloudwatch_event_rule.rule_a.name}', event_bus_name: '${aws_cloudwatch_event_bus.bus.name}', arn: '${aws_sfn_state_machine.machine_a.arn}' },
        target_q: { rule: '${aws_cloudwatch_event_rule.rule_off.name}', arn: '${aws_sqs_queue.q.arn}' },
      },
      aws_sfn_state_machine: { machine_a: { name: 'dev-payment-reserve-seats', definition } },
      aws_sqs_queue: { q: { name: 'dev-q' } },
    },
  };
}

describe('loadStacks (hand-written stack)', () => {
  const loaded = loadStacks('dev', '/out', [{ name: 'dev-payment', json: paymentStack() }]);

  test('reads region and account from the provider', () => {
    expect([loaded.region, loaded.account]).toEqual(['eu-west-1', '123456789012']);
  });

  test('resolves same-stack references: bus name, rule name, target state machine', () => {
    expect(loaded.buses).toEqual([{ name: 'dev-payment', stack: 'dev-payment', address: 'aws_cloudwatch_event_bus.bus' }]);
    const rule = loaded.rules.find((r) => r.name === 'dev-payment-reserve-seats')!;
    expect(rule.busName).toBe('dev-payment');
    expect(rule.enabled).toBe(true);
    expect(rule.pattern).toEqual({ 'detail-type': ['PaymentSucceeded'] });
    expect(rule.stateMachines.map((m) => m.name)).toEqual(['dev-payment-reserve-seats']);
    expect(loaded.rules.find((r) => r.name === 'dev-payment-off')!.enabled).toBe(false);
  });

  test('in the definition: same-stack ARNs are built, cross-stack values become placeholders', () => {
    const machine = loaded.stateMachines[0]!;
    const states = machine.definition.States as Record<string, { Parameters: Record<string, unknown> }>;
    expect(machine.definition.Comment).toBe('PaymentSucceeded on dev-payment');
    expect(states.RunTask!.Parameters.Cluster).toBe('<base:cluster_arn>');
    expect(states.RunTask!.Parameters.TaskDefinition).toBe('<base:task_definition_arns["seat/reserve-seats"]>');
    expect((states.Publish!.Parameters.Entries as { EventBusName: string }[])[0]!.EventBusName).toBe('arn:aws:events:eu-west-1:123456789012:event-bus/dev-payment');
    expect(machine.arn).toBe('arn:aws:states:eu-west-1:123456789012:stateMachine:dev-payment-reserve-seats');
    expect(machine.placeholders).toEqual(['<base:cluster_arn>', '<base:task_definition_arns["seat/reserve-seats"]>']);
  });

  test("a target without retry_policy or dead_letter_config gets EventBridge's defaults and no queue; the rule its ARN on its bus", () => {
    const rule = loaded.rules.find((r) => r.name === 'dev-payment-reserve-seats')!;
    expect(rule.arn).toBe('arn:aws:events:eu-west-1:123456789012:rule/dev-payment/dev-payment-reserve-seats');
    expect(rule.targets).toHaveLength(1);
    expect(rule.targets[0]!.retryPolicy).toEqual({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 });
    expect(rule.targets[0]!.deadLetterQueue).toBeUndefined();
  });

  test('retry_policy and dead_letter_config are read (either block form), with the queue resolved to its ARN and name', () => {
    const stack = paymentStack();
    Object.assign(stack.resource.aws_cloudwatch_event_target.target_a, {
      retry_policy: [{ maximum_retry_attempts: 2 }],
      dead_letter_config: { arn: '${aws_sqs_queue.q.arn}' },
    });
    const target = loadStacks('dev', '/out', [{ name: 'dev-payment', json: stack }]).rules.find((r) => r.name === 'dev-payment-reserve-seats')!.targets[0]!;
    expect(target.retryPolicy).toEqual({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 86_400 });
    expect(target.deadLetterQueue).toEqual({ name: 'dev-q', arn: 'arn:aws:sqs:eu-west-1:123456789012:dev-q' });
    Object.assign(stack.resource.aws_cloudwatch_event_target.target_a, { retry_policy: { maximum_retry_attempts: -1 } });
    expect(() => loadStacks('dev', '/out', [{ name: 'dev-payment', json: stack }])).toThrow(/target_a: retry_policy.maximum_retry_attempts must be a whole number, got -1/);
  });

  test('the pattern is compiled from its text: numbers a double cannot hold compare as EventBridge compares them', () => {
    const stack = paymentStack({ detail: { n: [9007199254740992] } });
    stack.resource.aws_cloudwatch_event_rule.rule_a.event_pattern = '{"detail":{"n":[9007199254740992]}}';
    const rule = loadStacks('dev', '/out', [{ name: 'dev-payment', json: stack }]).rules.find((r) => r.name === 'dev-payment-reserve-seats')!;
    expect(matchesEventText(rule.compiled, '{"detail":{"n":9007199254740992}}')).toBe(true);
    expect(matchesEventText(rule.compiled, '{"detail":{"n":9007199254740993}}')).toBe(false);
  });

  test('a target that is not a state machine is reported, not run', () => {
    expect(loaded.warnings.join('\n')).toMatch(/aws_cloudwatch_event_target\.target_q of rule dev-payment-off targets arn:aws:sqs:eu-west-1:123456789012:dev-q/);
  });

  test('a target that reshapes the event (input_path, input_transformer, input) is refused, not silently ignored', () => {
    const stack = paymentStack();
    (stack.resource.aws_cloudwatch_event_target.target_a as Record<string, unknown>).input_path = '$.detail';
    expect(() => loadStacks('dev', '/out', [{ name: 'dev-payment', json: stack }])).toThrow(
      /target_a of rule dev-payment-reserve-seats sets input_path, which the local runner does not apply/,
    );
  });

  test('an unsupported pattern operator fails loudly, naming environment, stack and rule', () => {
    expect(() => loadStacks('dev', '/out', [{ name: 'dev-payment', json: paymentStack({ detail: { x: [{ contains: 'a' }] } }) }])).toThrow(EventPatternError);
    expect(() => loadStacks('dev', '/out', [{ name: 'dev-payment', json: paymentStack({ detail: { x: [{ contains: 'a' }] } }) }])).toThrow(
      /environment dev, stack dev-payment, rule dev-payment-reserve-seats: event_pattern/,
    );
  });
});

describe('loadSynthesizedEnvironment', () => {
  test('a missing output directory says how to synthesize', () => {
    expect(() => loadSynthesizedEnvironment(path.join(os.tmpdir(), 'no-such-cdktf-out'), 'dev')).toThrow(SynthOutputError);
    expect(() => loadSynthesizedEnvironment(path.join(os.tmpdir(), 'no-such-cdktf-out'), 'dev')).toThrow(/synthesize first/);
  });

  test('an environment without stacks lists the ones that exist', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loader-'));
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ stacks: { 'dev-base': { name: 'dev-base', workingDirectory: 'stacks/dev-base', synthesizedStackPath: 'x', dependencies: [] } } }),
    );
    fs.writeFileSync(path.join(dir, 'x'), JSON.stringify({ '//': { metadata: { environment: 'dev' } } }));
    expect(() => loadSynthesizedEnvironment(dir, 'qa')).toThrow(/no stacks for environment "qa" \(environments with stacks: dev\)/);
    // Selection is by the recorded environment, not the name: "dev" is not taken for "dev-eu"'s stacks.
    expect(() => loadSynthesizedEnvironment(dir, 'dev-base')).toThrow(/no stacks for environment "dev-base"/);
    fs.rmSync(dir, { recursive: true });
  });

  test('the synthesized dev environment: every bus, rule and state machine of the booking saga', () => {
    const loaded = loadSynthesizedEnvironment(synthOutDir(), 'dev');
    expect(loaded.stacks.every((stack) => stack.startsWith('dev-'))).toBe(true);
    expect(loaded.buses.map((b) => b.name).sort()).toEqual(['dev-booking', 'dev-compensation', 'dev-notification', 'dev-payment', 'dev-seat']);
    const routes = Object.fromEntries(loaded.rules.map((r) => [r.name, { bus: r.busName, detailType: r.pattern['detail-type'], machines: r.stateMachines.map((m) => m.name) }]));
    expect(routes['dev-booking-charge-payment']).toEqual({ bus: 'dev-booking', detailType: ['BookingCreated'], machines: ['dev-booking-charge-payment'] });
    expect(routes['dev-seat-notify-booking-confirmed']).toEqual({ bus: 'dev-seat', detailType: ['SeatUpdated'], machines: ['dev-seat-notify-booking-confirmed'] });
    // The rules of the saga, and on the default bus one per service whose rules publish failure events.
    expect(routes['dev-payment-ended-executions']).toEqual({
      bus: 'default',
      detailType: ['Step Functions Execution Status Change'],
      machines: ['dev-payment-ended-executions'],
    });
    expect(
      loaded.rules
        .filter((r) => r.busName === 'default')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['dev-booking-ended-executions', 'dev-payment-ended-executions', 'dev-seat-ended-executions']);
    // Eight rules of the saga (both styles), and three on the default bus.
    expect(loaded.rules).toHaveLength(11);
    expect(routes['dev-booking-orchestrate-booking']).toEqual({ bus: 'dev-booking', detailType: ['BookingRequested'], machines: ['dev-booking-orchestrate-booking'] });
    // Each rule target's retry policy and dead-letter queue, as synthesized.
    const reserveSeats = loaded.rules.find((r) => r.name === 'dev-payment-reserve-seats')!.targets[0]!;
    expect(reserveSeats.retryPolicy).toEqual({ maximumRetryAttempts: 8, maximumEventAgeSeconds: 3600 });
    expect(reserveSeats.deadLetterQueue).toEqual({ name: 'dev-payment-reserve-seats-dlq', arn: expect.stringMatching(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:dev-payment-reserve-seats-dlq$/) });
    expect(loaded.rules.find((r) => r.name === 'dev-payment-compensate-payment-failure')!.targets[0]!.retryPolicy).toEqual({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 });
    expect(loaded.warnings).toEqual([]);
    for (const machine of loaded.stateMachines) {
      // Nothing of Terraform's syntax is left for the interpreter to trip on.
      expect(JSON.stringify(machine.definition)).not.toContain('${');
      if (machine.name.endsWith('-ended-executions')) continue;
      expect(machine.placeholders).toContain('<base:cluster_arn>');
    }
  });
});
