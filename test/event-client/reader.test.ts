import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { readTaskEvent, TaskEventError } from '../../event-client';
import { EVENT_ENV, runTaskOverrides } from '../../core/container-contract';
import { type FakeAwsServer, startFakeAws, useFakeAwsEnv } from '../support/fake-eventbridge';

const executionArn = 'arn:aws:states:ap-southeast-1:111111111111:execution:dev-booking-charge-payment:3f1c0d2e-7a9b-4c55-9d1e-0a1b2c3d4e5f';
const identity = { id: '6a7e8f90-1234-4abc-8def-0123456789ab', source: 'booking-saga.booking', detailType: 'BookingCreated' };

/** The container environment exactly as the state machine's RunTask overrides set it (the shared contract). */
function containerEnv(delivery: 'environment' | 'reference', detail: unknown): Record<string, string> {
  const overrides = runTaskOverrides({ containerName: 'payment', command: ['node', 'dist/charge-payment.js'], delivery, event: { ...identity, detail }, executionArn });
  return Object.fromEntries(overrides.containerOverrides[0].environment.map(({ name, value }) => [name, value]));
}

describe('delivery by environment variable', () => {
  it('returns the event the state machine put in the container environment', async () => {
    const detail = { bookingId: 'b-1', seats: ['1A', '1B'], note: 'quote " and ünïcode' };
    await expect(readTaskEvent({ env: containerEnv('environment', detail) })).resolves.toEqual({ ...identity, detail, delivery: 'environment', executionArn });
  });

  it('reads process.env by default', async () => {
    const env = containerEnv('environment', { bookingId: 'b-2' });
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    try {
      await expect(readTaskEvent()).resolves.toMatchObject({ detail: { bookingId: 'b-2' }, id: identity.id });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('delivery by reference', () => {
  let server: FakeAwsServer;
  let restoreEnv: () => void;
  beforeAll(async () => {
    server = await startFakeAws();
    restoreEnv = useFakeAwsEnv(server);
  });
  afterAll(async () => {
    restoreEnv();
    await server.close();
  });

  const eventBridgeEvent = (detail: unknown) =>
    JSON.stringify({
      version: '0',
      id: identity.id,
      'detail-type': identity.detailType,
      source: identity.source,
      account: '111111111111',
      time: '2025-01-01T00:00:00Z',
      region: 'ap-southeast-1',
      resources: [],
      detail,
    });

  it('reads the detail from the execution input with DescribeExecution through AWS_ENDPOINT_URL_SFN', async () => {
    const detail = { bookingId: 'b-3', blob: 'x'.repeat(50000) };
    server.executions.set(executionArn, eventBridgeEvent(detail));
    const env = containerEnv('reference', detail);
    expect(env[EVENT_ENV.detail]).toBeUndefined();

    await expect(readTaskEvent({ env })).resolves.toEqual({ ...identity, detail, delivery: 'reference', executionArn });
    expect(server.describeExecutionCalls).toEqual([{ executionArn, includedData: 'ALL_DATA' }]);
  });

  it('uses an injected Step Functions client', async () => {
    const sent: DescribeExecutionCommand[] = [];
    const sfnClient = { send: async (command: DescribeExecutionCommand) => (sent.push(command), { input: eventBridgeEvent({ bookingId: 'b-4' }) }) };
    await expect(readTaskEvent({ env: containerEnv('reference', {}), sfnClient })).resolves.toMatchObject({ detail: { bookingId: 'b-4' } });
    expect(sent[0].input).toEqual({ executionArn, includedData: 'ALL_DATA' });
  });

  it('names the execution when DescribeExecution fails', async () => {
    const missing = executionArn.replace(/:[^:]+$/, ':does-not-exist');
    const env = { ...containerEnv('reference', {}), [EVENT_ENV.executionArn]: missing };
    await expect(readTaskEvent({ env })).rejects.toThrow(`DescribeExecution of ${missing} (from executionArn) failed: ExecutionDoesNotExist: Execution Does Not Exist: '${missing}'`);
  });

  it('refuses an execution input without a detail object', async () => {
    const sfnClient = { send: async () => ({ input: '{"bookingId":"b-5"}' }) };
    await expect(readTaskEvent({ env: containerEnv('reference', {}), sfnClient })).rejects.toThrow(
      `The input of execution ${executionArn} has no 'detail' object (expected the EventBridge event); found: "{\\"bookingId\\":\\"b-5\\"}"`,
    );
  });
});

describe('missing or malformed input', () => {
  const valid = () => containerEnv('environment', { bookingId: 'b-1' });
  const without = (name: string) => Object.fromEntries(Object.entries(valid()).filter(([key]) => key !== name));

  it.each([EVENT_ENV.delivery, EVENT_ENV.id, EVENT_ENV.source, EVENT_ENV.detailType, EVENT_ENV.detail])('names the missing variable %s', async (name) => {
    const attempt = readTaskEvent({ env: without(name) });
    await expect(attempt).rejects.toThrow(TaskEventError);
    await expect(attempt).rejects.toThrow(`Environment variable ${name} is not set`);
  });

  it('says what it found in malformed JSON', async () => {
    await expect(readTaskEvent({ env: { ...valid(), [EVENT_ENV.detail]: '{"bookingId": b-1}' } })).rejects.toThrow(
      /^Environment variable eventDetail is not valid JSON \(.+\); found: "\{\\"bookingId\\": b-1\}"$/,
    );
  });

  it('refuses a detail that is JSON but not an object', async () => {
    await expect(readTaskEvent({ env: { ...valid(), [EVENT_ENV.detail]: '"b-1"' } })).rejects.toThrow('Environment variable eventDetail must be a JSON object; found: "\\"b-1\\""');
  });

  it('shortens a long bad value in the message', async () => {
    const attempt = readTaskEvent({ env: { ...valid(), [EVENT_ENV.detail]: `{${'y'.repeat(5000)}` } });
    await expect(attempt).rejects.toThrow(/found: "\{y{79}…"$/);
  });

  it('refuses an unknown delivery mode and an invalid execution ARN', async () => {
    await expect(readTaskEvent({ env: { ...valid(), [EVENT_ENV.delivery]: 's3' } })).rejects.toThrow(
      "Environment variable eventDelivery must be 'environment' or 'reference'; found: \"s3\"",
    );
    const reference = { ...containerEnv('reference', {}), [EVENT_ENV.executionArn]: 'not-an-arn' };
    await expect(readTaskEvent({ env: reference })).rejects.toThrow('Environment variable executionArn is not a Step Functions execution ARN; found: "not-an-arn"');
  });
});

describe('what a task loads', () => {
  // Each SDK costs a task tens of milliseconds of CPU at every start: a task that reads its detail
  // from the environment and publishes nothing (a notification, a flow's step, a duplicate delivery)
  // must not load them.
  afterEach(() => {
    jest.dontMock('@aws-sdk/client-eventbridge');
    jest.dontMock('@aws-sdk/client-sfn');
  });

  it('loads no AWS SDK to read an event from the environment or to check what it would publish; the SDKs load to send, or to read a detail by reference', async () => {
    let client!: typeof import('../../event-client');
    let configuration!: { catalog: typeof import('../../catalog/booking-saga').bookingSaga; environments: typeof import('../../environments').environments };
    jest.isolateModules(() => {
      for (const sdk of ['@aws-sdk/client-eventbridge', '@aws-sdk/client-sfn']) {
        jest.doMock(sdk, () => {
          throw new Error(`${sdk} loaded`);
        });
      }
      /* eslint-disable @typescript-eslint/no-require-imports -- a fresh module registry, with the SDKs above */
      client = require('../../event-client') as typeof import('../../event-client');
      configuration = {
        catalog: (require('../../catalog/booking-saga') as typeof import('../../catalog/booking-saga')).bookingSaga,
        environments: (require('../../environments') as typeof import('../../environments')).environments,
      };
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
    await expect(client.readTaskEvent({ env: containerEnv('environment', { bookingId: 'b-6' }) })).resolves.toMatchObject({ detail: { bookingId: 'b-6' } });
    await expect(client.readTaskEvent({ env: containerEnv('reference', {}) })).rejects.toThrow('@aws-sdk/client-sfn loaded');
    // A publisher is created and checks its events before it loads the SDK; it loads it to send.
    const publisher = new client.EventPublisher({ ...configuration, env: 'dev', service: 'booking' });
    expect(publisher.validate([{ detailType: 'BookingCreated', detail: { bookingId: 'b-6' } }]).problems).toEqual([]);
    await expect(publisher.publishOne('BookingCreated', { bookingId: 'b-6' })).rejects.toThrow('@aws-sdk/client-eventbridge loaded');
  });
});
