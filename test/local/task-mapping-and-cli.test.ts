import { bookingSaga } from '../../catalog/booking-saga';
import { DEFAULT_EVENT, FAST_RETRY_INTERVAL_MS, LOCAL_OUTDIR, parseLocalArgs } from '../../local/cli';
import { UsageError as CliError } from '../../tooling/cli';
import { findCatalogTask, localCommand, mapRunTask, TaskMappingError } from '../../local/task-mapping';
import { describeCause, formatEntry, formatSummary, summarize } from '../../local/timeline';
import { ALREADY_HANDLED_EXIT_CODE } from '../../core/container-contract';

const notifyTask = bookingSaga.services.find((s) => s.name === 'notification')!.tasks[0]!;

const runTaskParameters = (taskDefinition: string, name: string, command?: string[]) => ({
  TaskDefinition: taskDefinition,
  Overrides: { ContainerOverrides: [{ Name: name, ...(command ? { Command: command } : {}), Environment: [{ Name: 'eventId', Value: 'e-1' }] }] },
});

describe('mapping a RunTask call to a local process', () => {
  test("by the family the state machine runs, with the rule's extra arguments appended", () => {
    const { request, local } = mapRunTask(bookingSaga, 'dev', runTaskParameters('dev-notification-notify', 'notification', ['node', 'dist/notify.js', '--template', 'booking-confirmed']));
    expect(local.key).toBe('notification/notify');
    expect(local.command).toEqual(['node', '--require', './tooling/register-ts.cjs', 'task-programs/booking-saga/notify.ts', '--template', 'booking-confirmed']);
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
    const found = findCatalogTask(bookingSaga, 'dev', {
      taskDefinition: 'arn:aws:ecs:x:1:task-definition/other:1',
      container: { name: 'compensation', command: undefined, environment: {} },
    });
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

  test("a command that does not extend the task's command cannot be mapped", () => {
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
  test('defaults: dev, synthesize into .local/cdktf.out (never cdktf.out), the happy-path booking, fast retries, 4 task slots', () => {
    const options = parseLocalArgs([]);
    expect(options).toMatchObject({
      environment: 'dev',
      environmentGiven: false,
      synth: true,
      outdir: '.local/cdktf.out',
      defaultEvent: true,
      retryIntervalMs: FAST_RETRY_INTERVAL_MS,
      timeoutSeconds: 120,
      maxTasks: 4,
      stopTimeoutSeconds: 30,
      duplicateDelivery: undefined,
      runTaskFaults: [],
      deliveryFaults: [],
    });
    expect(options.outdir).toBe(LOCAL_OUTDIR);
    expect(options.events).toEqual([DEFAULT_EVENT]);
  });

  test('the README command: the detail is kept as written', () => {
    const options = parseLocalArgs(['--event', 'booking:BookingCreated', '{"bookingId":"b-1","seats":[1,2],"amount":120}']);
    expect(options.events).toEqual([{ service: 'booking', detailType: 'BookingCreated', detail: '{"bookingId":"b-1","seats":[1,2],"amount":120}' }]);
    expect(options.defaultEvent).toBe(false);
  });

  test('every option', () => {
    const options = parseLocalArgs([
      '--env',
      'staging',
      '--no-synth',
      '--out',
      'x',
      '--event',
      'seat:SeatUpdated',
      '--timeout',
      '5',
      '--trace',
      't.json',
      '--real-retries',
      '--fail-run-task',
      'payment/charge:3',
      '--fail-run-task',
      'seat/reserve-seats:spot',
      '--fail-run-task',
      'payment/charge:server-error:2',
      '--fail-delivery',
      'payment/reserve-seats:all',
      '--fail-delivery',
      'seat/compensate-seat-failure',
      '--duplicate-delivery',
      '0.5',
      '--seed',
      '42',
      '--max-tasks',
      '2',
      '--stop-timeout',
      '5',
      '--work-dir',
      'w',
      '--port',
      '4010',
    ]);
    expect(options).toMatchObject({
      environment: 'staging',
      environmentGiven: true,
      synth: false,
      outdir: 'x',
      timeoutSeconds: 5,
      tracePath: 't.json',
      retryIntervalMs: undefined,
      port: 4010,
    });
    expect(options).toMatchObject({ maxTasks: 2, stopTimeoutSeconds: 5, workDir: 'w', duplicateDelivery: { probability: 0.5, seed: 42 } });
    expect(options.events).toEqual([{ service: 'seat', detailType: 'SeatUpdated', detail: '{}' }]);
    expect(options.runTaskFaults).toEqual([
      { task: 'payment/charge', kind: 'capacity', count: 3 },
      { task: 'seat/reserve-seats', kind: 'spot', count: 1 },
      { task: 'payment/charge', kind: 'server-error', count: 2 },
    ]);
    expect(options.deliveryFaults).toEqual([
      { rule: 'payment/reserve-seats', count: 'all' },
      { rule: 'seat/compensate-seat-failure', count: 1 },
    ]);
  });

  test('without --seed, duplicate delivery draws one (printed, so a run can be replayed)', () => {
    expect(parseLocalArgs(['--duplicate-delivery', '1'], () => 1234).duplicateDelivery).toEqual({ probability: 1, seed: 1234 });
  });

  test('CDKTF_OUTDIR does not choose where npm run local synthesizes: it would clobber a full synth', () => {
    const saved = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = 'cdktf.out';
    try {
      expect(parseLocalArgs([]).outdir).toBe('.local/cdktf.out');
    } finally {
      if (saved === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = saved;
    }
  });

  test.each([
    [['--event', 'BookingCreated'], /expected SERVICE:DETAIL_TYPE/],
    [['--event', 'booking:BookingCreated', '{bad'], /the detail is not valid JSON/],
    [['--event', 'booking:BookingCreated', '[1]'], /must be a JSON object/],
    [['--timeout', '0'], /--timeout must be a positive number/],
    [['--timeout', 'soon'], /--timeout must be a positive number/],
    [['--timeout', '2147484'], /--timeout must be at most 2147483 seconds/],
    [['--fail-run-task', 'charge'], /expected SERVICE\/TASK\[:KIND\]\[:N\]/],
    [['--fail-run-task', 'payment/charge:meteor'], /unknown fault kind "meteor" \(kinds: capacity, server-error, throttled, throttled-lookup, inactive, start-failure, spot\)/],
    [['--fail-run-task', 'payment/charge:0'], /N must be at least 1/],
    [['--fail-delivery', 'payment'], /expected SERVICE\/RULE\[:N\|:all\]/],
    [['--fail-delivery', 'payment/reserve-seats:0'], /N must be at least 1/],
    [['--duplicate-delivery', '1.5'], /--duplicate-delivery must be a probability from 0 to 1/],
    [['--duplicate-delivery', ''], /--duplicate-delivery needs a value|probability/],
    [['--seed', '3'], /--seed is only used with --duplicate-delivery/],
    [['--max-tasks', '0'], /--max-tasks: expected a whole number of at least 1/],
    [['--stop-timeout', '121'], /--stop-timeout must be 0 to 120 seconds/],
    [['--scenario', 'x.json', '--event', 'booking:BookingCreated'], /--scenario gives the events and faults itself; leave out --event/],
    [['--scenario', 'x.json', '--fail-run-task', 'payment/charge'], /leave out --fail-run-task/],
    [['--env'], /--env needs a value/],
    [['--bogus'], /unknown argument "--bogus"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseLocalArgs(argv)).toThrow(CliError);
    expect(() => parseLocalArgs(argv)).toThrow(message);
  });
});

describe('describeCause', () => {
  test('a task failure shows the stop code, the exit code and the stopped reason', () => {
    const cause = JSON.stringify({ Containers: [{ Name: 'payment', ExitCode: 3 }], StopCode: 'EssentialContainerExited', StoppedReason: 'Essential container in task exited' });
    expect(describeCause(cause)).toBe('EssentialContainerExited: container payment exit 3 (Essential container in task exited)');
  });
  test('other causes are shown as text', () => {
    expect(describeCause('Capacity is unavailable')).toBe('Capacity is unavailable');
  });
});

describe('exit codes of the container contract in the timeline', () => {
  const finished = (exitCode: number | null) =>
    formatEntry(
      { at: 1.5, kind: 'task-finished', execution: 'dev-payment-charge', state: 'RunTask', task: 'payment/charge', attempt: 1, exitCode, durationSeconds: 0.4, published: [] },
      () => '',
    );
  const summaryLine = (exitCode: number) =>
    formatSummary(
      summarize(
        'dev',
        [{ at: 1.5, kind: 'task-finished', execution: 'dev-payment-charge', state: 'RunTask', task: 'payment/charge', attempt: 1, exitCode, durationSeconds: 0.4, published: [] }],
        'completed',
        2,
        [],
      ),
    ).find((line) => line.includes('task:'));

  test('a task that found its event claimed says so, in the run and in the summary', () => {
    expect(ALREADY_HANDLED_EXIT_CODE).toBe(99);
    expect(finished(99)).toContain('■ task payment/charge exited 99 (already handled: another execution claimed this event) after');
    expect(summaryLine(99)).toBe('  task:       payment/charge exit 99 (already handled: another execution claimed this event) in 0.40s');
  });

  test('other exit codes carry no note', () => {
    expect(finished(0)).toContain('■ task payment/charge exited 0 after');
    expect(finished(98)).toContain('exited 98 after');
    expect(summaryLine(1)).toBe('  task:       payment/charge exit 1 in 0.40s');
  });
});
