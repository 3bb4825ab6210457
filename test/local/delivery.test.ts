/** EventBridge's delivery to a rule's target: retry policy, dead-letter queue, at least once. */
import { seededRandom } from '../../local/faults';
import { type DeliveryOptions, EventDelivery, StartExecutionError } from '../../local/delivery';
import type { EventEnvelope } from '../../local/event-bus-server';
import type { LoadedRule, LoadedTarget } from '../../local/synth-loader';
import type { TimelineEntry } from '../../local/timeline';

const machine = {
  name: 'dev-payment-reserve-seats',
  arn: 'arn:aws:states:eu-west-1:111111111111:stateMachine:dev-payment-reserve-seats',
  stack: 'dev-payment',
  address: 'm',
  definition: {},
  placeholders: [],
};
const target = (overrides: Partial<LoadedTarget> = {}): LoadedTarget => ({
  machine,
  address: 'aws_cloudwatch_event_target.t',
  retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 3600 },
  deadLetterQueue: { name: 'dev-payment-reserve-seats-dlq', arn: 'arn:aws:sqs:eu-west-1:111111111111:dev-payment-reserve-seats-dlq' },
  ...overrides,
});
const rule = { name: 'dev-payment-reserve-seats', arn: 'arn:aws:events:eu-west-1:111111111111:rule/dev-payment/dev-payment-reserve-seats' } as LoadedRule;
const event: EventEnvelope = {
  version: '0',
  id: 'e-1',
  'detail-type': 'PaymentSucceeded',
  source: 'booking-saga.payment',
  account: '111111111111',
  time: '2026-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { bookingId: 'b-1' },
};

type Entry = Omit<TimelineEntry, 'at'>;

/** A delivery whose StartExecution is `start`; resolves once nothing is pending. */
function deliver(options: Partial<DeliveryOptions> & { target?: LoadedTarget; start?: DeliveryOptions['startExecution'] } = {}) {
  const entries: Entry[] = [];
  const started: { duplicate?: boolean; retries?: number }[] = [];
  const pending = new Set<Promise<void>>();
  const delivery = new EventDelivery({
    retryIntervalMs: 1,
    startExecution: options.start ?? ((_rule, _target, _event, _seq, how) => void started.push(how)),
    record: (entry) => entries.push(entry as Entry),
    track: (promise) => {
      pending.add(promise);
      void promise.finally(() => pending.delete(promise));
    },
    signal: new AbortController().signal,
    ...options,
  });
  delivery.deliver(rule, options.target ?? target(), event, 1);
  const settled = async () => {
    while (pending.size > 0) await Promise.all([...pending]);
  };
  return { delivery, entries, started, settled };
}

describe("retries within the target's policy, then the dead-letter queue", () => {
  test('a throttled StartExecution is retried until it succeeds', async () => {
    const { entries, started, settled } = deliver({ faults: new Map([[rule.name, 2]]) });
    await settled();
    expect(entries.filter((e) => e.kind === 'delivery-failed').map((e) => (e as unknown as { attempt: number }).attempt)).toEqual([1, 2]);
    expect(started).toEqual([{ retries: 2 }]);
  });

  test("when every attempt fails: MaximumRetryAttempts retries, then the DLQ with EventBridge's attributes and the event as body", async () => {
    const { delivery, entries, started, settled } = deliver({ faults: new Map([[rule.name, 'all']]) });
    await settled();
    expect(started).toEqual([]);
    expect(entries.filter((e) => e.kind === 'delivery-failed')).toHaveLength(4); // the first attempt and 3 retries
    expect(delivery.deadLetters).toEqual([
      {
        queue: 'dev-payment-reserve-seats-dlq',
        rule: rule.name,
        seq: 1,
        body: JSON.stringify(event),
        attributes: {
          RULE_ARN: rule.arn,
          TARGET_ARN: machine.arn,
          ERROR_CODE: 'THROTTLING',
          ERROR_MESSAGE: 'Rate exceeded (StartExecution throttled)',
          EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
          RETRY_ATTEMPTS: '3',
        },
      },
    ]);
    expect(entries.find((e) => e.kind === 'dead-lettered')).toMatchObject({ queue: 'dev-payment-reserve-seats-dlq', retryAttempts: 3, exhaustedRetryCondition: 'MaximumRetryAttempts' });
  });

  test('0 retry attempts: one attempt only', async () => {
    const { delivery, settled } = deliver({ faults: new Map([[rule.name, 'all']]), target: target({ retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 } }) });
    await settled();
    expect(delivery.deadLetters[0]!.attributes).toMatchObject({ RETRY_ATTEMPTS: '0', EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts' });
  });

  test("the event's age ends the retries when it passes MaximumEventAgeInSeconds", async () => {
    let now = 0;
    const { delivery, entries, settled } = deliver({
      faults: new Map([[rule.name, 'all']]),
      target: target({ retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 60 } }),
      now: () => (now += 25_000),
    });
    await settled();
    expect(delivery.deadLetters[0]!.attributes).toMatchObject({ EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds' });
    expect(entries.filter((e) => e.kind === 'delivery-failed').length).toBeLessThan(5);
  });

  test('an error every retry would repeat goes to the DLQ at once, without EXHAUSTED_RETRY_CONDITION', async () => {
    const { delivery, entries } = deliver({
      start: () => {
        throw new StartExecutionError('INVALID_PARAMETER', 'input too large', false);
      },
    });
    expect(entries.filter((e) => e.kind === 'delivery-failed')).toHaveLength(1);
    expect(delivery.deadLetters[0]!.attributes).toEqual({
      RULE_ARN: rule.arn,
      TARGET_ARN: machine.arn,
      ERROR_CODE: 'INVALID_PARAMETER',
      ERROR_MESSAGE: 'input too large',
      RETRY_ATTEMPTS: '0',
    });
  });

  test('without a dead-letter queue the event is dropped, and the timeline says so', async () => {
    const { delivery, entries, settled } = deliver({ faults: new Map([[rule.name, 'all']]), target: target({ deadLetterQueue: undefined }) });
    await settled();
    expect(delivery.deadLetters).toEqual([]);
    expect(entries.find((e) => e.kind === 'dead-lettered')).toMatchObject({ queue: undefined, errorCode: 'THROTTLING' });
  });

  test('when the run ends, pending retries are dropped', async () => {
    const controller = new AbortController();
    const { started, settled } = deliver({ faults: new Map([[rule.name, 1]]), retryIntervalMs: 10_000, signal: controller.signal });
    controller.abort();
    await settled();
    expect(started).toEqual([]);
  });
});

describe('at least once', () => {
  test('probability 1 delivers every event twice; 0 never', () => {
    expect(deliver({ duplicateProbability: 1 }).started).toEqual([{}, { duplicate: true }]);
    expect(deliver({ duplicateProbability: 0 }).started).toEqual([{}]);
  });

  test('seeded: the same seed gives the same duplicates, drawn per rule', () => {
    const pattern = (seed: number) => {
      const started: boolean[] = [];
      const delivery = new EventDelivery({
        retryIntervalMs: 1,
        duplicateProbability: 0.5,
        seed,
        startExecution: (_rule, _target, _event, _seq, how) => void started.push(how.duplicate === true),
        record: () => undefined,
        track: () => undefined,
        signal: new AbortController().signal,
      });
      for (let seq = 1; seq <= 40; seq++) delivery.deliver(rule, target(), event, seq);
      return started;
    };
    const first = pattern(7);
    expect(pattern(7)).toEqual(first);
    expect(pattern(8)).not.toEqual(first);
    const duplicates = first.filter(Boolean).length;
    // Each delivery index draws from its own stream: the count matches the draws below 0.5.
    const expected = Array.from({ length: 40 }, (_, i) => seededRandom(7, rule.name, i + 1)).filter((r) => r < 0.5).length;
    expect(duplicates).toBe(expected);
    expect(duplicates).toBeGreaterThan(5);
    expect(duplicates).toBeLessThan(35);
  });

  test('seededRandom is uniform enough and stays in [0, 1)', () => {
    const draws = Array.from({ length: 2000 }, (_, i) => seededRandom(1, 'r', i));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
