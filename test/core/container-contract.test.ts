/**
 * The container contract: what a task's container receives for one event, and how many characters
 * ECS counts for it (RunTask refuses overrides over 8192). The reader in the container reads the
 * same names, so a renamed variable is a task that finds no event.
 */
import {
  DETAIL_DELIVERIES,
  ecsOverridesLength,
  EVENT_ENV,
  FLOW_ENV,
  runTaskOverrides,
  runTaskOverridesLength,
  SERVICE_STORE_ENV,
  TASK_IDENTITY_ENV,
  worstCaseExecutionArn,
  type OverridesInput,
} from '../../core/container-contract';

const input = (delivery: OverridesInput['delivery']): OverridesInput => ({
  containerName: 'app',
  command: ['node', 'dist/charge.js'],
  delivery,
  event: { id: 'id-1', source: 'acme.booking', detailType: 'BookingCreated', detail: { seat: '1A', note: 'say "hi"' } },
  executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:dev-booking-x:abc',
});

test('the variable names the reader and the task definitions use', () => {
  expect(TASK_IDENTITY_ENV).toEqual({ environment: 'APP_ENVIRONMENT', service: 'APP_SERVICE' });
  expect(EVENT_ENV).toEqual({
    detail: 'eventDetail',
    id: 'eventId',
    source: 'eventSource',
    detailType: 'eventDetailType',
    executionArn: 'executionArn',
    delivery: 'eventDelivery',
  });
});

test('delivery in the environment: the detail as compact JSON first, then the identity of the event', () => {
  expect(runTaskOverrides(input('environment'))).toEqual({
    containerOverrides: [
      {
        name: 'app',
        command: ['node', 'dist/charge.js'],
        environment: [
          { name: 'eventDetail', value: '{"seat":"1A","note":"say \\"hi\\""}' },
          { name: 'eventId', value: 'id-1' },
          { name: 'eventSource', value: 'acme.booking' },
          { name: 'eventDetailType', value: 'BookingCreated' },
          { name: 'executionArn', value: 'arn:aws:states:eu-west-1:111122223333:execution:dev-booking-x:abc' },
          { name: 'eventDelivery', value: 'environment' },
        ],
      },
    ],
  });
});

test('delivery by reference: no detail, the execution ARN to read it from', () => {
  const { containerOverrides } = runTaskOverrides(input('reference'));
  expect(containerOverrides[0]!.environment.map((variable) => variable.name)).toEqual(['eventId', 'eventSource', 'eventDetailType', 'executionArn', 'eventDelivery']);
  expect(containerOverrides[0]!.environment.at(-1)).toEqual({ name: 'eventDelivery', value: 'reference' });
});

test('the command is a copy: the caller may not change the overrides afterwards', () => {
  const given = input('reference');
  const command = [...given.command];
  const overrides = runTaskOverrides({ ...given, command });
  command.push('--extra');
  expect(overrides.containerOverrides[0]!.command).toEqual(['node', 'dist/charge.js']);
});

test('the length ECS counts is the serialised overrides, escapes included', () => {
  const environment = input('environment');
  expect(runTaskOverridesLength(environment)).toBe(JSON.stringify(runTaskOverrides(environment)).length);
  // The quotes of the detail are escaped twice: once in the variable's value, once in the overrides.
  const plain = runTaskOverridesLength({ ...environment, event: { ...environment.event, detail: { note: 'ab' } } });
  const quoted = runTaskOverridesLength({ ...environment, event: { ...environment.event, detail: { note: '"b' } } });
  expect(quoted - plain).toBe(3);
  expect(runTaskOverridesLength(input('reference'))).toBeLessThan(runTaskOverridesLength(environment));
});

test('the worst-case execution ARN carries an 80-character execution name', () => {
  const arn = worstCaseExecutionArn('eu-west-1', '111122223333', 'dev-booking-x');
  expect(arn).toBe(`arn:aws:states:eu-west-1:111122223333:execution:dev-booking-x:${'x'.repeat(80)}`);
});

test('the two deliveries, and the store directory variable the example services read', () => {
  expect(DETAIL_DELIVERIES).toEqual(['environment', 'reference']);
  expect(SERVICE_STORE_ENV).toBe('SERVICE_STORE_DIR');
});

test('ECS counts the compact JSON of the overrides, in UTF-16 code units; no overrides count as {}', () => {
  expect(ecsOverridesLength(undefined)).toBe(2);
  expect(ecsOverridesLength(null)).toBe(2);
  expect(ecsOverridesLength({ containerOverrides: [{ name: 'app' }] })).toBe('{"containerOverrides":[{"name":"app"}]}'.length);
  // One code unit for é, two for 🎫 (a surrogate pair), as Java's String.length() counts.
  expect(ecsOverridesLength({ n: 'é🎫' })).toBe('{"n":""}'.length + 3);
  expect(runTaskOverridesLength(input('environment'))).toBe(ecsOverridesLength(runTaskOverrides(input('environment'))));
});

describe('a run of a flow step: the step and its role after the event, and a compensation also the failure', () => {
  const names = (overrides: ReturnType<typeof runTaskOverrides>) => overrides.containerOverrides[0]!.environment.map((variable) => variable.name);
  const tail = (overrides: ReturnType<typeof runTaskOverrides>, count: number) => overrides.containerOverrides[0]!.environment.slice(-count);

  test('no flow: no flow variables', () => expect(names(runTaskOverrides(input('environment')))).not.toContain(FLOW_ENV.step));

  test("a step's run names its step and role, and no failure", () => {
    const overrides = runTaskOverrides({ ...input('environment'), flow: { step: 'book/charge', role: 'run' } });
    expect(tail(overrides, 3)).toEqual([
      { name: 'eventDelivery', value: 'environment' },
      { name: 'flowStep', value: 'book/charge' },
      { name: 'flowRole', value: 'run' },
    ]);
  });

  test('a compensation carries the failure as compact JSON', () => {
    const failure = { failedStep: 'book/reserve-seats', error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', exitCode: 3 };
    const overrides = runTaskOverrides({ ...input('reference'), flow: { step: 'book/charge', role: 'compensate', failure } });
    expect(tail(overrides, 3)).toEqual([
      { name: 'flowStep', value: 'book/charge' },
      { name: 'flowRole', value: 'compensate' },
      { name: 'flowFailure', value: '{"failedStep":"book/reserve-seats","error":"States.TaskFailed","stopCode":"EssentialContainerExited","exitCode":3}' },
    ]);
  });

  test('the flow variables count in the length ECS checks', () => {
    const plain = runTaskOverridesLength(input('environment'));
    const withFlow = runTaskOverridesLength({ ...input('environment'), flow: { step: 'book/charge', role: 'run' } });
    expect(withFlow - plain).toBe(',{"name":"flowStep","value":"book/charge"},{"name":"flowRole","value":"run"}'.length);
  });
});
