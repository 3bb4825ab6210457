import * as net from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { bookingSaga } from '../../catalog/booking-saga';
import type { Catalog } from '../../catalog/types';
import { environments } from '../../environments';
import type { EnvironmentConfig } from '../../environments/types';
import { EventPublisher, EventValidationError, NOT_ATTEMPTED, PublishError, type EventPublisherOptions } from '../../event-client';
import { MAX_ENTRY_SIZE_BYTES, RUN_TASK_OVERRIDES_LIMIT } from '../../core/aws-limits';
import { putEventsEntrySize } from '../../core/entry-size';
import { runTaskOverridesLength, worstCaseExecutionArn } from '../../core/container-contract';
import { acceptAll, callError, failPositions, failWhere, type FakeAwsServer, newEventId, sequence, startFakeAws, useFakeAwsEnv } from '../support/fake-eventbridge';

let server: FakeAwsServer;
let restoreEnv: () => void;
const sleeps: number[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  server = await startFakeAws();
  restoreEnv = useFakeAwsEnv(server);
});
afterAll(async () => {
  restoreEnv();
  await server.close();
});
beforeEach(() => {
  server.onPutEvents(acceptAll);
  server.reset();
  sleeps.length = 0;
  warnings.length = 0;
});

/** A publisher whose backoff waits are recorded, not slept, and whose jitter is pinned at 0.5. */
function publisher(options: Partial<EventPublisherOptions> = {}): EventPublisher {
  return new EventPublisher({
    catalog: bookingSaga,
    environments,
    env: 'dev',
    service: 'booking',
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    logger: { warn: (message) => void warnings.push(message) },
    ...options,
  });
}

const bookings = (count: number) => Array.from({ length: count }, (_, i) => ({ detailType: 'BookingCreated', detail: { bookingId: `b-${i}` } }));
const bookingIdsOf = (call: { entries: readonly { Detail?: string }[] }) => call.entries.map((entry) => JSON.parse(entry.Detail!).bookingId);

describe('batching', () => {
  it('sends 25 events in 3 PutEvents calls of 10, 10 and 5, to the bus and source of the service', async () => {
    const issued: string[] = [];
    server.onPutEvents((call) => ({ results: call.entries.map(() => ({ EventId: (issued.push(newEventId()), issued[issued.length - 1]) })) }));

    const result = await publisher().publish(bookings(25));

    expect(server.putEventsCalls.map((call) => call.entries.length)).toEqual([10, 10, 5]);
    expect(server.putEventsCalls.flatMap(bookingIdsOf)).toEqual(bookings(25).map((e) => e.detail.bookingId));
    const first = server.putEventsCalls[0].entries[0];
    expect(first).toEqual({ EventBusName: 'dev-booking', Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: '{"bookingId":"b-0"}' });
    expect(result.failed).toEqual([]);
    expect(result.sent.map((s) => s.eventId)).toEqual(issued);
    expect(result.sent.map((s) => s.index)).toEqual([...Array(25).keys()]);
  });

  it('splits a batch by the 256 KB total EventBridge allows a request: ten 30 KB events go as 8 and 2', async () => {
    const big = Array.from({ length: 10 }, (_, i) => ({ detailType: 'PaymentSucceeded', detail: { bookingId: `b-${i}`, note: 'x'.repeat(30_000) } }));
    const result = await publisher().publish(big);
    expect(server.putEventsCalls.map((call) => call.entries.length)).toEqual([8, 2]);
    for (const call of server.putEventsCalls) {
      const total = call.entries.reduce((sum, entry) => sum + putEventsEntrySize({ Source: entry.Source!, DetailType: entry.DetailType!, Detail: entry.Detail! }), 0);
      expect(total).toBeLessThanOrEqual(MAX_ENTRY_SIZE_BYTES);
    }
    expect(server.putEventsCalls.flatMap(bookingIdsOf)).toEqual(big.map((e) => e.detail.bookingId));
    expect(result.sent.map((s) => s.index)).toEqual([...Array(10).keys()]);
  });

  it('reaches the server only through AWS_ENDPOINT_URL_EVENTBRIDGE, signed with the credentials from the environment', async () => {
    await publisher().publishOne('BookingCreated', { bookingId: 'b-1' });
    const { headers } = server.putEventsCalls[0];
    expect(headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKEFAKE\/\d{8}\/ap-southeast-1\/events\/aws4_request/);
  });

  it('keeps request order across batches when several calls are in flight', async () => {
    const result = await publisher({ concurrency: 3 }).publish(bookings(47));
    expect(server.counts).toEqual({ calls: 5, entries: 47 });
    expect(result.sent.map((s) => s.entry.detail)).toEqual(bookings(47).map((e) => e.detail));
  });
});

describe('failures', () => {
  it('resends only the entries that failed retryably, in their original order', async () => {
    server.onPutEvents(sequence(failPositions([2, 7], 'ThrottlingException'), acceptAll));

    const result = await publisher().publish(bookings(10));

    expect(server.putEventsCalls.map(bookingIdsOf)).toEqual([bookings(10).map((e) => e.detail.bookingId), ['b-2', 'b-7']]);
    expect(result.failed).toEqual([]);
    expect(result.sent.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Full jitter: 0.5 × min(5000, 100 × 2^0).
    expect(sleeps).toEqual([50]);
  });

  it('retries a batch that was throttled entirely, then succeeds', async () => {
    server.onPutEvents(sequence(failPositions([0, 1, 2], 'ThrottlingException'), failPositions([1], 'InternalFailure'), acceptAll));

    const result = await publisher().publish(bookings(3));

    expect(server.putEventsCalls.map(bookingIdsOf)).toEqual([['b-0', 'b-1', 'b-2'], ['b-0', 'b-1', 'b-2'], ['b-1']]);
    expect(result.sent).toHaveLength(3);
    expect(result.failed).toEqual([]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('reports a permanent entry failure with its code and message, without retrying it', async () => {
    server.onPutEvents(failWhere((entry) => entry.Detail!.includes('b-1'), 'NotAuthorizedForSourceException', 'Not authorized for the source.'));

    const result = await publisher().publish(bookings(3));

    expect(server.counts.calls).toBe(1);
    expect(result.sent.map((s) => s.index)).toEqual([0, 2]);
    expect(result.failed).toEqual([{ index: 1, entry: bookings(3)[1], code: 'NotAuthorizedForSourceException', message: 'Not authorized for the source.', attempts: 1 }]);
    expect(sleeps).toEqual([]);
  });

  it('gives up on a server that keeps failing after maxAttempts calls, reporting every entry', async () => {
    server.onPutEvents(failPositions([...Array(10).keys()], 'InternalFailure', 'Internal failure.'));

    const result = await publisher({ maxAttempts: 4 }).publish(bookings(12));

    // Each batch is tried 4 times: 8 calls in all.
    expect(server.putEventsCalls.map((call) => call.entries.length)).toEqual([10, 10, 10, 10, 2, 2, 2, 2]);
    expect(result.sent).toEqual([]);
    expect(result.failed).toHaveLength(12);
    expect(result.failed[0]).toEqual({ index: 0, entry: bookings(12)[0], code: 'InternalFailure', message: 'Internal failure. (gave up after 4 attempts)', attempts: 4 });
    expect(sleeps).toEqual([50, 100, 200, 50, 100, 200]);
  });

  it('caps each backoff wait at maxDelayMs', async () => {
    server.onPutEvents(failPositions([0], 'ThrottlingException'));
    await publisher({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.999 }).publish(bookings(1));
    expect(sleeps).toEqual([999, 1998, 2997, 2997, 2997]);
  });

  it('lets the SDK retry a call that fails with HTTP 500 before the publisher sees it', async () => {
    server.onPutEvents(sequence(() => callError(500, 'InternalFailure'), acceptAll));

    const result = await publisher().publish(bookings(2));

    expect(server.counts.calls).toBe(2);
    expect(result.sent).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it("leaves a call that keeps failing to the SDK's retries alone, then stops sending further batches", async () => {
    server.onPutEvents(() => callError(503, 'ServiceUnavailable', 'Service is down.'));
    const client = new EventBridgeClient({ maxAttempts: 2 });

    const result = await publisher({ client, maxAttempts: 3 }).publish(bookings(15));

    // The SDK's 2 attempts for the first batch, and no more on top; the second batch is never sent.
    expect(server.counts.calls).toBe(2);
    expect(result.sent).toEqual([]);
    expect(result.failed.slice(0, 10).every((f) => f.code === 'ServiceUnavailable' && f.attempts === 2)).toBe(true);
    expect(result.failed[0].message).toBe(`Service is down. (PutEvents to ${server.url}/ failed after 2 attempts)`);
    expect(result.failed.slice(10).map((f) => [f.index, f.code, f.attempts])).toEqual([10, 11, 12, 13, 14].map((i) => [i, NOT_ATTEMPTED, 0]));
    expect(result.failed[10].message).toContain('failed with ServiceUnavailable: Service is down.');
    expect(sleeps).toEqual([]);
  });

  it("one event against an endpoint answering HTTP 500 costs the SDK's attempts (3 by default), not 15", async () => {
    server.onPutEvents(() => callError(500, 'InternalFailure', 'Internal failure.'));
    const result = await publisher().publish(bookings(1));
    expect(server.counts.calls).toBe(3);
    expect(result.failed).toEqual([
      { index: 0, entry: bookings(1)[0], code: 'InternalFailure', message: `Internal failure. (PutEvents to ${server.url}/ failed after 3 attempts)`, attempts: 3 },
    ]);
  });

  it('the number of call attempts is configurable', async () => {
    server.onPutEvents(() => callError(500, 'InternalFailure', 'Internal failure.'));
    await publisher({ maxAttempts: 2 }).publish(bookings(1));
    expect(server.counts.calls).toBe(2);
  });

  it('does not retry a call refused for good (access denied)', async () => {
    server.onPutEvents(() => callError(400, 'AccessDeniedException', 'User is not authorized to perform: events:PutEvents'));

    const result = await publisher().publish(bookings(3));

    expect(server.counts.calls).toBe(1);
    expect(result.failed.map((f) => f.code)).toEqual(['AccessDeniedException', 'AccessDeniedException', 'AccessDeniedException']);
    expect(result.failed[0].message).toBe('User is not authorized to perform: events:PutEvents');
  });

  it('publishOne throws a PublishError naming the bus, the code and the message', async () => {
    server.onPutEvents(failPositions([0], 'MalformedDetail', 'Detail is malformed.'));
    const attempt = publisher().publishOne('BookingCreated', { bookingId: 'b-1' });
    await expect(attempt).rejects.toThrow(PublishError);
    await expect(publisher().publishOne('BookingCreated', { bookingId: 'b-1' })).rejects.toThrow(
      "Publishing 'BookingCreated' to bus 'dev-booking' failed after 1 attempt(s): MalformedDetail: Detail is malformed.",
    );
  });
});

describe('validation before sending', () => {
  /** A bus without rules, so only the PutEvents size limit applies. */
  const noRules = () => publisher({ service: 'notification' });
  /** Detail `{"p":"xxx…"}` sized so the entry is exactly `bytes` long. */
  const detailOfEntrySize = (bytes: number) => ({ p: 'x'.repeat(bytes - 'booking-saga.notification'.length - 'Anything'.length - '{"p":""}'.length) });

  it('accepts an entry of exactly 256 KB and refuses one byte more, before any call', async () => {
    const fits = await noRules().publish([{ detailType: 'Anything', detail: detailOfEntrySize(262144) }]);
    expect(fits.sent).toHaveLength(1);
    server.reset();

    const refusal = noRules().publish([
      { detailType: 'Anything', detail: { small: true } },
      { detailType: 'Anything', detail: detailOfEntrySize(262145) },
    ]);
    await expect(refusal).rejects.toThrow(EventValidationError);
    await expect(refusal).rejects.toThrow(/event 1 \(Anything\): entry is 262145 bytes, over the PutEvents limit of 262144 bytes/);
    expect(server.counts.calls).toBe(0);
  });

  it('refuses a detail string that is not JSON, or JSON that is not an object', async () => {
    const refusal = publisher().publish([
      { detailType: 'BookingCreated', detail: '{"bookingId": "b-1"' },
      { detailType: 'BookingCreated', detail: '[1,2]' },
      { detailType: 'BookingCreated', detail: undefined },
    ]);
    await expect(refusal).rejects.toThrow(/event 0 \(BookingCreated\): detail is not valid JSON \(.*\); found: "\{\\"bookingId\\": \\"b-1\\""/);
    await expect(refusal).rejects.toThrow(/event 1 \(BookingCreated\): detail must be a JSON object; found an array/);
    await expect(refusal).rejects.toThrow(/event 2 \(BookingCreated\): detail is missing/);
    expect(server.counts.calls).toBe(0);
  });

  it('sends a valid detail string exactly as given', async () => {
    await publisher().publishOne('BookingCreated', '{ "bookingId": "b-1" }');
    expect(server.putEventsCalls[0].entries[0].Detail).toBe('{ "bookingId": "b-1" }');
  });

  it('warns once per detail-type no rule on the bus matches, and still sends', async () => {
    const result = await publisher().publish([
      { detailType: 'BookingCreatd', detail: {} },
      { detailType: 'BookingCreatd', detail: {} },
    ]);
    expect(result.sent).toHaveLength(2);
    expect(warnings).toEqual([
      "detail-type 'BookingCreatd' matches no rule on bus 'dev-booking' (its rules match: BookingCreated, BookingRequested, BookingConfirmed), so no task will run for it",
    ]);
  });

  it('refuses an unmatched detail-type when asked to, sending nothing', async () => {
    const refusal = publisher({ unmatchedDetailType: 'refuse' }).publish([...bookings(2), { detailType: 'BookingCreatd', detail: {} }]);
    await expect(refusal).rejects.toThrow(/event 2 \(BookingCreatd\): detail-type 'BookingCreatd' matches no rule on bus 'dev-booking'/);
    expect(server.counts.calls).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('names unknown environments and services with the known ones', () => {
    expect(() => publisher({ env: 'qa' })).toThrow("Unknown environment 'qa'. Known environments: dev, staging, prod.");
    expect(() => publisher({ service: 'bookings' })).toThrow(`Unknown service 'bookings' (environment 'dev'). Known services: ${bookingSaga.services.map((s) => s.name).join(', ')}.`);
  });

  it('takes environment and service from APP_ENVIRONMENT and APP_SERVICE by default', () => {
    const saved = { env: process.env.APP_ENVIRONMENT, service: process.env.APP_SERVICE };
    try {
      process.env.APP_ENVIRONMENT = 'staging';
      process.env.APP_SERVICE = 'payment';
      expect(new EventPublisher({ catalog: bookingSaga, environments, logger: { warn: () => undefined } }).bus.busName).toBe('staging-payment');
      delete process.env.APP_SERVICE;
      expect(() => new EventPublisher({ catalog: bookingSaga, environments })).toThrow('EventPublisher needs service: pass { service } or set APP_SERVICE.');
    } finally {
      for (const [name, value] of [
        ['APP_ENVIRONMENT', saved.env],
        ['APP_SERVICE', saved.service],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('RunTask overrides budget of environment-variable delivery', () => {
  const dev = environments.find((e) => e.name === 'dev')!;
  /** Overrides length ECS would see for the booking bus's charge-payment rule, computed from the shared contract. */
  const chargePaymentLength = (detail: unknown) =>
    runTaskOverridesLength({
      containerName: 'payment',
      command: ['node', 'dist/charge-payment.js'],
      delivery: 'environment',
      event: { id: 'e'.repeat(36), source: 'booking-saga.booking', detailType: 'BookingCreated', detail },
      executionArn: worstCaseExecutionArn(dev.region, dev.accountId, 'dev-booking-charge-payment'),
    });
  /** Quotes are escaped twice (detail JSON, then overrides JSON): each costs 4 characters. */
  const detailOfLength = (target: number, length: (detail: unknown) => number) => {
    const base = length({ note: '' });
    const quotes = 10;
    return { note: '"'.repeat(quotes) + 'x'.repeat(target - base - quotes * 4) };
  };

  it('accepts a detail that fills the 8192-character budget exactly and refuses one character more, naming the rule', async () => {
    const exact = detailOfLength(RUN_TASK_OVERRIDES_LIMIT, chargePaymentLength);
    expect(chargePaymentLength(exact)).toBe(RUN_TASK_OVERRIDES_LIMIT);
    await expect(publisher().publishOne('BookingCreated', exact)).resolves.toMatchObject({ index: 0 });

    server.reset();
    const over = { note: `${exact.note}x` };
    const refusal = publisher().publishOne('BookingCreated', over);
    await expect(refusal).rejects.toThrow("detail too large for rule 'charge-payment' on bus 'dev-booking': the RunTask overrides for its task would be 8193 characters (limit 8192");
    await expect(refusal).rejects.toThrow("set options.detailDelivery: 'reference' on rule 'charge-payment'");
    expect(server.counts.calls).toBe(0);
  });

  it("refuses a detail that fits this bus's rule but not the hop after it, naming that rule and how the detail gets there", async () => {
    // reserve-seats passes PaymentSucceeded's detail to its task; its failure event SeatUpdateFailed
    // goes on to compensate-seat-failure (by reference: the execution input must stay under 256 KiB).
    const flowCatalog: Catalog = {
      ...bookingSaga,
      services: bookingSaga.services.map((s) =>
        s.name === 'seat' ? { ...s, rules: s.rules.map((r) => (r.name === 'compensate-seat-failure' ? { ...r, options: { ...r.options, detailDelivery: 'environment' as const } } : r)) } : s,
      ),
    };
    const payment = publisher({ catalog: flowCatalog, service: 'payment' });
    const refusal = payment.publishOne('PaymentSucceeded', { bookingId: 'b-1' });
    await expect(refusal).rejects.toThrow(
      "rule 'compensate-seat-failure' on bus 'dev-seat', which it reaches as SeatUpdateFailed (failure event of rule 'reserve-seats' on bus 'dev-payment'): the RunTask overrides",
    );
    expect(server.counts.calls).toBe(0);
  });

  const referenceCatalog: Catalog = {
    namespace: 'shop',
    services: [
      {
        name: 'orders',
        description: 'test',
        tasks: [],
        rules: [
          { name: 'bill', eventPattern: { 'detail-type': ['OrderPlaced'] }, target: { service: 'billing', task: 'bill' }, options: { detailDelivery: 'reference' } },
          { name: 'audit', eventPattern: { 'detail-type': ['OrderPlaced', 'OrderAudited'] }, target: { service: 'billing', task: 'bill', command: ['audit'] } },
        ],
      },
      { name: 'billing', description: 'test', tasks: [{ name: 'bill', containerName: 'app', imageRepository: 'shop/billing', cpu: 256, memory: 512, command: ['bill'] }], rules: [] },
    ],
  };

  it('does not budget a rule that delivers by reference', async () => {
    const big = { blob: 'x'.repeat(20000) };
    const orders = publisher({ catalog: referenceCatalog, service: 'orders' });
    await expect(orders.publishOne('OrderAudited', big)).rejects.toThrow(/rule 'audit'/);
    // OrderPlaced reaches both rules; only 'audit' (environment delivery) refuses it.
    const refusal = orders.publishOne('OrderPlaced', big);
    await expect(refusal).rejects.toThrow(/rule 'audit'/);
    await expect(refusal).rejects.not.toThrow(/rule 'bill'/);

    const referenceOnly: Catalog = { ...referenceCatalog, services: [{ ...referenceCatalog.services[0], rules: [referenceCatalog.services[0].rules[0]] }, referenceCatalog.services[1]] };
    const result = await publisher({ catalog: referenceOnly, service: 'orders' }).publish([{ detailType: 'OrderPlaced', detail: big }]);
    expect(result.sent).toHaveLength(1);
    expect(server.putEventsCalls[0].entries[0]).toMatchObject({ EventBusName: 'dev-orders', Source: 'shop.orders' });
  });

  it("counts the container name an existing base declares, not the catalog's", () => {
    const existing: EnvironmentConfig = {
      ...dev,
      name: 'legacy',
      base: {
        kind: 'existing',
        clusterArn: 'arn:aws:ecs:ap-southeast-1:111111111111:cluster/legacy',
        subnetIds: ['subnet-1'],
        securityGroupIds: ['sg-1'],
        capacity: { launchType: 'FARGATE' },
        tasks: {
          'billing/bill': {
            taskDefinition: 'bill',
            containerName: 'a-much-longer-container-name',
            taskRoleArn: 'arn:aws:iam::111111111111:role/task',
            executionRoleArn: 'arn:aws:iam::111111111111:role/exec',
          },
        },
      },
    };
    const overridesIn = (environment: EnvironmentConfig) => {
      const bus = new EventPublisher({ catalog: referenceCatalog, environments: [environment], env: environment.name, service: 'orders', client: new EventBridgeClient({}) }).bus;
      return bus.hops('OrderAudited', {}).find((hop) => hop.kind === 'run-task-overrides')!.size;
    };
    // The overrides name the container; the existing base's is 'a-much-longer-container-name' - 'app' longer.
    expect(overridesIn(existing) - overridesIn(dev)).toBe('a-much-longer-container-name'.length - 'app'.length + 'legacy'.length - 'dev'.length);
  });
});

describe('an endpoint that never answers', () => {
  let silent: net.Server;
  let endpoint: string;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    // Accepts the connection, reads the request, and never says a word.
    silent = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('fails after the request timeout, naming the endpoint, instead of waiting forever', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = endpoint;
    try {
      const started = Date.now();
      const result = await publisher({ requestTimeoutMs: 200, maxAttempts: 2 }).publish(bookings(1));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(result.sent).toEqual([]);
      expect(result.failed).toHaveLength(1);
      expect(result.failed[0]!.code).toBe('TimeoutError');
      expect(result.failed[0]!.message).toContain(`PutEvents to ${endpoint}/ failed after 2 attempts`);
      expect(result.failed[0]!.message).toMatch(/request timeout of 200 ms/);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
      else process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = saved;
    }
  }, 15_000);

  it('refuses timeouts that are not positive integers', () => {
    expect(() => publisher({ requestTimeoutMs: 0 })).toThrow('EventPublisher option requestTimeoutMs must be a positive integer; found 0.');
    expect(() => publisher({ connectionTimeoutMs: 1.5 })).toThrow('EventPublisher option connectionTimeoutMs must be a positive integer; found 1.5.');
  });
});
