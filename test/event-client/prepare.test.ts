/**
 * event-client/prepare.ts directly: what a PutEvents entry is made of, and each refusal on the
 * smallest input that shows it, with its exact message (publisher.test.ts sends them through a client).
 */
import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { describeBus, MAX_ENTRY_SIZE_BYTES, normaliseDetail, prepareEvent, putEventsEntrySize, type BusDescription, type EventInput } from '../../event-client';
import { preview } from '../../event-client/prepare';

const booking = describeBus(bookingSaga, environments, 'dev', 'booking');
const payment = describeBus(bookingSaga, environments, 'dev', 'payment');
/** The booking bus with its rules taken away. */
const ruleless: BusDescription = { ...booking, service: { ...booking.service, rules: [] }, matchingRules: () => [], hops: () => [], budgetProblems: () => [] };

describe('normaliseDetail', () => {
  test('a string is sent as written and read as JSON', () => {
    expect(normaliseDetail('{ "a" : 1 }')).toStrictEqual({ text: '{ "a" : 1 }', value: { a: 1 } });
  });

  test('an object is serialised', () => {
    expect(normaliseDetail({ a: [1, 'x'] })).toStrictEqual({ text: '{"a":[1,"x"]}', value: { a: [1, 'x'] } });
  });

  test.each<[string, unknown, string]>([
    ['missing', undefined, 'detail is missing (use {} for an event without detail)'],
    ['null', null, 'detail must be a JSON object; found null'],
    ['an array', [1], 'detail must be a JSON object; found an array'],
    ['a number', 5, 'detail must be a JSON object; found a number'],
    ['a JSON string', '"text"', 'detail must be a JSON object; found a string'],
    ['a JSON null', 'null', 'detail must be a JSON object; found null'],
    ['a JSON array', '[]', 'detail must be a JSON object; found an array'],
  ])('refuses %s', (_name, detail, problem) => {
    expect(normaliseDetail(detail)).toStrictEqual({ problem });
  });

  test('names the JSON error and shows the start of the text', () => {
    const { problem } = normaliseDetail(`{${'x'.repeat(100)}`) as { problem: string };
    expect(problem).toMatch(/^detail is not valid JSON \(.+\); found: "\{x{79}…"$/);
  });

  test('a detail that cannot be serialised says why', () => {
    expect(normaliseDetail({ amount: 10n })).toStrictEqual({ problem: 'detail cannot be serialised to JSON: Do not know how to serialize a BigInt' });
  });
});

test('preview: the text as JSON, cut after max characters with an ellipsis', () => {
  expect(preview('a'.repeat(80))).toBe(JSON.stringify('a'.repeat(80)));
  expect(preview(`${'a'.repeat(80)}b`)).toBe(JSON.stringify(`${'a'.repeat(80)}…`));
  expect(preview('abcd', 3)).toBe('"abc…"');
  expect(preview('a"b')).toBe('"a\\"b"');
});

describe('prepareEvent', () => {
  const created: EventInput = { detailType: 'BookingCreated', detail: { bookingId: 'b-1' } };

  test('an event a rule matches: the entry, its size, its position, no warning', () => {
    const time = new Date('2026-01-02T03:04:05Z');
    const resources = ['arn:aws:x:1'];
    const event = { ...created, resources, time };
    const result = prepareEvent(booking, event, 3, 'refuse');
    const entry = { EventBusName: 'dev-booking', Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: '{"bookingId":"b-1"}', Resources: resources, Time: time };
    expect(result).toStrictEqual({
      prepared: { index: 3, input: event, entry, size: putEventsEntrySize(entry) },
      problems: [],
      warnings: [],
    });
    // The entry holds its own copy of the resources.
    expect(result.prepared!.entry.Resources).not.toBe(resources);
  });

  test('without resources or time the entry has neither field', () => {
    expect(prepareEvent(booking, created, 0, 'refuse').prepared!.entry).toStrictEqual({
      EventBusName: 'dev-booking',
      Source: 'booking-saga.booking',
      DetailType: 'BookingCreated',
      Detail: '{"bookingId":"b-1"}',
    });
  });

  test.each<[string, unknown]>([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '  '],
    ['not a string', 5],
  ])('a detail-type that is %s is refused alone', (_name, detailType) => {
    expect(prepareEvent(booking, { detailType, detail: 'not json' } as unknown as EventInput, 0, 'refuse')).toStrictEqual({
      problems: [`detailType must be a non-empty string; found ${JSON.stringify(detailType) ?? 'undefined'}`],
      warnings: [],
    });
  });

  test('no event at all is refused, not a TypeError', () => {
    expect(prepareEvent(booking, undefined as unknown as EventInput, 0, 'refuse')).toStrictEqual({ problems: ['detailType must be a non-empty string; found undefined'], warnings: [] });
  });

  test.each<[string, unknown]>([
    ['a string', 'arn:aws:x'],
    ['an array holding a number', ['arn:aws:x', 5]],
  ])('resources that are %s are refused', (_name, resources) => {
    expect(prepareEvent(booking, { ...created, resources } as unknown as EventInput, 0, 'refuse')).toStrictEqual({
      problems: ['resources must be an array of strings (ARNs)'],
      warnings: [],
    });
  });

  test.each<[string, unknown]>([
    ['an invalid Date', new Date('nope')],
    ['a string', '2026-01-02T03:04:05Z'],
  ])('a time that is %s is refused', (_name, time) => {
    expect(prepareEvent(booking, { ...created, time } as unknown as EventInput, 0, 'refuse')).toStrictEqual({ problems: ['time must be a valid Date'], warnings: [] });
  });

  test('every problem of the event at once, before any size or budget check', () => {
    const huge = { ...created, detailType: 'Nobody', detail: `[${'1'.repeat(300_000)}`, resources: [1], time: new Date(Number.NaN) } as unknown as EventInput;
    const { problems, prepared } = prepareEvent(booking, huge, 0, 'refuse');
    expect(prepared).toBeUndefined();
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^detail is not valid JSON/);
    expect(problems.slice(1)).toEqual([
      'resources must be an array of strings (ARNs)',
      'time must be a valid Date',
      `detail-type 'Nobody' matches no rule on bus 'dev-booking' (its rules match: ${[...new Set(booking.service.rules.flatMap((rule) => rule.eventPattern['detail-type']))].join(', ')}), so no task will run for it`,
    ]);
  });

  test('a bad field alone stops before the size and budget checks (which would add their own refusals)', () => {
    const overBudget = { detailType: 'BookingCreated', detail: { padding: 'x'.repeat(9000) } };
    expect(prepareEvent(booking, overBudget, 0, 'refuse').problems).toHaveLength(1);
    expect(prepareEvent(booking, { ...overBudget, resources: [5] } as unknown as EventInput, 0, 'refuse')).toStrictEqual({
      problems: ['resources must be an array of strings (ARNs)'],
      warnings: [],
    });
  });

  describe('a detail-type no rule matches', () => {
    const unmatched = (bus: BusDescription, detailType: string) =>
      `detail-type '${detailType}' matches no rule on bus '${bus.busName}'${bus === ruleless ? ' (the bus has no rules)' : ' (its rules match: PaymentSucceeded, PaymentFailed)'}, so no task will run for it`;

    test('warns and publishes, or refuses', () => {
      const event = { detailType: 'PaymentRefunded', detail: {} };
      const warned = prepareEvent(payment, event, 0, 'warn');
      expect(warned.problems).toEqual([]);
      expect(warned.warnings).toEqual([unmatched(payment, 'PaymentRefunded')]);
      expect(warned.prepared!.entry.DetailType).toBe('PaymentRefunded');
      expect(prepareEvent(payment, event, 0, 'refuse')).toStrictEqual({ problems: [unmatched(payment, 'PaymentRefunded')], warnings: [] });
    });

    test('on a bus without rules says so', () => {
      expect(prepareEvent(ruleless, created, 0, 'refuse')).toStrictEqual({ problems: [unmatched(ruleless, 'BookingCreated')], warnings: [] });
    });
  });

  test('an entry over the PutEvents limit is refused with its size', () => {
    const detail = { padding: 'x'.repeat(MAX_ENTRY_SIZE_BYTES) };
    const { problems, prepared } = prepareEvent(ruleless, { detailType: 'BookingCreated', detail }, 0, 'warn');
    const size = putEventsEntrySize({ Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: JSON.stringify(detail) });
    expect(prepared).toBeUndefined();
    expect(problems).toEqual([
      `entry is ${size} bytes, over the PutEvents limit of ${MAX_ENTRY_SIZE_BYTES} bytes (UTF-8 bytes of Source, DetailType, Detail and Resources, plus 14 for Time)`,
    ]);
  });

  test('an entry of exactly the limit is accepted', () => {
    const detailOfSize = (bytes: number) => ({ p: 'x'.repeat(bytes - putEventsEntrySize({ Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: '{"p":""}' })) });
    const exact = prepareEvent(ruleless, { detailType: 'BookingCreated', detail: detailOfSize(MAX_ENTRY_SIZE_BYTES) }, 0, 'warn');
    expect(exact.prepared?.size).toBe(MAX_ENTRY_SIZE_BYTES);
    expect(prepareEvent(ruleless, { detailType: 'BookingCreated', detail: detailOfSize(MAX_ENTRY_SIZE_BYTES + 1) }, 0, 'warn').prepared).toBeUndefined();
  });

  test("a detail over a rule's budget is refused with the bus's own words for it", () => {
    const detail = { padding: 'x'.repeat(9000) };
    const result = prepareEvent(booking, { detailType: 'BookingCreated', detail }, 0, 'refuse');
    expect(result.prepared).toBeUndefined();
    expect(result.problems).toEqual(booking.budgetProblems('BookingCreated', detail));
    expect(result.problems.length).toBeGreaterThan(0);
  });
});
