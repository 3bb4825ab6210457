import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { backoffDelayMs, describeBus, findEnvironment, findService, isRetryableEntryError, MAX_ENTRY_SIZE_BYTES, putEventsEntrySize, rulesMatchingDetailType } from '../../event-client';

describe('PutEvents entry size (EventBridge user guide rule)', () => {
  it('counts UTF-8 bytes of Source, DetailType, Detail and each resource, and 14 for Time', () => {
    expect(MAX_ENTRY_SIZE_BYTES).toBe(262144);
    expect(putEventsEntrySize({ Source: 'a.b', DetailType: 'T', Detail: '{}' })).toBe(3 + 1 + 2);
    // 'é' is 2 bytes, '€' 3 bytes, '🎫' 4 bytes in UTF-8.
    expect(putEventsEntrySize({ Source: 'a.b', DetailType: 'Té', Detail: '{"p":"€🎫"}' })).toBe(3 + 3 + (8 + 3 + 4));
    expect(putEventsEntrySize({ Source: 's', DetailType: 't', Detail: '{}', Resources: ['arn:aws:x', 'arn:aws:yy'], Time: new Date(0) })).toBe(14 + 1 + 1 + 2 + 9 + 10);
  });
});

describe('retry rules', () => {
  it('retries only the entry error codes the API reference calls retryable', () => {
    expect(['ThrottlingException', 'InternalFailure'].map(isRetryableEntryError)).toEqual([true, true]);
    expect(['MalformedDetail', 'InvalidArgument', 'AccessDeniedException', 'NotAuthorizedForSourceException', undefined].map(isRetryableEntryError)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('backs off exponentially with full jitter under a cap', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
});

describe('which rules a detail-type reaches', () => {
  const payment = bookingSaga.services.find((service) => service.name === 'payment')!;

  it('exactly the rules whose detail-type list holds it', () => {
    expect(rulesMatchingDetailType(payment, 'PaymentSucceeded').map((rule) => rule.name)).toEqual(['reserve-seats']);
    expect(rulesMatchingDetailType(payment, 'PaymentFailed').map((rule) => rule.name)).toEqual(['compensate-payment-failure']);
    expect(rulesMatchingDetailType(payment, 'Payment')).toEqual([]);
  });

  it('a detail published without resources is matched as one published with none', () => {
    // reserve-seats narrowed to events that name some resource other than arn:aws:x: an event without
    // resources matches no anything-but, so it reaches no rule.
    const narrowed = {
      ...bookingSaga,
      services: bookingSaga.services.map((service) =>
        service !== payment
          ? service
          : {
              ...service,
              rules: service.rules.map((rule) => (rule.name === 'reserve-seats' ? { ...rule, eventPattern: { ...rule.eventPattern, resources: [{ 'anything-but': 'arn:aws:x' }] } } : rule)),
            },
      ),
    };
    const bus = describeBus(narrowed, environments, 'dev', 'payment');
    const detail = { bookingId: 'b-1', amount: 12 };
    expect(bus.hops('PaymentSucceeded', detail)).toEqual([]);
    expect(bus.hops('PaymentSucceeded', detail, [])).toEqual([]);
    expect(bus.hops('PaymentSucceeded', detail, ['arn:aws:y']).map((hop) => hop.rule)).toContain('reserve-seats');
  });
});

describe("a service's bus", () => {
  it('is named for the environment and the service, with the catalog namespace as source', () => {
    const bus = describeBus(bookingSaga, environments, 'staging', 'payment');
    expect([bus.environment.name, bus.service.name, bus.busName, bus.source]).toEqual(['staging', 'payment', 'staging-payment', 'booking-saga.payment']);
    expect(bus.matchingRules('PaymentFailed').map((rule) => rule.name)).toEqual(['compensate-payment-failure']);
  });

  it('an unknown environment or service names what is known', () => {
    expect(() => findEnvironment(environments, 'qa')).toThrow("Unknown environment 'qa'. Known environments: dev, staging, prod.");
    expect(() => findService(bookingSaga, 'bookings', 'dev')).toThrow(
      `Unknown service 'bookings' (environment 'dev'). Known services: ${bookingSaga.services.map((service) => service.name).join(', ')}.`,
    );
    expect(findEnvironment(environments, 'prod').name).toBe('prod');
    expect(findService(bookingSaga, 'seat', 'dev').name).toBe('seat');
  });

  it('refuses a detail once per hop it does not fit, each reason once', () => {
    const bus = describeBus(bookingSaga, environments, 'dev', 'booking');
    const detail = { padding: 'x'.repeat(300_000) };
    const problems = bus.budgetProblems('BookingCreated', detail);
    expect(problems.length).toBeGreaterThan(1);
    expect(new Set(problems).size).toBe(problems.length);
    expect(problems.every((problem) => problem.startsWith('detail too large for rule '))).toBe(true);
    expect(bus.budgetProblems('BookingCreated', { bookingId: 'b-1' })).toEqual([]);
  });
});
