/**
 * `npm run local` end to end: the synthesized dev environment, the real ASL in the interpreter,
 * and the example tasks as real processes publishing through the event client. The saga's main
 * paths are checked in detail on the runs of their scenarios (scenarios.test.ts), and how runs,
 * executions and tasks are stopped in runner-stops.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { runLocal } from '../../local/runner';
import { type LoadedEnvironment, loadStacks } from '../../local/synth-loader';
import { largestFittingDetail } from '../../environments/detail-budget';
import { booking, detailTypes, devEnvironment, executionStatus, ofKind, output, repoRoot, runSaga as run, taskRuns, workDir } from '../support/local-run';
import { synthOutDir } from '../support/synth';

describe('the booking saga, run locally from the synthesized dev environment', () => {
  test('a task that never gets capacity exhausts the Retry and ends in the failure event and compensation', async () => {
    // RunTask retries AmazonECS.Unknown 4 times: 5 calls in all.
    const result = await run([booking({ bookingId: 'b-6', seats: [1], amount: 10 })], { runTaskFaults: [{ task: 'payment/charge', kind: 'capacity', count: 5 }] });
    expect(ofKind(result, 'task-not-started').map((n) => n.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(ofKind(result, 'task-started').filter((t) => t.task === 'payment/charge')).toEqual([]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    expect(result.events[1]!.detail).toMatchObject({ bookingId: 'b-6', error: 'AmazonECS.Unknown' });
    expect(executionStatus(result)['dev-booking-charge-payment']).toBe('FAILED');
  });

  test('a detail with quotes, backslashes, newlines and non-ASCII reaches the task intact', async () => {
    const detail = {
      bookingId: 'b-"7"\\x',
      seats: [5],
      amount: 99.5,
      note: 'line 1\nline 2\ttab "quoted" back\\slash \\" \\\\n é ✓ 😀',
      nested: { path: 'C:\\Users\\a', empty: '', list: ['\\', '"', '\n'] },
    };
    const result = await run([booking(detail)]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdated']);
    // charge-payment republishes the detail it read from `eventDetail`: any lost or added character shows here.
    const { paymentId, ...republished } = result.events[1]!.detail;
    expect(paymentId).toMatch(/^pay-/);
    expect(republished).toEqual(detail);
  });

  test('an event no rule matches ends the run at once', async () => {
    const result = await run([{ service: 'booking', detailType: 'BookingViewed', detail: {} }]);
    expect(result.summary.outcome).toBe('completed');
    expect(result.summary.unroutedEvents).toEqual([1]);
    expect(result.summary.executions).toEqual([]);
  });
});

describe('the runner reads the synthesized output, not the TypeScript catalog', () => {
  test('a rule edited in the synthesized output routes as edited, whatever the catalog says', async () => {
    // The dev output as a synth writes it for a catalog whose charge-payment rule matches
    // BookingPlaced; the catalog the run is given still says BookingCreated. (That a synth writes
    // the catalog's pattern into the rule is test/stacks' to show.)
    const outdir = synthOutDir();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
    type StackJson = Parameters<typeof loadStacks>[2][number]['json'];
    const stacks = devEnvironment().stacks.map((name) => ({ name, json: JSON.parse(fs.readFileSync(path.join(outdir, manifest.stacks[name]!.synthesizedStackPath), 'utf8')) as StackJson }));
    const rules = Object.values(stacks.find((stack) => stack.name === 'dev-booking')!.json.resource!.aws_cloudwatch_event_rule!);
    const chargePayment = rules.find((rule) => rule.name === 'dev-booking-charge-payment')!;
    chargePayment.event_pattern = JSON.stringify({ ...(JSON.parse(chargePayment.event_pattern as string) as object), 'detail-type': ['BookingPlaced'] });

    const result = await runLocal({
      loaded: loadStacks('dev', outdir, stacks),
      catalog: bookingSaga,
      cwd: repoRoot,
      workDir: workDir(),
      timeoutSeconds: 60,
      retryIntervalMs: 10,
      events: [
        { service: 'booking', detailType: 'BookingCreated', detail: { bookingId: 'b-9', seats: [1], amount: 10 } },
        { service: 'booking', detailType: 'BookingPlaced', detail: { bookingId: 'b-10', seats: [1], amount: 10 } },
      ],
    });
    expect(result.summary.unroutedEvents).toEqual([1]); // BookingCreated no longer starts the payment
    expect(
      ofKind(result, 'routed')
        .filter((r) => r.seq === 2)
        .map((r) => r.rule),
    ).toEqual(['dev-booking-charge-payment']);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'BookingPlaced', 'PaymentSucceeded', 'SeatUpdated']);
  });
});

describe('what a task publishes is checked before its side effect', () => {
  test('a booking whose PaymentSucceeded would be refused further down is declined, not charged, and compensation refunds nothing', async () => {
    // The largest BookingCreated the publisher accepts: its PaymentSucceeded adds a paymentId, and no longer fits reserve-seats' RunTask.
    const largest = largestFittingDetail(
      bookingSaga,
      environments.find((e) => e.name === 'dev')!,
      { service: 'booking', detailType: 'BookingCreated' },
      (n) => ({
        bookingId: 'b-11',
        seats: [1],
        amount: 10,
        note: 'x'.repeat(n),
      }),
    )!;
    const result = await run([booking(largest.detail as Record<string, unknown>)]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    const payment = output(result, 'payment/charge').join('\n');
    expect(payment).not.toMatch(/payment: charged/);
    expect(payment).toContain('payment: declined booking b-11: not charged: its PaymentSucceeded event would be refused');
    // Published by the task itself, as a business failure: exit 0, nothing for the Catch.
    expect(taskRuns(result)[0]).toBe('payment/charge#1=0');
    expect(result.events[1]!.detail).toMatchObject({ bookingId: 'b-11', reason: expect.stringMatching(/reserve-seats/) });
    expect(result.events[2]!.detail).toEqual({ bookingId: 'b-11', reason: 'payment-failed', refund: 0 });
  });
});

describe('EventBridge as AWS runs it: matching on the event text, StartExecution limits, faults named right', () => {
  /** An environment of one bus and one rule whose target is a state machine that just succeeds. */
  function oneRule(patternText: string): LoadedEnvironment {
    const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    return loadStacks('dev', '/out', [
      {
        name: 'dev-booking',
        json: {
          provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['123456789012'] }] },
          resource: {
            aws_cloudwatch_event_bus: { bus: { name: 'dev-booking' } },
            aws_cloudwatch_event_rule: { rule: { name: 'dev-booking-r', event_bus_name: '${aws_cloudwatch_event_bus.bus.name}', event_pattern: patternText } },
            aws_cloudwatch_event_target: {
              target: {
                rule: '${aws_cloudwatch_event_rule.rule.name}',
                arn: '${aws_sfn_state_machine.machine.arn}',
                retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 60 },
                dead_letter_config: { arn: '${aws_sqs_queue.dlq.arn}' },
              },
            },
            aws_sfn_state_machine: { machine: { name: 'dev-booking-r', definition } },
            aws_sqs_queue: { dlq: { name: 'dev-booking-r-dlq' } },
          },
        },
      },
    ]);
  }

  test('a number a double cannot hold matches as in EventBridge (on the text), not as the double it rounds to', async () => {
    const result = await run(
      [
        { service: 'booking', detailType: 'Big', detail: '{"n":9007199254740993}' },
        { service: 'booking', detailType: 'Big', detail: '{"n":9007199254740992}' },
      ],
      { loaded: oneRule('{"detail":{"n":[9007199254740992]}}') },
    );
    expect(result.summary.unroutedEvents).toEqual([1]);
    expect(ofKind(result, 'routed').map((r) => r.seq)).toEqual([2]);
  });

  test("an event too large for StartExecution's input (256 KiB) is not retried: it goes to the dead-letter queue at once", async () => {
    // The entry is exactly at PutEvents' 256 KB; the event EventBridge builds around it is larger.
    const detail = `{"x":"${'y'.repeat(256 * 1024 - 'booking-saga.booking'.length - 'Big'.length - 8)}"}`;
    const result = await run([{ service: 'booking', detailType: 'Big', detail }], { loaded: oneRule('{"detail-type":["Big"]}') });
    expect(ofKind(result, 'delivery-failed')).toEqual([expect.objectContaining({ attempt: 1, errorCode: 'INVALID_PARAMETER' })]);
    expect(result.deadLetters.map((letter) => [letter.queue, letter.attributes.ERROR_CODE, letter.attributes.RETRY_ATTEMPTS])).toEqual([['dev-booking-r-dlq', 'INVALID_PARAMETER', '0']]);
    expect(result.summary.executions).toEqual([]);
  });

  test('a delivery fault: retried within the policy (2 retries), then dead-lettered; shown in the summary', async () => {
    const result = await run([{ service: 'booking', detailType: 'Small', detail: {} }], {
      loaded: oneRule('{"detail-type":["Small"]}'),
      deliveryFaults: [{ rule: 'booking/r', count: 'all' }],
    });
    expect(ofKind(result, 'delivery-failed').map((f) => f.attempt)).toEqual([1, 2, 3]);
    expect(result.summary.deadLettered).toEqual([{ seq: 1, rule: 'dev-booking-r', queue: 'dev-booking-r-dlq', errorCode: 'THROTTLING' }]);
    expect(result.deadLetters[0]!.attributes).toMatchObject({ EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: '2' });
  });

  test('faults naming a task or rule that does not exist are refused before anything runs', async () => {
    const base = { loaded: devEnvironment(), catalog: bookingSaga, cwd: repoRoot, workDir: workDir(), timeoutSeconds: 5, events: [] };
    await expect(runLocal({ ...base, runTaskFaults: [{ task: 'payment/charges', kind: 'spot', count: 1 }] })).rejects.toThrow(
      /fault payment\/charges:spot: no task payment\/charges in the catalog \(tasks: payment\/charge, /,
    );
    await expect(runLocal({ ...base, deliveryFaults: [{ rule: 'payment/reserve-seat', count: 1 }] })).rejects.toThrow(/environment dev has no rule payment\/reserve-seat/);
  });
});
