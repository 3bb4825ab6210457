/**
 * A real HTTP server on 127.0.0.1 speaking the AWS JSON protocols the event client uses:
 * EventBridge `AWSEvents.PutEvents` (application/x-amz-json-1.1) and Step Functions
 * `AWSStepFunctions.DescribeExecution` (application/x-amz-json-1.0). The real SDK clients reach it
 * through AWS_ENDPOINT_URL_EVENTBRIDGE / AWS_ENDPOINT_URL_SFN, so the SDK's serialisation, signing,
 * error parsing and retries all run for real. Replies are scripted per call.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RequestEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: string[];
  readonly Time?: number;
}

export interface PutEventsCall {
  readonly entries: readonly RequestEntry[];
  readonly headers: http.IncomingHttpHeaders;
}

export type ResultEntry = { readonly EventId: string } | { readonly ErrorCode: string; readonly ErrorMessage: string };

export type PutEventsReply =
  /** HTTP 200 with these result entries (one per request entry, in order). */
  | { readonly results: readonly ResultEntry[] }
  /** The whole call fails: an AWS JSON error body with this HTTP status. */
  | { readonly status: number; readonly errorType: string; readonly message: string };

/** `callIndex` counts PutEvents calls from 0 since the server started (or since `reset`). */
export type PutEventsHandler = (call: PutEventsCall, callIndex: number) => PutEventsReply;

let eventCounter = 0;
/** A fresh, unique EventId. */
export const newEventId = (): string => `00000000-0000-4000-8000-${String(++eventCounter).padStart(12, '0')}`;

/** Every entry accepted. */
export const acceptAll: PutEventsHandler = (call) => ({ results: call.entries.map(() => ({ EventId: newEventId() })) });

/** Fails the entries at the given positions of each call with `code`, accepts the rest. */
export const failPositions =
  (positions: readonly number[], code: string, message = `${code} (scripted)`): PutEventsHandler =>
  (call) => ({
    results: call.entries.map((_, position) => (positions.includes(position) ? { ErrorCode: code, ErrorMessage: message } : { EventId: newEventId() })),
  });

/** Fails the entries whose Detail satisfies `predicate`. */
export const failWhere =
  (predicate: (entry: RequestEntry) => boolean, code: string, message = `${code} (scripted)`): PutEventsHandler =>
  (call) => ({
    results: call.entries.map((entry) => (predicate(entry) ? { ErrorCode: code, ErrorMessage: message } : { EventId: newEventId() })),
  });

/** The whole call fails. */
export const callError = (status: number, errorType: string, message = `${errorType} (scripted)`): PutEventsReply => ({ status, errorType, message });

/** Handlers by call index; the last one answers every later call. */
export const sequence =
  (...handlers: PutEventsHandler[]): PutEventsHandler =>
  (call, callIndex) =>
    handlers[Math.min(callIndex, handlers.length - 1)](call, callIndex);

export interface FakeAwsServer {
  readonly url: string;
  /** Recorded PutEvents calls (unless started with `record: false`). */
  readonly putEventsCalls: PutEventsCall[];
  readonly describeExecutionCalls: { executionArn: string; includedData?: string }[];
  /** Total PutEvents calls and entries received, recorded or not. */
  readonly counts: { calls: number; entries: number };
  /** Execution ARN → input JSON, for DescribeExecution. */
  readonly executions: Map<string, string>;
  onPutEvents(handler: PutEventsHandler): void;
  /** Forget recorded calls and restart call indexes. */
  reset(): void;
  close(): Promise<void>;
}

function send(response: http.ServerResponse, status: number, contentType: string, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `req-${Date.now()}`,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}

export async function startFakeAws(options: { record?: boolean; handler?: PutEventsHandler } = {}): Promise<FakeAwsServer> {
  const record = options.record ?? true;
  let handler = options.handler ?? acceptAll;
  let callIndex = 0;
  const state = {
    putEventsCalls: [] as PutEventsCall[],
    describeExecutionCalls: [] as { executionArn: string; includedData?: string }[],
    counts: { calls: 0, entries: 0 },
    executions: new Map<string, string>(),
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        send(response, 400, 'application/x-amz-json-1.1', { __type: 'SerializationException', message: 'body is not JSON' }, 'SerializationException');
        return;
      }
      if (request.method === 'POST' && target === 'AWSEvents.PutEvents') {
        const call: PutEventsCall = { entries: (body.Entries as RequestEntry[]) ?? [], headers: request.headers };
        state.counts.calls++;
        state.counts.entries += call.entries.length;
        if (record) state.putEventsCalls.push(call);
        const reply = handler(call, callIndex++);
        const json = 'application/x-amz-json-1.1';
        if ('results' in reply) {
          const failed = reply.results.filter((result) => 'ErrorCode' in result).length;
          send(response, 200, json, { FailedEntryCount: failed, Entries: reply.results });
        } else {
          send(response, reply.status, json, { __type: reply.errorType, message: reply.message }, reply.errorType);
        }
        return;
      }
      if (request.method === 'POST' && target === 'AWSStepFunctions.DescribeExecution') {
        const executionArn = String(body.executionArn);
        state.describeExecutionCalls.push({ executionArn, includedData: body.includedData as string | undefined });
        const input = state.executions.get(executionArn);
        const json = 'application/x-amz-json-1.0';
        if (input === undefined) {
          send(response, 400, json, { __type: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${executionArn}'` }, 'ExecutionDoesNotExist');
          return;
        }
        const parts = executionArn.split(':');
        send(response, 200, json, {
          executionArn,
          stateMachineArn: [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':'),
          name: parts[7],
          status: 'RUNNING',
          startDate: Date.now() / 1000,
          input,
          inputDetails: { included: true },
        });
        return;
      }
      send(response, 400, 'application/x-amz-json-1.1', { __type: 'UnknownOperationException', message: `fake server does not speak '${target}'` }, 'UnknownOperationException');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    onPutEvents(next) {
      handler = next;
      callIndex = 0;
    },
    reset() {
      state.putEventsCalls.length = 0;
      state.describeExecutionCalls.length = 0;
      state.counts.calls = 0;
      state.counts.entries = 0;
      callIndex = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The variables that point the real SDK at the fake server, with fake credentials. */
export function fakeAwsEnv(server: FakeAwsServer, region = 'ap-southeast-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_EVENTBRIDGE: server.url,
    AWS_ENDPOINT_URL_SFN: server.url,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    AWS_REGION: region,
  };
}

/** Sets `fakeAwsEnv` on process.env; returns a function restoring the previous values. */
export function useFakeAwsEnv(server: FakeAwsServer, region?: string): () => void {
  const variables = { ...fakeAwsEnv(server, region), AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined } as Record<string, string | undefined>;
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(variables);
  return () => apply(previous);
}
