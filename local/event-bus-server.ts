/**
 * A local EventBridge endpoint: `PutEvents` over the real AWS JSON 1.1 protocol on 127.0.0.1, so
 * publishers run the same SDK code as in AWS with `AWS_ENDPOINT_URL_EVENTBRIDGE` pointing here.
 * Each accepted entry becomes an EventBridge event envelope (id and time assigned here) handed to
 * `onEvent`, synchronously before the HTTP response is sent: when a publisher's call returns, the
 * runner already counts its events as pending. Signatures are not checked (no credentials exist).
 *
 * As EventBridge: at most PUT_EVENTS_MAX_ENTRIES entries, and at most MAX_ENTRY_SIZE_BYTES for the
 * entries of one request together (by EventBridge's entry-size rule, core/entry-size.ts), else the
 * whole call fails with ValidationException; each event also reaches `onEvent` as JSON text with
 * the detail exactly as published, so rules match numbers a double cannot hold as EventBridge does.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_ENTRY_SIZE_BYTES, PUT_EVENTS_MAX_ENTRIES } from '../core/aws-limits';
import { putEventsEntrySize } from '../core/entry-size';

/** The event as rules and targets see it in AWS. */
export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** One `PutEvents` request entry (the API's field names). `Detail` may be an object when it comes from Step Functions. */
export interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Resources?: unknown;
  readonly Time?: unknown;
  readonly TraceHeader?: unknown;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: PutEventsResultEntry[];
}

/** Who published (for the timeline): `http` for SDK callers, or what the in-process caller says. */
export type Publisher = string;

export interface LocalEventBusOptions {
  /** Names of the buses that exist; entries for any other bus fail with ResourceNotFoundException. */
  readonly buses: Iterable<string>;
  readonly region: string;
  readonly account: string;
  /**
   * Called for every accepted event, before the PutEvents response is sent. `eventText` is the
   * event as JSON with the detail's own text (number spellings as published).
   */
  readonly onEvent: (busName: string, event: EventEnvelope, publisher: Publisher, eventText: string) => void;
  /**
   * Asked before a PutEvents call over HTTP is processed: true holds it, unanswered and without
   * effect, until the caller goes away (a task interrupted in the middle of publishing).
   */
  readonly holdRequest?: (publisher: Publisher) => boolean;
  /**
   * Answers Step Functions `DescribeExecution` (JSON 1.0) on the same port, so a task with detail
   * delivery `reference` reads its event as in AWS (point `AWS_ENDPOINT_URL_SFN` here too).
   */
  readonly describeExecution?: (executionArn: string) => DescribedExecution | undefined;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

export interface DescribedExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: Date;
  /** The execution input as a JSON string. */
  readonly input: string;
}

export class PutEventsValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

/** The bus and envelope logic, without HTTP: the `events:putEvents` task integration calls it directly. */
export class LocalEventBus {
  private readonly buses: Set<string>;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly options: LocalEventBusOptions) {
    this.buses = new Set(options.buses);
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  get busNames(): readonly string[] {
    return [...this.buses];
  }

  putEvents(request: { Entries?: unknown }, publisher: Publisher): PutEventsResult {
    const entries = request.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > PUT_EVENTS_MAX_ENTRIES) {
      throw new PutEventsValidationError(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${PUT_EVENTS_MAX_ENTRIES}`);
    }
    const total = entries.reduce<number>((sum, entry) => sum + entrySize((entry ?? {}) as PutEventsEntry), 0);
    if (total > MAX_ENTRY_SIZE_BYTES) {
      // "The total entry size must be less than 256KB" (PutEvents); EventBridge refuses the whole call.
      throw new PutEventsValidationError('Total size of the entries in the request is over the limit.');
    }
    const results = entries.map((entry) => this.putEntry((entry ?? {}) as PutEventsEntry, publisher));
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private putEntry(entry: PutEventsEntry, publisher: Publisher): PutEventsResultEntry {
    const accepted = this.toEnvelope(entry);
    if ('ErrorCode' in accepted) return accepted;
    this.options.onEvent(accepted.busName, accepted.event, publisher, envelopeText(accepted.event, accepted.detailText));
    return { EventId: accepted.event.id };
  }

  private toEnvelope(entry: PutEventsEntry): { busName: string; event: EventEnvelope; detailText: string } | { ErrorCode: string; ErrorMessage: string } {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (entry[field] === undefined || entry[field] === null || entry[field] === '') {
        return invalid(`Parameter ${field} is not valid. Reason: ${field} is a required argument.`);
      }
    }
    if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string') {
      return invalid('Parameters Source and DetailType must be strings.');
    }
    if (entry.Source.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `Not authorized for the source ${entry.Source}.` };
    }
    const detail = parseDetail(entry.Detail);
    if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const busName = busNameOf(entry.EventBusName);
    if (!this.buses.has(busName)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    const resources = Array.isArray(entry.Resources) ? entry.Resources.filter((r): r is string => typeof r === 'string') : [];
    return {
      busName,
      detailText: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail),
      event: {
        version: '0',
        id: this.newId(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: this.options.account,
        time: eventTime(entry.Time, this.now()),
        region: this.options.region,
        resources,
        detail,
      },
    };
  }
}

/** The entry's size by EventBridge's rule; a Detail given as an object (Step Functions) counts as its JSON. */
function entrySize(entry: PutEventsEntry): number {
  const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value));
  return putEventsEntrySize({
    Source: text(entry.Source),
    DetailType: text(entry.DetailType),
    Detail: text(entry.Detail),
    Resources: Array.isArray(entry.Resources) ? entry.Resources.map(text) : [],
    ...(entry.Time === undefined || entry.Time === null ? {} : { Time: new Date(0) }),
  });
}

/** The event as JSON text, its detail spliced in as published (a detail's text is a JSON object: checked by `parseDetail`). */
function envelopeText(event: EventEnvelope, detailText: string): string {
  const { detail: _detail, ...head } = event;
  return `${JSON.stringify(head).slice(0, -1)},"detail":${detailText}}`;
}

function invalid(message: string): { ErrorCode: string; ErrorMessage: string } {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: message };
}

/** A name, or an ARN `arn:aws:events:<region>:<account>:event-bus/<name>`; absent means `default`. */
export function busNameOf(eventBusName: unknown): string {
  if (typeof eventBusName !== 'string' || eventBusName === '') return 'default';
  const arn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(eventBusName);
  return arn ? arn[1]! : eventBusName;
}

/** EventBridge requires the detail to be a JSON object; Step Functions may pass it as an object already. */
function parseDetail(detail: unknown): Record<string, unknown> | undefined {
  let value = detail;
  if (typeof detail === 'string') {
    try {
      value = JSON.parse(detail);
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** EventBridge's time format: ISO 8601 to the second (`2017-12-22T18:43:48Z`). The SDK sends `Time` as epoch seconds. */
function eventTime(time: unknown, now: Date): string {
  let date = now;
  if (typeof time === 'number') date = new Date(time * 1000);
  else if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) date = new Date(time);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export interface LocalEventBusServer {
  readonly bus: LocalEventBus;
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

const JSON_11 = 'application/x-amz-json-1.1';
const JSON_10 = 'application/x-amz-json-1.0';
const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';
const DESCRIBE_EXECUTION_TARGET = 'AWSStepFunctions.DescribeExecution';

/** Starts the endpoint on 127.0.0.1 (`port` 0 picks a free one). */
export async function startLocalEventBus(options: LocalEventBusOptions & { readonly port?: number }): Promise<LocalEventBusServer> {
  const bus = new LocalEventBus(options);
  const server = createServer((request, response) => {
    handle(bus, options, request, response).catch((error: unknown) => {
      sendError(response, 500, 'InternalException', (error as Error).message);
    });
  });
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  return {
    bus,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Who is calling, from the endpoint's path: the runner gives each task process its own endpoint
 * `http://127.0.0.1:<port>/<publisher>` (the SDK keeps a custom endpoint's path), so the timeline
 * can say which task published which event. A bare endpoint is `http`.
 */
export function publisherOf(url: string | undefined): Publisher {
  const segment = (url ?? '/').split('?')[0]!.replace(/^\/+|\/+$/g, '');
  return segment === '' ? 'http' : decodeURIComponent(segment);
}

async function handle(bus: LocalEventBus, options: LocalEventBusOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  if (request.method !== 'POST') {
    sendError(response, 405, 'UnknownOperationException', `Only POST is supported, got ${request.method}`);
    return;
  }
  const target = request.headers['x-amz-target'];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    sendError(response, 400, 'SerializationException', 'The request body is not valid JSON');
    return;
  }
  if (target === DESCRIBE_EXECUTION_TARGET && options.describeExecution) {
    describeExecution(options.describeExecution, parsed, response);
    return;
  }
  if (target !== PUT_EVENTS_TARGET) {
    sendError(response, 400, 'UnknownOperationException', `The local EventBridge supports only ${PUT_EVENTS_TARGET}, got ${String(target)}`);
    return;
  }
  const publisher = publisherOf(request.url);
  // Held: never answered; the connection ends when the caller does (or when the server closes).
  if (options.holdRequest?.(publisher)) return;
  try {
    const result = bus.putEvents((parsed ?? {}) as { Entries?: unknown }, publisher);
    send(response, 200, result);
  } catch (error) {
    if (error instanceof PutEventsValidationError) {
      sendError(response, 400, 'ValidationException', error.message);
      return;
    }
    throw error;
  }
}

function describeExecution(describe: NonNullable<LocalEventBusOptions['describeExecution']>, request: unknown, response: ServerResponse): void {
  const arn = (request as { executionArn?: unknown } | null)?.executionArn;
  const execution = typeof arn === 'string' ? describe(arn) : undefined;
  if (!execution) {
    sendError(response, 400, 'ExecutionDoesNotExist', `Execution does not exist: '${String(arn)}'`, JSON_10);
    return;
  }
  send(response, 200, { ...execution, startDate: execution.startDate.getTime() / 1000 }, {}, JSON_10);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = JSON_11): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, type: string, message: string, contentType = JSON_11): void {
  if (response.headersSent) return;
  send(response, status, { __type: type, message }, { 'x-amzn-errortype': type }, contentType);
}
