import { bookingSaga } from '../../catalog/booking-saga';
import { DEFAULT_EVENT, FAST_RETRY_INTERVAL_MS, parseLocalArgs } from '../../local/cli';
import { UsageError as CliError } from '../../tooling/cli';
import { findCatalogTask, localCommand, mapRunTask, TaskMappingError } from '../../local/task-mapping';
import { describeCause } from '../../local/timeline';

const notifyTask = bookingSaga.services.find((s) => s.name === 'notification')!.tasks[0]!;

const runTaskParameters = (taskDefinition: string, name: string, command?: string[]) => ({
  TaskDefinition: taskDefinition,
  Overrides: { ContainerOverrides: [{ Name: name, ...(command ? { Command: command } : {}), Environment: [{ Name: 'eventId', Value: 'e-1' }] }] },
});

describe('mapping a RunTask call to a local process', () => {
  test('by the family the state machine runs, with the rule\'s extra arguments appended', () => {
    const { request, local } = mapRunTask(
      bookingSaga,
      'dev',
      runTaskParameters('dev-notification-notify', 'notification', ['node', 'dist/notify.js', '--template', 'booking-confirmed']),
    );
    expect(local.key).toBe('notification/notify');
    expect(local.command).toEqual(['node', '--import', 'tsx', 'task-programs/booking-saga/notify.ts', '--template', 'booking-confirmed']);
    expect(request.container.environment).toEqual({ eventId: 'e-1' });
  });

  test('by the family, even when the container name points elsewhere', () => {
    expect(() =>
      findCatalogTask(bookingSaga, 'dev', {
        taskDefinition: 'dev-seat-reserve-seats',
        container: { name: 'payment', command: undefined, environment: {} },
      }),
    ).toThrow(/task seat\/reserve-seats has container seat, but the state machine overrides container payment/);
    const found = findCatalogTask(bookingSaga, 'dev', {
      taskDefinition: 'dev-seat-reserve-seats',
      container: { name: 'seat', command: undefined, environment: {} },
    });
    expect(`${found.service}/${found.task.name}`).toBe('seat/reserve-seats');
  });

  test('a family of another environment, or a longer family that merely starts with it, is not this task', () => {
    const found = findCatalogTask(bookingSaga, 'dev', {
      taskDefinition: 'staging-seat-reserve-seats-v2',
      container: { name: 'notification', command: undefined, environment: {} },
    });
    expect(found.task.name).toBe('notify');
  });

  test('by the family in a literal task definition ARN (an existing base)', () => {
    const found = findCatalogTask(bookingSaga, 'prod', {
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-seat-reserve-seats:14',
      container: { name: 'seat', command: undefined, environment: {} },
    });
    expect(`${found.service}/${found.task.name}`).toBe('seat/reserve-seats');
  });

  test('by the container name when nothing else tells', () => {
    const found = findCatalogTask(bookingSaga, 'dev', { taskDefinition: 'arn:aws:ecs:x:1:task-definition/other:1', container: { name: 'compensation', command: undefined, environment: {} } });
    expect(found.task.name).toBe('cancel-booking');
  });

  test('a container name that disagrees with the task is refused', () => {
    expect(() => mapRunTask(bookingSaga, 'dev', runTaskParameters('dev-payment-charge', 'seat'))).toThrow(
      /task payment\/charge has container payment, but the state machine overrides container seat/,
    );
  });

  test('no command override runs the local command as declared', () => {
    expect(localCommand('dev', 'notification', notifyTask, undefined)).toEqual(notifyTask.local!.command);
  });

  test('a command that does not extend the task\'s command cannot be mapped', () => {
    expect(() => localCommand('dev', 'notification', notifyTask, ['python', 'x.py'])).toThrow(TaskMappingError);
    expect(() => localCommand('dev', 'notification', notifyTask, ['python', 'x.py'])).toThrow(/does not start with the task's command \["node","dist\/notify.js"\]/);
  });

  test('a task without local.command says so', () => {
    expect(() => localCommand('dev', 'notification', { ...notifyTask, local: undefined }, undefined)).toThrow(/catalog task notification\/notify has no local.command/);
  });

  test('a non-string environment value would fail RunTask in AWS, so it fails here', () => {
    const parameters = { TaskDefinition: 'x', Overrides: { ContainerOverrides: [{ Name: 'payment', Environment: [{ Name: 'eventDetail', Value: { a: 1 } }] }] } };
    expect(() => mapRunTask(bookingSaga, 'dev', parameters)).toThrow(/environment variable eventDetail is not a string/);
  });
});

describe('npm run local arguments', () => {
  test('defaults: dev, synthesize into cdktf.out, the happy-path booking, fast retries', () => {
    const options = parseLocalArgs([]);
    expect(options).toMatchObject({ environment: 'dev', synth: true, outdir: 'cdktf.out', defaultEvent: true, retryIntervalMs: FAST_RETRY_INTERVAL_MS, timeoutSeconds: 120 });
    expect(options.events).toEqual([DEFAULT_EVENT]);
  });

  test('the README command', () => {
    const options = parseLocalArgs(['--event', 'booking:BookingCreated', '{"bookingId":"b-1","seats":[1,2],"amount":120}']);
    expect(options.events).toEqual([{ service: 'booking', detailType: 'BookingCreated', detail: { bookingId: 'b-1', seats: [1, 2], amount: 120 } }]);
    expect(options.defaultEvent).toBe(false);
  });

  test('every option', () => {
    const options = parseLocalArgs(
      ['--env', 'staging', '--no-synth', '--out', 'x', '--event', 'seat:SeatUpdated', '--timeout', '5', '--trace', 't.json', '--real-retries', '--fail-run-task', 'payment/charge:3', '--fail-run-task', 'seat/reserve-seats', '--port', '4010'],
      {},
    );
    expect(options).toMatchObject({ environment: 'staging', synth: false, outdir: 'x', timeoutSeconds: 5, tracePath: 't.json', retryIntervalMs: undefined, port: 4010 });
    expect(options.events).toEqual([{ service: 'seat', detailType: 'SeatUpdated', detail: {} }]);
    expect(options.runTaskFaults).toEqual({ 'payment/charge': 3, 'seat/reserve-seats': 1 });
  });

  test('CDKTF_OUTDIR is the default output directory', () => {
    expect(parseLocalArgs([], { CDKTF_OUTDIR: 'build/cdktf-out' }).outdir).toBe('build/cdktf-out');
  });

  test.each([
    [['--event', 'BookingCreated'], /expected SERVICE:DETAIL_TYPE/],
    [['--event', 'booking:BookingCreated', '{bad'], /the detail is not valid JSON/],
    [['--event', 'booking:BookingCreated', '[1]'], /must be a JSON object/],
    [['--timeout', '0'], /--timeout must be a positive number/],
    [['--fail-run-task', 'charge'], /expected SERVICE\/TASK/],
    [['--env'], /--env needs a value/],
    [['--bogus'], /unknown argument "--bogus"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseLocalArgs(argv)).toThrow(CliError);
    expect(() => parseLocalArgs(argv)).toThrow(message);
  });
});

describe('describeCause', () => {
  test('a task failure shows the exit code and the last stderr line', () => {
    const cause = JSON.stringify({ Containers: [{ Name: 'payment', ExitCode: 3 }], LocalStderrTail: 'first\nboom: card reader on fire' });
    expect(describeCause(cause)).toBe('container payment exit 3; stderr: boom: card reader on fire');
  });
  test('other causes are shown as text', () => {
    expect(describeCause('Capacity is unavailable')).toBe('Capacity is unavailable');
  });
});
