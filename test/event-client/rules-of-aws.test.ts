import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { backoffDelayMs, describeBus, isRetryableEntryError, MAX_ENTRY_SIZE_BYTES, putEventsEntrySize, rulesMatchingDetailType } from '../../event-client';

describe('PutEvents entry size (EventBridge user guide rule)', () => {
  it('counts UTF-8 bytes of Source, DetailType, Detail and each resource, and 14 for Time', () => {
    expect(MAX_ENTRY_SIZE_BYTES).toBe(262144);
    expect(putEventsEntrySize({ Source: 'a.b', DetailType: 'T', Detail: '{}' })).toBe(3 + 1 + 2);
    // 'é' is 2 bytes, '€' 3 bytes, '🎫' 4 bytes in UTF-8.
    expect(putEventsEntrySize({ Source: 'a.b', DetailType: 'Té', Detail: '{"p":"€🎫"}' })).toBe(3 + 3 + (8 + 3 + 4));
    expect(
      putEventsEntrySize({ Source: 's', DetailType: 't', Detail: '{}', Resources: ['arn:aws:x', 'arn:aws:yy'], Time: new Date(0) }),
    ).toBe(14 + 1 + 1 + 2 + 9 + 10);
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
          : { ...service, rules: service.rules.map((rule) => (rule.name === 'reserve-seats' ? { ...rule, eventPattern: { ...rule.eventPattern, resources: [{ 'anything-but': 'arn:aws:x' }] } } : rule)) },
      ),
    };
    const bus = describeBus(narrowed, environments, 'dev', 'payment');
    const detail = { bookingId: 'b-1', amount: 12 };
    expect(bus.hops('PaymentSucceeded', detail)).toEqual([]);
    expect(bus.hops('PaymentSucceeded', detail, [])).toEqual([]);
    expect(bus.hops('PaymentSucceeded', detail, ['arn:aws:y']).map((hop) => hop.rule)).toContain('reserve-seats');
  });
});
