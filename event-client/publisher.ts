/**
 * Publishes events onto a service's own bus with PutEvents: validated before anything is sent,
 * batched by 10 entries and at most 256 KB per request (core/entry-size.ts), retried entry by entry
 * when EventBridge says the failure is transient, and every failure returned to the caller with its
 * code. Nothing is dropped silently.
 *
 * Retries happen at one layer each: a failed call (HTTP 5xx, throttling, a timeout) is retried by
 * the SDK's own retry strategy (`maxAttempts`, with its backoff), and only entries EventBridge
 * answered with a retryable ErrorCode in a successful call are resent by the publisher. Calls have
 * a connection and a request timeout: the SDK's defaults wait forever for an endpoint that accepts
 * the connection and never answers.
 */
import type * as EventBridgeSdk from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { Catalog } from '../catalog/types';
import { MAX_ENTRY_SIZE_BYTES, PUT_EVENTS_MAX_ENTRIES } from '../core/aws-limits';
import { putEventsBatches } from '../core/entry-size';
import { TASK_IDENTITY_ENV } from '../core/container-contract';
import type { EnvironmentConfig } from '../environments/types';
import { type BusDescription, describeBus } from './catalog-rules';
import { type EventInput, type PreparedEntry, prepareEvent, type UnmatchedDetailTypePolicy } from './prepare';
import { backoffDelayMs, isRetryableEntryError } from './retry';

/** Code given to entries of batches never sent because an earlier call failed for good. */
export const NOT_ATTEMPTED = 'NotAttempted';
/** Code given to entries EventBridge's response did not account for (a malformed response). */
export const MISSING_RESULT = 'MissingResultEntry';

export interface PublisherLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface EventPublisherOptions {
  /** Environment name; default `process.env.APP_ENVIRONMENT`. */
  readonly env?: string;
  /** Service that owns the bus and is the event's source; default `process.env.APP_SERVICE`. */
  readonly service?: string;
  /** What to do with a detail-type no rule on the bus matches. Default `warn`. */
  readonly unmatchedDetailType?: UnmatchedDetailTypePolicy;
  /**
   * Default: a client from the SDK's standard configuration (endpoint, region, credentials), with
   * `maxAttempts` and the timeouts below. An injected client keeps its own.
   */
  readonly client?: EventBridgeClient;
  /**
   * Attempts per PutEvents call (the SDK's retry strategy: HTTP 5xx, throttling, timeouts), and per
   * entry EventBridge fails with a retryable ErrorCode (the publisher's). First one included. Default 3.
   */
  readonly maxAttempts?: number;
  /** Milliseconds to establish the connection. Default 3000. */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds for an answer once the request is sent. Default 10000. */
  readonly requestTimeoutMs?: number;
  /** Backoff ceiling before the first retry, doubled for each further retry. Default 100 ms. */
  readonly baseDelayMs?: number;
  /** Longest single backoff wait. Default 5000 ms. */
  readonly maxDelayMs?: number;
  /** PutEvents calls in flight at once. Default 1 (calls in request order). */
  readonly concurrency?: number;
  readonly logger?: PublisherLogger;
  /**
   * The catalog and the environments the bus is looked up in. Given by the caller (a task program
   * passes its own), so the client ships without any concrete configuration.
   */
  readonly catalog: Catalog;
  readonly environments: readonly EnvironmentConfig[];
  /** For tests: replaces the real timer and Math.random in backoff. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface PublishedEntry {
  /** Position in the array given to `publish`. */
  readonly index: number;
  readonly entry: EventInput;
  readonly eventId: string;
}

export interface FailedEntry {
  readonly index: number;
  readonly entry: EventInput;
  /** EventBridge's ErrorCode, the SDK error's name for a failed call, or NotAttempted / MissingResultEntry. */
  readonly code: string;
  readonly message: string;
  /** PutEvents calls that carried this entry. */
  readonly attempts: number;
}

export interface PublishResult {
  /** In the order of the input. */
  readonly sent: readonly PublishedEntry[];
  /** In the order of the input. Empty when everything was accepted. */
  readonly failed: readonly FailedEntry[];
}

/** Thrown before anything is sent when an event is invalid; lists every problem. */
export class EventValidationError extends Error {
  constructor(
    readonly bus: string,
    readonly problems: readonly { index: number; detailType: unknown; problem: string }[],
  ) {
    super(`Refused to publish to bus '${bus}'; nothing was sent:\n${problems.map((p) => `  event ${p.index} (${String(p.detailType)}): ${p.problem}`).join('\n')}`);
    this.name = 'EventValidationError';
  }
}

/** Thrown by `publishOne` when EventBridge did not accept the event. */
export class PublishError extends Error {
  constructor(
    readonly failure: FailedEntry,
    bus: string,
  ) {
    super(`Publishing '${failure.entry.detailType}' to bus '${bus}' failed after ${failure.attempts} attempt(s): ${failure.code}: ${failure.message}`);
    this.name = 'PublishError';
  }
}

/**
 * The EventBridge SDK, loaded when a publisher first sends, not with this module: every task imports
 * the event client to read its event, and the SDK costs ~0.05 s of CPU to load (Node 24, measured),
 * spent for nothing by a task that publishes nothing (a notification, a flow's step, a duplicate
 * delivery that finds its event handled). esbuild still bundles it (delivery/build-tasks.ts).
 */
function eventBridgeSdk(): typeof EventBridgeSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('@aws-sdk/client-eventbridge') as typeof EventBridgeSdk;
}

const consoleLogger: PublisherLogger = { warn: (message) => console.warn(`[event-client] ${message}`) };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function required(value: string | undefined, option: string, variable: string): string {
  if (value === undefined || value.trim() === '') {
    throw new Error(`EventPublisher needs ${option}: pass { ${option} } or set ${variable}.`);
  }
  return value;
}

function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 1) throw new Error(`EventPublisher option ${option} must be a positive integer; found ${value}.`);
  return resolved;
}

export class EventPublisher {
  readonly bus: BusDescription;
  /** The injected client, or the one this publisher created when it first sent. */
  private sdkClient: EventBridgeClient | undefined;
  private readonly ownsClient: boolean;
  /** The region of a client this publisher creates: the environment's, unless AWS_REGION was set when it was constructed. */
  private readonly defaultRegion: string | undefined;
  private readonly timeouts: { connectionTimeoutMs: number; requestTimeoutMs: number };
  /** Where the last PutEvents request went (the SDK resolves it), for messages. */
  private endpoint = 'the EventBridge endpoint';
  private readonly unmatched: UnmatchedDetailTypePolicy;
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly backoff: { baseDelayMs: number; maxDelayMs: number };
  private readonly logger: PublisherLogger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Warn once per detail-type, not once per event. */
  private readonly warned = new Set<string>();

  constructor(options: EventPublisherOptions) {
    const env = required(options.env ?? process.env[TASK_IDENTITY_ENV.environment], 'env', TASK_IDENTITY_ENV.environment);
    const service = required(options.service ?? process.env[TASK_IDENTITY_ENV.service], 'service', TASK_IDENTITY_ENV.service);
    this.bus = describeBus(options.catalog, options.environments, env, service);
    this.unmatched = options.unmatchedDetailType ?? 'warn';
    if (this.unmatched !== 'warn' && this.unmatched !== 'refuse') {
      throw new Error(`EventPublisher option unmatchedDetailType must be 'warn' or 'refuse'; found '${String(this.unmatched)}'.`);
    }
    this.maxAttempts = positiveInteger(options.maxAttempts, 3, 'maxAttempts');
    this.timeouts = {
      connectionTimeoutMs: positiveInteger(options.connectionTimeoutMs, 3000, 'connectionTimeoutMs'),
      requestTimeoutMs: positiveInteger(options.requestTimeoutMs, 10_000, 'requestTimeoutMs'),
    };
    this.concurrency = positiveInteger(options.concurrency, 1, 'concurrency');
    this.backoff = { baseDelayMs: options.baseDelayMs ?? 100, maxDelayMs: options.maxDelayMs ?? 5000 };
    this.logger = options.logger ?? consoleLogger;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.ownsClient = options.client === undefined;
    this.defaultRegion = this.ownsClient ? this.regionOfDefaultClient() : undefined;
    if (options.client) this.sdkClient = this.recordEndpoint(options.client);
  }

  /** The SDK client: the injected one, or the default one, created (and the SDK loaded) on first use. */
  get client(): EventBridgeClient {
    this.sdkClient ??= this.recordEndpoint(this.defaultClient());
    return this.sdkClient;
  }

  /** Notes where each request goes, so that a failure can name the endpoint. */
  private recordEndpoint(client: EventBridgeClient): EventBridgeClient {
    const name = 'eventPublisherRecordsEndpoint';
    if (client.middlewareStack.identify().some((entry) => entry.startsWith(name))) return client;
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { protocol?: string; hostname?: string; port?: number; path?: string };
        if (request.hostname) this.endpoint = `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path ?? '/'}`;
        return next(args);
      },
      { step: 'finalizeRequest', name },
    );
    return client;
  }

  /**
   * The SDK's standard chain decides endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_ENDPOINT_URL),
   * credentials and region; only when no AWS_REGION is set is the environment's region used, since
   * the bus lives there.
   */
  private regionOfDefaultClient(): string | undefined {
    const configured = process.env.AWS_REGION;
    const { region } = this.bus.environment;
    if (configured && configured !== region) {
      this.logger.warn(`AWS_REGION is '${configured}' but environment '${this.bus.environment.name}' is in '${region}'; bus '${this.bus.busName}' is looked up in '${configured}'.`);
    }
    return configured ? undefined : region;
  }

  private defaultClient(): EventBridgeClient {
    const { EventBridgeClient } = eventBridgeSdk();
    return new EventBridgeClient({
      ...(this.defaultRegion ? { region: this.defaultRegion } : {}),
      maxAttempts: this.maxAttempts,
      // throwOnRequestTimeout: without it @smithy/node-http-handler only logs a warning when the
      // request timeout passes, and keeps waiting (its own message says so).
      requestHandler: { connectionTimeout: this.timeouts.connectionTimeoutMs, requestTimeout: this.timeouts.requestTimeoutMs, throwOnRequestTimeout: true },
    });
  }

  /** Validates events without sending anything: what `publish` would refuse, and its warnings. */
  validate(events: readonly EventInput[]): { prepared: PreparedEntry[]; problems: { index: number; detailType: unknown; problem: string }[]; warnings: string[] } {
    const prepared: PreparedEntry[] = [];
    const problems: { index: number; detailType: unknown; problem: string }[] = [];
    const warnings: string[] = [];
    events.forEach((event, index) => {
      const result = prepareEvent(this.bus, event, index, this.unmatched);
      if (result.prepared) prepared.push(result.prepared);
      for (const problem of result.problems) problems.push({ index, detailType: event?.detailType, problem });
      warnings.push(...result.warnings);
    });
    return { prepared, problems, warnings: [...new Set(warnings)] };
  }

  /**
   * Sends the events. Throws EventValidationError (nothing sent) if any is invalid; otherwise
   * resolves with every event either in `sent` or in `failed`.
   */
  async publish(events: readonly EventInput[]): Promise<PublishResult> {
    const { prepared, problems, warnings } = this.validate(events);
    if (problems.length > 0) throw new EventValidationError(this.bus.busName, problems);
    for (const warning of warnings) {
      if (this.warned.has(warning)) continue;
      this.warned.add(warning);
      this.logger.warn(warning);
    }

    // At most 10 entries per request, and at most 256 KB together: EventBridge refuses a larger request whole.
    const batches = putEventsBatches(prepared, { maxEntries: PUT_EVENTS_MAX_ENTRIES, maxBytes: MAX_ENTRY_SIZE_BYTES });

    const sent: PublishedEntry[] = [];
    const failed: FailedEntry[] = [];
    let abandonedBecause: string | undefined;
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        if (abandonedBecause) {
          for (const p of batch) failed.push({ index: p.index, entry: p.input, code: NOT_ATTEMPTED, message: abandonedBecause, attempts: 0 });
          continue;
        }
        const outcome = await this.sendBatch(batch);
        sent.push(...outcome.sent);
        failed.push(...outcome.failed);
        if (outcome.callFailure && !abandonedBecause) {
          abandonedBecause = `not sent: an earlier PutEvents call to bus '${this.bus.busName}' failed with ${outcome.callFailure}`;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
    sent.sort((a, b) => a.index - b.index);
    failed.sort((a, b) => a.index - b.index);
    return { sent, failed };
  }

  /** Publishes one event; resolves with its EventBridge id or throws PublishError / EventValidationError. */
  async publishOne(detailType: string, detail: unknown, extra: Omit<EventInput, 'detailType' | 'detail'> = {}): Promise<PublishedEntry> {
    const result = await this.publish([{ ...extra, detailType, detail }]);
    if (result.failed.length > 0) throw new PublishError(result.failed[0], this.bus.busName);
    return result.sent[0];
  }

  /** Releases the HTTP connections of a client this publisher created (an injected one is left alone). */
  close(): void {
    if (this.ownsClient) this.sdkClient?.destroy();
  }

  /**
   * One batch through PutEvents until every entry is accepted, failed for good, or out of attempts.
   * A call that fails was already retried by the SDK: its failure is final, and `callFailure` tells
   * the caller to stop sending more.
   */
  private async sendBatch(batch: readonly PreparedEntry[]): Promise<{ sent: PublishedEntry[]; failed: FailedEntry[]; callFailure?: string }> {
    const sent: PublishedEntry[] = [];
    const failed: FailedEntry[] = [];
    let pending = batch;
    // Outside the try below: a client that cannot be created is not a failed call.
    const client = this.client;
    const { PutEventsCommand } = eventBridgeSdk();
    for (let attempt = 1; ; attempt++) {
      let results: PutEventsResultEntry[];
      try {
        const response = await client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
        results = response.Entries ?? [];
      } catch (error) {
        const { name, message } = describeError(error);
        const calls = sdkAttempts(error);
        const timeout = name === 'TimeoutError' ? `; request timeout of ${this.timeouts.requestTimeoutMs} ms, connection timeout of ${this.timeouts.connectionTimeoutMs} ms` : '';
        const why = calls > 1 || timeout ? ` (PutEvents to ${this.endpoint} failed after ${calls} attempt${calls === 1 ? '' : 's'}${timeout})` : '';
        for (const p of pending) failed.push({ index: p.index, entry: p.input, code: name, message: message + why, attempts: calls });
        return { sent, failed, callFailure: `${name}: ${message}${why}` };
      }

      const retry: PreparedEntry[] = [];
      pending.forEach((p, position) => {
        // Entries keep request order, so position i answers the i-th entry sent.
        const result = results[position];
        if (result?.EventId && !result.ErrorCode) {
          sent.push({ index: p.index, entry: p.input, eventId: result.EventId });
        } else if (!result) {
          // Unknown fate: not retried, since it may have been accepted and a resend would duplicate it.
          failed.push({ index: p.index, entry: p.input, code: MISSING_RESULT, message: `PutEvents returned ${results.length} result entries for ${pending.length} sent`, attempts: attempt });
        } else if (isRetryableEntryError(result.ErrorCode) && attempt < this.maxAttempts) {
          retry.push(p);
        } else {
          const gaveUp = isRetryableEntryError(result.ErrorCode) ? ` (gave up after ${attempt} attempts)` : '';
          failed.push({
            index: p.index,
            entry: p.input,
            code: result.ErrorCode ?? 'UnknownError',
            message: (result.ErrorMessage ?? 'no error message and no EventId') + gaveUp,
            attempts: attempt,
          });
        }
      });
      if (retry.length === 0) return { sent, failed };
      await this.wait(attempt, `${retry.length} of ${pending.length} entries failed retryably`);
      pending = retry;
    }
  }

  private async wait(attempt: number, reason: string): Promise<void> {
    const delay = backoffDelayMs(attempt - 1, this.backoff, this.random);
    this.logger.debug?.(`${reason} on bus '${this.bus.busName}'; retrying in ${delay} ms (attempt ${attempt + 1} of ${this.maxAttempts})`);
    await this.sleep(delay);
  }
}

/** Attempts the SDK made for a failed call (its `$metadata.attempts`); 1 when it does not say. */
function sdkAttempts(error: unknown): number {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}

function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message };
  return { name: 'Error', message: String(error) };
}
