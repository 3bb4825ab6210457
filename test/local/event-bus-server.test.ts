/** The local EventBridge endpoint, driven by the real AWS SDK client over HTTP. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { busNameOf, publisherOf, type EventEnvelope, type LocalEventBusServer, startLocalEventBus } from '../../local/event-bus-server';

const EXECUTION_ARN = 'arn:aws:states:ap-southeast-1:111111111111:execution:m:e';

describe('local EventBridge endpoint', () => {
  let server: LocalEventBusServer;
  let client: EventBridgeClient;
  const received: { bus: string; event: EventEnvelope; publisher: string; text: string }[] = [];
  const held: string[] = [];
  let nextId = 0;

  beforeAll(async () => {
    server = await startLocalEventBus({
      buses: ['dev-booking', 'dev-payment'],
      region: 'ap-southeast-1',
      account: '111111111111',
      onEvent: (bus, event, publisher, text) => received.push({ bus, event, publisher, text }),
      holdRequest: (publisher) => {
        if (publisher !== 'interrupted-task') return false;
        held.push(publisher);
        return true;
      },
      now: () => new Date('2024-05-01T10:20:30.456Z'),
      newId: () => `id-${++nextId}`,
      describeExecution: (arn) =>
        arn === EXECUTION_ARN
          ? {
              executionArn: arn,
              stateMachineArn: 'arn:aws:states:ap-southeast-1:111111111111:stateMachine:m',
              name: 'e',
              status: 'RUNNING',
              startDate: new Date('2024-05-01T00:00:00Z'),
              input: '{"detail":{"a":"\\\\"}}',
            }
          : undefined,
    });
    client = new EventBridgeClient({
      endpoint: server.endpoint,
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  beforeEach(() => {
    received.length = 0;
  });

  test('PutEvents returns ids and hands the EventBridge envelope to the router', async () => {
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'dev-booking', Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: '{"bookingId":"b-1","seats":[1,2]}' },
          {
            EventBusName: 'arn:aws:events:ap-southeast-1:111111111111:event-bus/dev-payment',
            Source: 'booking-saga.payment',
            DetailType: 'PaymentSucceeded',
            Detail: '{"bookingId":"b-1"}',
            Resources: ['arn:aws:states:ap-southeast-1:111111111111:execution:x:y'],
          },
        ],
      }),
    );
    expect(response.FailedEntryCount).toBe(0);
    expect(response.Entries).toEqual([{ EventId: 'id-1' }, { EventId: 'id-2' }]);
    expect(received.map((r) => r.bus)).toEqual(['dev-booking', 'dev-payment']);
    expect(received[0]!.publisher).toBe('http');
    expect(received[0]!.event).toEqual({
      version: '0',
      id: 'id-1',
      'detail-type': 'BookingCreated',
      source: 'booking-saga.booking',
      account: '111111111111',
      time: '2024-05-01T10:20:30Z',
      region: 'ap-southeast-1',
      resources: [],
      detail: { bookingId: 'b-1', seats: [1, 2] },
    });
    expect(received[1]!.event.resources).toEqual(['arn:aws:states:ap-southeast-1:111111111111:execution:x:y']);
  });

  test('an unknown bus fails that entry only, with ResourceNotFoundException', async () => {
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'dev-nope', Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: '{}' },
          { EventBusName: 'dev-booking', Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: '{}' },
          { Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: '{}' },
        ],
      }),
    );
    expect(response.FailedEntryCount).toBe(2);
    expect(response.Entries![0]).toEqual({ ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus dev-nope does not exist.' });
    expect(response.Entries![1]!.EventId).toMatch(/^id-/);
    expect(response.Entries![2]!.ErrorCode).toBe('ResourceNotFoundException'); // the default bus does not exist locally
    expect(received).toHaveLength(1);
  });

  test('malformed detail, missing fields and aws.* sources fail per entry like EventBridge', async () => {
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'dev-booking', Source: 'booking-saga.booking', DetailType: 'X', Detail: '{not json' },
          { EventBusName: 'dev-booking', Source: 'booking-saga.booking', DetailType: 'X', Detail: '[1,2]' },
          { EventBusName: 'dev-booking', Source: 'booking-saga.booking', Detail: '{}' },
          { EventBusName: 'dev-booking', Source: 'aws.ec2', DetailType: 'X', Detail: '{}' },
        ],
      }),
    );
    expect(response.FailedEntryCount).toBe(4);
    expect(response.Entries!.map((e) => e.ErrorCode)).toEqual(['MalformedDetail', 'MalformedDetail', 'InvalidArgument', 'NotAuthorizedForSourceException']);
    expect(response.Entries![2]!.ErrorMessage).toBe('Parameter DetailType is not valid. Reason: DetailType is a required argument.');
    expect(received).toHaveLength(0);
  });

  test('more than 10 entries is a ValidationException for the whole call', async () => {
    const entry = { EventBusName: 'dev-booking', Source: 's', DetailType: 'X', Detail: '{}' };
    await expect(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(received).toHaveLength(0);
  });

  test('an explicit Time is kept (the SDK sends epoch seconds)', async () => {
    await client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'dev-booking', Source: 's', DetailType: 'X', Detail: '{}', Time: new Date('2020-01-02T03:04:05Z') }] }));
    expect(received[0]!.event.time).toBe('2020-01-02T03:04:05Z');
  });

  test('other operations are refused by name', async () => {
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(((await response.json()) as { message: string }).message).toMatch(/only AWSEvents\.PutEvents, got AWSEvents\.ListRules/);
  });

  test('in-process publishing (the events:putEvents integration) takes an object detail', () => {
    const result = server.bus.putEvents(
      { Entries: [{ EventBusName: 'dev-payment', Source: 'booking-saga.payment', DetailType: 'PaymentFailed', Detail: { bookingId: 'b-2' } }] },
      'state machine dev-booking-charge-payment',
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(received[0]).toMatchObject({ bus: 'dev-payment', publisher: 'state machine dev-booking-charge-payment', event: { detail: { bookingId: 'b-2' } } });
  });

  test('a task process is told apart by the path of its endpoint', async () => {
    const taskClient = new EventBridgeClient({
      endpoint: `${server.endpoint}/task-7`,
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await taskClient.send(new PutEventsCommand({ Entries: [{ EventBusName: 'dev-payment', Source: 's', DetailType: 'X', Detail: '{}' }] }));
    taskClient.destroy();
    expect(received[0]!.publisher).toBe('task-7');
    expect(publisherOf('/')).toBe('http');
    expect(publisherOf('/a%20b/?x=1')).toBe('a b');
  });

  test('DescribeExecution (Step Functions JSON 1.0) answers from the runner, for delivery "reference"', async () => {
    const sfn = new SFNClient({ endpoint: server.endpoint, region: 'ap-southeast-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: EXECUTION_ARN }));
    expect(described.input).toBe('{"detail":{"a":"\\\\"}}');
    expect(JSON.parse(described.input!).detail.a).toBe('\\');
    expect(described.startDate?.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: `${EXECUTION_ARN}x` }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    sfn.destroy();
  });

  test('busNameOf reads names and ARNs', () => {
    expect(busNameOf('dev-seat')).toBe('dev-seat');
    expect(busNameOf('arn:aws:events:eu-west-1:123456789012:event-bus/dev-seat')).toBe('dev-seat');
    expect(busNameOf(undefined)).toBe('default');
  });

  test('the event reaches the router as JSON text with the detail exactly as published (numbers a double cannot hold stay exact)', async () => {
    await client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'dev-booking', Source: 's', DetailType: 'T', Detail: '{"n":9007199254740993,"f":1.50}' }] }));
    expect(received[0]!.text).toContain('"detail":{"n":9007199254740993,"f":1.50}');
    expect(JSON.parse(received[0]!.text)).toEqual({ ...received[0]!.event, detail: { n: 9007199254740992, f: 1.5 } });
  });

  test('entries over 256 KB together fail the whole call, as EventBridge does; at the limit they pass', async () => {
    const entry = (detailBytes: number) => ({ EventBusName: 'dev-booking', Source: 's', DetailType: 'T', Detail: `{"x":"${'y'.repeat(detailBytes - 8)}"}` });
    // Source (1) + DetailType (1) + Detail: two entries of 131,072 bytes are exactly 262,144.
    const half = 128 * 1024 - 2;
    await expect(client.send(new PutEventsCommand({ Entries: [entry(half), entry(half)] }))).resolves.toMatchObject({ FailedEntryCount: 0 });
    received.length = 0;
    await expect(client.send(new PutEventsCommand({ Entries: [entry(half), entry(half + 1)] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    expect(received).toEqual([]);
  });

  test('a held call is neither answered nor processed (a task interrupted while publishing)', async () => {
    const interrupted = new EventBridgeClient({
      endpoint: `${server.endpoint}/interrupted-task`,
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
    const call = interrupted.send(new PutEventsCommand({ Entries: [{ EventBusName: 'dev-booking', Source: 's', DetailType: 'T', Detail: '{}' }] }));
    const outcome = await Promise.race([
      call.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300)),
    ]);
    expect(outcome).toBe('still waiting');
    expect(held).toEqual(['interrupted-task']);
    expect(received).toEqual([]);
    interrupted.destroy();
    await call.catch(() => undefined);
  });
});
