/**
 * environments/detail-budget.ts on a small catalog of its own: every hop a detail travels (RunTask
 * overrides, execution inputs, the success and failure events published on, rule after rule), the
 * size of each by AWS's rule, the message for a hop it does not fit, and the largest detail that
 * fits them all. Sizes are computed here from the documented limits' inputs, so a hop sized with the
 * wrong event, ARN or detail fails.
 */
import type { Catalog } from '../../catalog/types';
import { WORST_CASE_FAILURE_FIELDS } from '../../core/asl';
import { WORST_CASE_FLOW_FAILURE } from '../../core/asl-flow';
import { runTaskOverridesLength, worstCaseExecutionArn } from '../../core/container-contract';
import { putEventsEntrySize } from '../../core/entry-size';
import { BUDGET_EVENT_ID, type DetailHop, describeHop, detailHops, largestFittingDetail, overBudget, publicationProblems, targetContainer } from '../../environments/detail-budget';
import { dev } from '../../environments/dev';
import { existingBaseEnvironment } from '../fixtures/environments';

const task = (name: string, containerName: string) => ({ name, containerName, imageRepository: `saga/${name}`, cpu: 256, memory: 512, command: ['node', `dist/${name}.js`] });

/** booking's BookingCreated runs payment/charge; its PaymentFailed runs compensation by reference. */
const catalog: Catalog = {
  namespace: 'saga',
  services: [
    {
      name: 'booking',
      description: 'bookings',
      tasks: [],
      rules: [
        {
          name: 'charge',
          eventPattern: { 'detail-type': ['BookingCreated'] },
          target: { service: 'payment', task: 'charge' },
          options: { successDetailType: 'PaymentDone', failureDetailType: 'PaymentFailed' },
        },
        // Matches BookingCreated only for a VIP detail: by pattern it filters, by detail-type it counts.
        {
          name: 'vip',
          eventPattern: { 'detail-type': ['BookingCreated'], detail: { vip: [true] } },
          target: { service: 'payment', task: 'charge', command: ['node', 'dist/charge.js', '--vip'] },
          options: { failureDetailType: false },
        },
      ],
    },
    {
      name: 'payment',
      description: 'payments',
      tasks: [task('charge', 'pay')],
      rules: [
        {
          name: 'refund',
          eventPattern: { 'detail-type': ['PaymentFailed'] },
          target: { service: 'compensation', task: 'cancel' },
          options: { detailDelivery: 'reference', failureDetailType: false },
        },
      ],
    },
    { name: 'compensation', description: 'compensations', tasks: [task('cancel', 'comp')], rules: [] },
  ],
};

const A = dev.accountId;
const R = dev.region;
const execution = (machine: string) => worstCaseExecutionArn(R, A, machine);
const machineArn = (machine: string) => `arn:aws:states:${R}:${A}:stateMachine:${machine}`;
const detail = { bookingId: 'b-1', note: 'say "hi" — ünïcode' };
const failed = { ...detail, ...WORST_CASE_FAILURE_FIELDS };

describe('detailHops', () => {
  const hops = detailHops(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail });

  test('every hop, depth first: the task, its success event, its failure event and the rule that one starts', () => {
    expect(hops.map((hop) => [hop.kind, hop.service, hop.rule, hop.bus, hop.publishes])).toEqual([
      ['run-task-overrides', 'booking', 'charge', 'dev-booking', undefined],
      ['put-events-entry', 'booking', 'charge', 'dev-booking', 'PaymentDone'],
      ['put-events-entry', 'booking', 'charge', 'dev-booking', 'PaymentFailed'],
      ['execution-input', 'payment', 'refund', 'dev-payment', undefined],
    ]);
    expect(hops.map((hop) => hop.via)).toEqual([[], [], [], ["PaymentFailed (failure event of rule 'charge' on bus 'dev-booking')"]]);
  });

  test('the RunTask overrides: the container and command of the task, the event as published, the longest execution ARN', () => {
    const size = runTaskOverridesLength({
      containerName: 'pay',
      command: ['node', 'dist/charge.js'],
      delivery: 'environment',
      event: { id: '00000000-0000-0000-0000-000000000000', source: 'saga.booking', detailType: 'BookingCreated', detail },
      executionArn: execution('dev-booking-charge'),
    });
    expect(hops[0]).toEqual({ kind: 'run-task-overrides', service: 'booking', rule: 'charge', bus: 'dev-booking', via: [], size, limit: 8192, unit: 'characters' });
  });

  test("the events the state machine publishes: its service's source, the detail (merged with the largest failure fields), the ARNs PutEvents appends", () => {
    const resources = [execution('dev-booking-charge'), machineArn('dev-booking-charge')];
    expect(hops[1]).toEqual({
      kind: 'put-events-entry',
      service: 'booking',
      rule: 'charge',
      bus: 'dev-booking',
      publishes: 'PaymentDone',
      via: [],
      size: putEventsEntrySize({ Source: 'saga.payment', DetailType: 'PaymentDone', Detail: JSON.stringify(detail), Resources: resources }),
      limit: 262_144,
      unit: 'bytes',
    });
    expect(hops[2]!.size).toBe(putEventsEntrySize({ Source: 'saga.payment', DetailType: 'PaymentFailed', Detail: JSON.stringify(failed), Resources: resources }));
  });

  test('delivery by reference: the whole event as the execution input, in UTF-8 bytes', () => {
    const envelope = {
      version: '0',
      id: BUDGET_EVENT_ID,
      'detail-type': 'PaymentFailed',
      source: 'saga.payment',
      account: A,
      time: '2000-01-01T00:00:00Z',
      region: R,
      resources: [execution('dev-booking-charge'), machineArn('dev-booking-charge')],
      detail: failed,
    };
    expect(hops[3]).toMatchObject({ kind: 'execution-input', size: Buffer.byteLength(JSON.stringify(envelope), 'utf8'), limit: 262_144, unit: 'bytes' });
    expect(BUDGET_EVENT_ID).toHaveLength(36);
  });

  test("the publisher's resources count in the first hops", () => {
    const withResources = detailHops(catalog, dev, { service: 'booking', detailType: 'PaymentFailed', detail, resources: ['arn:aws:x:y'] });
    expect(withResources).toEqual([]);
    const refund = detailHops(catalog, dev, { service: 'payment', detailType: 'PaymentFailed', detail, resources: ['arn:aws:x:y'] });
    const without = detailHops(catalog, dev, { service: 'payment', detailType: 'PaymentFailed', detail });
    expect(refund[0]!.size - without[0]!.size).toBe(JSON.stringify('arn:aws:x:y').length);
  });

  test('rules match by their whole pattern, or by detail-type alone for configuration checks', () => {
    const vip = { ...detail, vip: true };
    expect(detailHops(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail: vip }).filter((hop) => hop.rule === 'vip')).toHaveLength(1);
    expect(hops.filter((hop) => hop.rule === 'vip')).toEqual([]);
    const byType = detailHops(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail }, 'detail-type');
    expect(byType.filter((hop) => hop.rule === 'vip').map((hop) => hop.kind)).toEqual(['run-task-overrides']);
    // A rule's own command counts (`,"--vip"`), and so does its state machine's name in the execution ARN (vip is 3 shorter than charge).
    expect(byType.find((hop) => hop.rule === 'vip')!.size - byType[0]!.size).toBe(',"--vip"'.length - 3);
    expect(detailHops(catalog, dev, { service: 'booking', detailType: 'Other', detail }, 'detail-type')).toEqual([]);
  });

  test('a rule whose pattern cannot be compiled matches nothing rather than throwing', () => {
    const broken: Catalog = {
      ...catalog,
      services: [
        { ...catalog.services[0]!, rules: [{ ...catalog.services[0]!.rules[0]!, eventPattern: { 'detail-type': ['BookingCreated'], detail: { n: [{ numeric: ['<'] }] } } }] },
        ...catalog.services.slice(1),
      ],
    };
    expect(detailHops(broken, dev, { service: 'booking', detailType: 'BookingCreated', detail })).toEqual([]);
  });

  test('an unknown service publishes nowhere; a rule whose task or target service is missing makes no hop for it', () => {
    expect(detailHops(catalog, dev, { service: 'nobody', detailType: 'BookingCreated', detail })).toEqual([]);
    const missing: Catalog = { ...catalog, services: [catalog.services[0]!] };
    expect(detailHops(missing, dev, { service: 'booking', detailType: 'BookingCreated', detail })).toEqual([]);
  });

  test('a detail that is not an object: the failure event carries the failure fields alone', () => {
    const list = detailHops(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail: ['a'] });
    const resources = [execution('dev-booking-charge'), machineArn('dev-booking-charge')];
    expect(list[2]!.size).toBe(putEventsEntrySize({ Source: 'saga.payment', DetailType: 'PaymentFailed', Detail: JSON.stringify(WORST_CASE_FAILURE_FIELDS), Resources: resources }));
    const nothing = detailHops(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail: null });
    expect(nothing[2]!.size).toBe(list[2]!.size);
    // A string is no object either (spread, it would add a field per character).
    const text = detailHops(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail: 'abc' });
    expect(text[2]!.size).toBe(list[2]!.size);
  });

  test('a route that comes back to a rule ends there, each outcome walked once', () => {
    // payment's success event starts payment again: a cycle.
    const loop: Catalog = {
      namespace: 'saga',
      services: [
        {
          name: 'payment',
          description: 'payments',
          tasks: [task('charge', 'pay')],
          rules: [
            {
              name: 'again',
              eventPattern: { 'detail-type': ['Charge'] },
              target: { service: 'payment', task: 'charge' },
              options: { successDetailType: 'Charge', failureDetailType: false },
            },
          ],
        },
      ],
    };
    const walked = detailHops(loop, dev, { service: 'payment', detailType: 'Charge', detail });
    expect(walked.map((hop) => [hop.kind, hop.via.length])).toEqual([
      ['run-task-overrides', 0],
      ['put-events-entry', 0],
      ['run-task-overrides', 1],
    ]);
    expect(walked[2]!.via).toEqual(["Charge (success event of rule 'again' on bus 'dev-payment')"]);
  });
});

describe('targetContainer', () => {
  const [charge, vip] = catalog.services[0]!.rules;
  test("the catalog's container and the task's command, or the rule's own command", () => {
    expect(targetContainer(catalog, dev, charge!)).toEqual({ containerName: 'pay', command: ['node', 'dist/charge.js'] });
    expect(targetContainer(catalog, dev, vip!)).toEqual({ containerName: 'pay', command: ['node', 'dist/charge.js', '--vip'] });
  });
  test('an existing base names its own container', () => {
    expect(targetContainer(catalog, existingBaseEnvironment, charge!)).toEqual({ containerName: 'payment', command: ['node', 'dist/charge.js'] });
    const unlisted = { ...charge!, target: { service: 'compensation', task: 'cancel' } };
    expect(targetContainer(catalog, existingBaseEnvironment, unlisted)).toEqual({ containerName: 'comp', command: ['node', 'dist/cancel.js'] });
  });
  test('no task, no container', () => {
    expect(targetContainer(catalog, dev, { ...charge!, target: { service: 'payment', task: 'nope' } })).toBeUndefined();
  });
});

describe('over budget, and what to say', () => {
  const hop = (kind: DetailHop['kind'], size: number, limit: number, via: string[] = []): DetailHop => ({
    kind,
    service: 'booking',
    rule: 'charge',
    bus: 'dev-booking',
    publishes: kind === 'put-events-entry' ? 'PaymentFailed' : undefined,
    via,
    size,
    limit,
    unit: 'bytes',
  });

  test('a hop is over its limit only above it', () => {
    const hops = [hop('execution-input', 10, 10), hop('execution-input', 11, 10), hop('execution-input', 9, 10)];
    expect(overBudget(hops)).toEqual([hops[1]]);
  });

  test('each kind of hop says where, how large, the limit and what to do', () => {
    expect(describeHop(hop('run-task-overrides', 9000, 8192))).toBe(
      "detail too large for rule 'charge' on bus 'dev-booking': the RunTask overrides for its task would be 9000 characters (limit 8192, JSON escaping included) " +
        "because the rule passes the detail in the 'eventDetail' environment variable. Make the detail smaller, or set options.detailDelivery: 'reference' on rule 'charge'.",
    );
    expect(describeHop(hop('execution-input', 300000, 262144, ['A (x)', 'B (y)']))).toBe(
      "detail too large for rule 'charge' on bus 'dev-booking', which it reaches as A (x) → B (y): the state machine's input (the whole event) would be 300000 bytes; Step Functions accepts at most 262144.",
    );
    expect(describeHop(hop('put-events-entry', 300000, 262144))).toBe(
      "detail too large for rule 'charge' on bus 'dev-booking': its PaymentFailed event would be a PutEvents entry of 300000 bytes (limit 262144).",
    );
  });

  test('publicationProblems: one line per hop the detail does not fit, none when it fits', () => {
    expect(publicationProblems(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail })).toEqual([]);
    const big = { pad: 'x'.repeat(8000) };
    expect(publicationProblems(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail: big })).toEqual([
      expect.stringMatching(/^detail too large for rule 'charge' on bus 'dev-booking': the RunTask overrides for its task would be \d+ characters \(limit 8192/),
    ]);
  });
});

describe('largestFittingDetail', () => {
  const padded = (n: number) => ({ pad: 'x'.repeat(n) });
  const fits = (n: number) => overBudget(detailHops(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail: padded(n) })).length === 0;

  test('the largest detail that fits every hop, one more character does not', () => {
    const largest = largestFittingDetail(catalog, dev, { service: 'booking', detailType: 'BookingCreated' }, padded)!;
    expect(fits(largest.size)).toBe(true);
    expect(fits(largest.size + 1)).toBe(false);
    expect(largest.size).toBeGreaterThan(7000);
    expect(largest.detail).toEqual(padded(largest.size));
    expect(largest.hops).toEqual(detailHops(catalog, dev, { service: 'booking', detailType: 'BookingCreated', detail: padded(largest.size) }));
  });

  test('bounded by upTo when everything fits; undefined when nothing does', () => {
    expect(largestFittingDetail(catalog, dev, { service: 'booking', detailType: 'BookingCreated' }, padded, 100)!.size).toBe(100);
    expect(largestFittingDetail(catalog, dev, { service: 'booking', detailType: 'BookingCreated' }, (n) => padded(n + 9000))).toBeUndefined();
    expect(largestFittingDetail(catalog, dev, { service: 'booking', detailType: 'BookingCreated' }, (n) => padded(8000 - 1 + n), 1)).toBeUndefined();
  });
});

/**
 * A flow: booking's BookingRequested runs flow `book`, whose step `hold-seat` (compensated by
 * `release-seat` with a command of its own) is followed by `charge` (nothing to undo). Its failure
 * events go to booking's bus, where `audit` hears each of them (by reference, so one hop apiece).
 */
const flowCatalog = (flowFields: { compensationFailedDetailType?: string } = {}, detailDelivery?: 'reference'): Catalog => ({
  namespace: 'saga',
  services: [
    {
      name: 'booking',
      description: 'bookings',
      tasks: [task('hold', 'seat'), task('release', 'seat')],
      flows: [
        {
          name: 'book',
          description: 'book a seat and pay',
          steps: [
            { name: 'hold-seat', run: { service: 'booking', task: 'hold' }, compensate: { service: 'booking', task: 'release', command: ['node', 'dist/release.js', '--all'] } },
            { name: 'charge', run: { service: 'payment', task: 'charge' } },
          ],
          ...flowFields,
        },
      ],
      rules: [
        {
          name: 'orchestrate',
          eventPattern: { 'detail-type': ['BookingRequested'] },
          target: { service: 'booking', flow: 'book' },
          options: { successDetailType: 'Booked', ...(detailDelivery ? { detailDelivery } : {}) },
        },
        {
          name: 'audit',
          eventPattern: { 'detail-type': ['BookFlowFailed', 'BookCompensationFailed', 'SeatLost'] },
          target: { service: 'payment', task: 'charge' },
          options: { detailDelivery: 'reference', failureDetailType: false },
        },
      ],
    },
    { name: 'payment', description: 'payments', tasks: [task('charge', 'pay')], rules: [] },
  ],
});

describe('detailHops of a flow', () => {
  const requested = { service: 'booking', detailType: 'BookingRequested', detail };
  const hops = detailHops(flowCatalog(), dev, requested);
  const machine = 'dev-booking-orchestrate';
  const overrides = (containerName: string, command: string[], flow: object) =>
    runTaskOverridesLength({
      containerName,
      command,
      delivery: 'environment',
      event: { id: BUDGET_EVENT_ID, source: 'saga.booking', detailType: 'BookingRequested', detail },
      executionArn: execution(machine),
      flow: flow as never,
    });
  const resources = [execution(machine), machineArn(machine)];
  const flowFailed = { ...detail, ...WORST_CASE_FAILURE_FIELDS, failedStep: 's'.repeat(40), failedCompensations: {} };
  const failure = { error: WORST_CASE_FLOW_FAILURE.error, stopCode: WORST_CASE_FLOW_FAILURE.stopCode, exitCode: WORST_CASE_FLOW_FAILURE.exitCode };
  const compensationFailed = { ...flowFailed, failedCompensations: { hold_seat: failure } };

  test('every step and compensation a RunTask, then the success, failure and compensation-failed events, each heard by the next rule', () => {
    expect(hops.map((hop) => [hop.kind, hop.rule, hop.publishes])).toEqual([
      ['run-task-overrides', 'orchestrate', undefined],
      ['run-task-overrides', 'orchestrate', undefined],
      ['run-task-overrides', 'orchestrate', undefined],
      ['put-events-entry', 'orchestrate', 'Booked'],
      ['put-events-entry', 'orchestrate', 'BookFlowFailed'],
      ['execution-input', 'audit', undefined],
      ['put-events-entry', 'orchestrate', 'BookCompensationFailed'],
      ['execution-input', 'audit', undefined],
    ]);
    expect(hops.map((hop) => hop.via)).toEqual([
      [],
      [],
      [],
      [],
      [],
      ["BookFlowFailed (failure event of rule 'orchestrate' on bus 'dev-booking')"],
      [],
      ["BookCompensationFailed (compensation-failed event of rule 'orchestrate' on bus 'dev-booking')"],
    ]);
  });

  test('each RunTask with its container and command, and what the flow tells it: the step, its role, a compensation the longest failure', () => {
    expect(hops.slice(0, 3).map((hop) => hop.size)).toEqual([
      overrides('seat', ['node', 'dist/hold.js'], { step: 'book/hold-seat', role: 'run' }),
      overrides('seat', ['node', 'dist/release.js', '--all'], { step: 'book/hold-seat', role: 'compensate', failure: WORST_CASE_FLOW_FAILURE }),
      overrides('pay', ['node', 'dist/charge.js'], { step: 'book/charge', role: 'run' }),
    ]);
    // The compensation hears of the failure: larger than its step by more than its longer command.
    expect(hops[1]!.size - hops[0]!.size).toBeGreaterThan(JSON.stringify(WORST_CASE_FLOW_FAILURE).length);
    expect(hops[0]).toMatchObject({ service: 'booking', bus: 'dev-booking', limit: 8192, unit: 'characters' });
  });

  test("the failure event adds the longest step name; the compensation-failed event every compensation failed with the longest error (keys as the ASL writes them, '-' as '_')", () => {
    const entry = (detailType: string, published: unknown) => putEventsEntrySize({ Source: 'saga.booking', DetailType: detailType, Detail: JSON.stringify(published), Resources: resources });
    expect(hops[3]!.size).toBe(entry('Booked', detail));
    expect(hops[4]!.size).toBe(entry('BookFlowFailed', flowFailed));
    expect(hops[6]!.size).toBe(entry('BookCompensationFailed', compensationFailed));
    expect(WORST_CASE_FLOW_FAILURE.failedStep).toBe('s'.repeat(40));
  });

  test("the compensation-failed event by the flow's own detail-type", () => {
    const named = detailHops(flowCatalog({ compensationFailedDetailType: 'SeatLost' }), dev, requested);
    expect(named.filter((hop) => hop.kind === 'put-events-entry').map((hop) => hop.publishes)).toEqual(['Booked', 'BookFlowFailed', 'SeatLost']);
    expect(named.at(-1)!.via).toEqual(["SeatLost (compensation-failed event of rule 'orchestrate' on bus 'dev-booking')"]);
  });

  test('a flow by reference: the whole event as the execution input, once, whatever its steps', () => {
    const byReference = detailHops(flowCatalog({}, 'reference'), dev, requested);
    expect(byReference.map((hop) => hop.kind)).toEqual(['execution-input', 'put-events-entry', 'put-events-entry', 'execution-input', 'put-events-entry', 'execution-input']);
  });

  test("a flow without compensations: its compensation-failed event carries none, and its steps' runs are not told of a failure", () => {
    const base = flowCatalog();
    const [booking, payment] = base.services as [NonNullable<Catalog['services'][number]>, NonNullable<Catalog['services'][number]>];
    const flow = booking.flows![0]!;
    const uncompensated: Catalog = { ...base, services: [{ ...booking, flows: [{ ...flow, steps: flow.steps.map(({ name, run }) => ({ name, run })) }] }, payment] };
    const walked = detailHops(uncompensated, dev, requested);
    expect(walked.filter((hop) => hop.kind === 'run-task-overrides').map((hop) => hop.size)).toEqual([
      overrides('seat', ['node', 'dist/hold.js'], { step: 'book/hold-seat', role: 'run' }),
      overrides('pay', ['node', 'dist/charge.js'], { step: 'book/charge', role: 'run' }),
    ]);
    const last = walked.find((hop) => hop.publishes === 'BookCompensationFailed')!;
    expect(last.size).toBe(putEventsEntrySize({ Source: 'saga.booking', DetailType: 'BookCompensationFailed', Detail: JSON.stringify(flowFailed), Resources: resources }));
  });

  test('a flow whose compensation-failed event starts the flow again is walked once', () => {
    const loop = flowCatalog({ compensationFailedDetailType: 'BookingRequested' });
    const walked = detailHops(loop, dev, requested);
    const again = walked.filter((hop) => hop.via.length === 1 && hop.via[0]!.startsWith('BookingRequested (compensation-failed event'));
    // The second walk of `orchestrate` makes its runs and its two other events, but not the compensation-failed one again.
    expect(again.map((hop) => [hop.kind, hop.rule, hop.publishes])).toEqual([
      ['run-task-overrides', 'orchestrate', undefined],
      ['run-task-overrides', 'orchestrate', undefined],
      ['run-task-overrides', 'orchestrate', undefined],
      ['put-events-entry', 'orchestrate', 'Booked'],
      ['put-events-entry', 'orchestrate', 'BookFlowFailed'],
    ]);
    expect(walked.filter((hop) => hop.publishes === 'BookingRequested')).toHaveLength(1);
  });

  test("targetContainer: a flow's rule names no single container", () => {
    expect(targetContainer(flowCatalog(), dev, flowCatalog().services[0]!.rules[0]!)).toBeUndefined();
  });
});
