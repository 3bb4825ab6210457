/**
 * `npm run build:tasks` (delivery/build-tasks.ts), built once into a scratch directory outside the
 * repository: every command of the catalog has its bundle, the bundles are self-contained (no
 * package left to resolve, no dev dependency inside), and a bundle run exactly as the image runs it
 * (`node dist/<bundle>.js` from the working directory) reads the event the state machine hands it
 * and publishes to the local EventBridge endpoint, with credentials from an ECS-style endpoint.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { runTaskOverrides, TASK_IDENTITY_ENV, type DetailDelivery } from '../../core/container-contract';
import { buildTaskBundles, type BuildTasksResult, packageOfInput } from '../../delivery/build-tasks';
import { taskImages } from '../../delivery/task-images';
import { type EventEnvelope, type LocalEventBusServer, startLocalEventBus } from '../../local/event-bus-server';

const ROOT = join(__dirname, '..', '..');
const REGION = 'ap-southeast-1';
const ACCOUNT = '111111111111';

/** `dist/<name>.js` of a `node dist/<name>.js ...` command, parsed here independently of core/task-bundles.ts. */
const distFileOf = (command: readonly string[]): string | undefined => (command[0] === 'node' && /^dist\/[^/]+\.js$/.test(command[1] ?? '') ? command[1] : undefined);

/** Every command the catalog can hand a container: each task's default and each rule's override, with the task it runs. */
const catalogCommands = bookingSaga.services.flatMap((service) => [
  ...service.tasks.map((task) => ({ what: `task ${service.name}/${task.name}`, service: service.name, task: task.name, command: task.command })),
  ...service.rules.flatMap((rule) =>
    'task' in rule.target && rule.target.command ? [{ what: `rule ${service.name}/${rule.name}`, service: rule.target.service, task: rule.target.task, command: rule.target.command }] : [],
  ),
  ...(service.flows ?? []).flatMap((flow) =>
    flow.steps.flatMap((step) =>
      [step.run, step.compensate].flatMap((run) =>
        run?.command ? [{ what: `flow ${service.name}/${flow.name}, step ${step.name}`, service: run.service, task: run.task, command: run.command }] : [],
      ),
    ),
  ),
]);

let workdir: string;
let built: BuildTasksResult;

/** What an earlier build left that this catalog no longer builds: the one build below must remove it. */
const STALE_BUNDLE = 'renamed-long-ago.js';

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'task-bundles-'));
  mkdirSync(join(workdir, 'dist'));
  for (const file of [STALE_BUNDLE, `${STALE_BUNDLE}.map`]) writeFileSync(join(workdir, 'dist', file), '// an earlier build\n');
  built = await buildTaskBundles({ catalog: bookingSaga, root: ROOT, outDir: join(workdir, 'dist') });
}, 60_000);

afterAll(() => rmSync(workdir, { recursive: true, force: true }));

describe('every catalog command has its bundle', () => {
  it('the catalog has commands, and each runs a bundle', () => {
    const tasks = bookingSaga.services.reduce((sum, service) => sum + service.tasks.length, 0);
    const rulesWithCommands = bookingSaga.services.reduce((sum, service) => sum + service.rules.filter((rule) => 'command' in rule.target && rule.target.command).length, 0);
    expect(tasks).toBeGreaterThan(0);
    expect(catalogCommands.length).toBe(tasks + rulesWithCommands);
    for (const { what, command } of catalogCommands) expect([what, distFileOf(command)]).toEqual([what, expect.stringMatching(/^dist\/.+\.js$/)]);
  });

  it.each(catalogCommands.map((c) => [c.what, c] as const))('%s: its file was built, and the image of its task holds it', (_what, { service, task, command }) => {
    const file = distFileOf(command)!;
    expect(existsSync(join(workdir, file))).toBe(true);
    const repository = bookingSaga.services.find((s) => s.name === service)!.tasks.find((t) => t.name === task)!.imageRepository;
    const image = taskImages(bookingSaga).images.find((i) => i.repository === repository)!;
    expect(image.bundles.map((bundle) => `dist/${bundle}.js`)).toContain(file);
  });

  it('builds nothing else: one .js and one .js.map per bundle', () => {
    const expected = [...new Set(catalogCommands.map((c) => distFileOf(c.command)!.slice('dist/'.length)))].flatMap((js) => [js, `${js}.map`]);
    expect(readdirSync(join(workdir, 'dist')).sort()).toEqual(expected.sort());
    expect(built.bundles.map((b) => b.output).sort()).toEqual(
      expected
        .filter((f) => f.endsWith('.js'))
        .map((f) => join(workdir, 'dist', f))
        .sort(),
    );
  });

  it('removes the bundles of an earlier build first', () => {
    // The output directory held an earlier build's bundle before the build (beforeAll); the test above holds the exact listing.
    expect(readdirSync(join(workdir, 'dist')).filter((file) => file.startsWith(STALE_BUNDLE))).toEqual([]);
  });
});

describe('the bundles are self-contained', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

  it("import nothing but Node built-ins (esbuild's own record of what it left outside): the image has no node_modules", () => {
    for (const bundle of built.bundles) {
      const output = Object.entries(built.metafile.outputs).find(([file]) => file.endsWith(`dist/${bundle.name}.js`))![1];
      const left = output.imports.filter((item) => item.external).map((item) => item.path);
      expect(left.length).toBeGreaterThan(0);
      expect([bundle.name, [...new Set(left.filter((name) => !builtins.has(name)))]]).toEqual([bundle.name, []]);
      expect(output.imports.filter((item) => !item.external)).toEqual([]);
    }
  });

  it('carry the AWS SDK clients they call, and no dev dependency (package-lock.json "dev")', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
    const devOnly = new Set(
      Object.entries(lock.packages)
        .filter(([path, entry]) => path !== '' && (entry.dev === true || entry.devOptional === true))
        .map(([path]) => packageOfInput(path)!),
    );
    expect(devOnly.has('esbuild')).toBe(true); // the lock does mark dev packages
    for (const bundle of built.bundles) {
      expect(bundle.packages).toContain('@aws-sdk/client-sfn'); // the reader's DescribeExecution
      expect([bundle.name, bundle.packages.filter((name) => devOnly.has(name))]).toEqual([bundle.name, []]);
    }
    const publishers = built.bundles.filter((b) => b.packages.includes('@aws-sdk/client-eventbridge')).map((b) => b.name);
    expect(publishers.sort()).toEqual(['cancel-booking', 'charge-payment', 'reserve-seats']);
  });

  it('every bundle input under node_modules is a package, and none is outside the repository', () => {
    for (const input of Object.keys(built.metafile.inputs)) {
      expect(input.startsWith('..')).toBe(false);
      if (input.includes('node_modules/')) expect(packageOfInput(input)).toMatch(/^(@[^/]+\/)?[^/@]+$/);
    }
    expect(packageOfInput('node_modules/a/node_modules/@s/b/x.js')).toBe('@s/b');
    expect(packageOfInput('core/naming.ts')).toBeUndefined();
  });

  it('each has its source map beside it, mapping back to its TypeScript source', () => {
    for (const bundle of built.bundles) {
      expect(readFileSync(bundle.output, 'utf8').trimEnd().endsWith(`//# sourceMappingURL=${bundle.name}.js.map`)).toBe(true);
      const map = JSON.parse(readFileSync(`${bundle.output}.map`, 'utf8')) as { sources: string[] };
      expect(map.sources.some((source) => source.endsWith(bundle.source))).toBe(true);
    }
  });
});

describe('a bundle runs as the image runs it, against the local EventBridge endpoint', () => {
  let server: LocalEventBusServer;
  let credentials: Server;
  let credentialRequests = 0;
  const received: { bus: string; event: EventEnvelope }[] = [];
  const executionInputs = new Map<string, string>();

  beforeAll(async () => {
    server = await startLocalEventBus({
      buses: bookingSaga.services.map((s) => `dev-${s.name}`),
      region: REGION,
      account: ACCOUNT,
      onEvent: (bus, event) => received.push({ bus, event }),
      describeExecution: (arn) => {
        const input = executionInputs.get(arn);
        return input === undefined
          ? undefined
          : { executionArn: arn, stateMachineArn: arn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''), name: 'run', status: 'RUNNING', startDate: new Date(), input };
      },
    });
    // What an ECS task's credential provider answers (the SDK's container credentials, by full URI on loopback).
    credentials = createServer((_request, response) => {
      credentialRequests++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', Token: 'token', Expiration: new Date(Date.now() + 3_600_000).toISOString() }));
    });
    await new Promise<void>((resolve) => credentials.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => credentials.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
    credentialRequests = 0;
  });

  /** Runs `command` (node dist/...) in the scratch directory with what ECS gives the container. */
  function runTask(
    service: string,
    containerName: string,
    command: readonly string[],
    event: { id: string; source: string; detailType: string; detail: unknown },
    delivery: DetailDelivery,
    executionArn: string,
  ) {
    const overrides = runTaskOverrides({ containerName, command, delivery, event, executionArn }).containerOverrides[0]!;
    const env: Record<string, string> = {
      HOME: workdir,
      AWS_REGION: REGION,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${(credentials.address() as AddressInfo).port}/v2/credentials/task`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: server.endpoint,
      AWS_ENDPOINT_URL_SFN: server.endpoint,
      NODE_OPTIONS: '--enable-source-maps',
      [TASK_IDENTITY_ENV.environment]: 'dev',
      [TASK_IDENTITY_ENV.service]: service,
      ...Object.fromEntries(overrides.environment.map(({ name, value }) => [name, value])),
    };
    const [, ...args] = overrides.command;
    const child = spawn(process.execPath, args, { cwd: workdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr: withoutOldNodeNotice(stderr) })));
  }

  /**
   * The images run Node 24. Under a Node older than 22 (this suite may still run on 20) the SDK
   * prints a notice about its plans; nothing else may reach stderr.
   */
  function withoutOldNodeNotice(stderr: string): string {
    if (Number(process.versions.node.split('.')[0]) >= 22) return stderr;
    return stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/, '');
  }

  const taskOf = (service: string) => bookingSaga.services.find((s) => s.name === service)!.tasks[0]!;

  it('the payment task (delivery by environment) publishes PaymentSucceeded on its own bus', async () => {
    const charge = taskOf('payment');
    const detail = { bookingId: 'b-1', seats: [1, 2], amount: 120 };
    const result = await runTask(
      'payment',
      charge.containerName,
      charge.command,
      { id: 'evt-12345678-abcd', source: 'booking-saga.booking', detailType: 'BookingCreated', detail },
      'environment',
      `arn:aws:states:${REGION}:${ACCOUNT}:execution:dev-booking-charge-payment:run-1`,
    );
    expect(result).toEqual({ code: 0, stdout: 'payment: charged 120 for booking b-1 (pay-evt-1234)\n', stderr: '' });
    expect(received.map(({ bus, event }) => [bus, event.source, event['detail-type'], event.detail])).toEqual([
      ['dev-payment', 'booking-saga.payment', 'PaymentSucceeded', { ...detail, paymentId: 'pay-evt-1234' }],
    ]);
    expect(credentialRequests).toBeGreaterThan(0);
  }, 30_000);

  it("the compensation task with a rule's arguments (delivery by reference) reads the execution and publishes BookingCancelled", async () => {
    const cancel = taskOf('compensation');
    const rule = bookingSaga.services.find((s) => s.name === 'payment')!.rules.find((r) => r.name === 'compensate-payment-failure')!;
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:dev-payment-compensate-payment-failure:run-2`;
    const detail = { bookingId: 'b-2', amount: 5000, paymentId: 'pay-1' };
    executionInputs.set(executionArn, JSON.stringify({ detail }));
    const result = await runTask(
      'compensation',
      cancel.containerName,
      ('command' in rule.target ? rule.target.command : undefined)!,
      { id: 'evt-2', source: 'booking-saga.payment', detailType: 'PaymentFailed', detail },
      'reference',
      executionArn,
    );
    expect(result).toEqual({ code: 0, stdout: 'compensation: cancelling booking b-2 (payment-failed), refund 5000 of pay-1\n', stderr: '' });
    expect(received.map(({ bus, event }) => [bus, event['detail-type'], event.detail])).toEqual([
      ['dev-compensation', 'BookingCancelled', { bookingId: 'b-2', reason: 'payment-failed', refund: 5000, paymentId: 'pay-1' }],
    ]);
  }, 30_000);

  it('a task that crashes after charging exits 1 and publishes nothing (the Catch announces it)', async () => {
    const charge = taskOf('payment');
    const result = await runTask(
      'payment',
      charge.containerName,
      charge.command,
      { id: 'evt-3', source: 'booking-saga.booking', detailType: 'BookingCreated', detail: { bookingId: 'b-3', amount: 1, simulate: 'crash' } },
      'environment',
      `arn:aws:states:${REGION}:${ACCOUNT}:execution:m:run-3`,
    );
    expect(result).toEqual({ code: 1, stdout: 'payment: charged 1 for booking b-3 (pay-evt-3)\n', stderr: 'payment: simulated crash after charging booking b-3\n' });
    expect(received).toEqual([]);
  }, 30_000);
});
