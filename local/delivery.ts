/**
 * EventBridge delivering a matched event to a rule's target, as EventBridge does it:
 *
 * - Delivery is StartExecution. When it fails with a retriable error, it is retried within the
 *   target's retry policy (MaximumRetryAttempts retries, while the event is younger than
 *   MaximumEventAgeInSeconds); an error that can never succeed (a missing permission or resource, a
 *   bad parameter) is not retried ("Event retry policy and using dead-letter queues").
 * - When delivery gives up, the event goes to the target's dead-letter queue with the attributes
 *   EventBridge sets (RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION,
 *   RETRY_ATTEMPTS); without a queue it is dropped.
 * - Delivery is at least once: with probability `duplicateProbability` an event is delivered a
 *   second time (a second execution with the same event, as a duplicate delivery starts one).
 *   Draws are seeded per rule (faults.ts `seededRandom`), so a seeded run is reproducible.
 *
 * What is not AWS's: EventBridge documents "exponential back off and jitter" but not its schedule,
 * so locally each retry waits `retryIntervalMs`; the age limit is checked against the real age of
 * the event (at least 60 s by the API's range, so a fast local run ends its retries by their number).
 */
import type { EventEnvelope } from './event-bus-server';
import { seededRandom } from './faults';
import type { LoadedRule, LoadedTarget } from './synth-loader';
import type { TimelineRecord } from './timeline';

/** A failed StartExecution, as EventBridge classifies it for the dead-letter queue. */
export class StartExecutionError extends Error {
  constructor(
    /** The dead-letter ERROR_CODE: THROTTLING, INVALID_PARAMETER, NO_RESOURCE, ... */
    readonly errorCode: string,
    message: string,
    /** False for errors every retry would repeat: EventBridge sends the event to the DLQ at once. */
    readonly retriable: boolean,
  ) {
    super(message);
    this.name = 'StartExecutionError';
  }
}

/** One message of a dead-letter queue: the event as its body, and EventBridge's attributes. */
export interface DeadLetter {
  readonly queue: string;
  readonly rule: string;
  /** The event's sequence number in the run. */
  readonly seq: number;
  readonly body: string;
  readonly attributes: {
    readonly RULE_ARN: string;
    readonly TARGET_ARN: string;
    readonly ERROR_CODE: string;
    readonly ERROR_MESSAGE: string;
    /** `MaximumRetryAttempts` or `MaximumEventAgeInSeconds`; absent when the error was not retried. */
    readonly EXHAUSTED_RETRY_CONDITION?: string;
    readonly RETRY_ATTEMPTS: string;
  };
}

export interface DeliveryOptions {
  /** Pause before each retry (EventBridge's own schedule is not documented). */
  readonly retryIntervalMs: number;
  /** Full rule name → StartExecution attempts to fail (THROTTLING), or `all`. */
  readonly faults?: ReadonlyMap<string, number | 'all'>;
  /** 0 to 1: the chance that a delivered event is delivered a second time. */
  readonly duplicateProbability?: number;
  readonly seed?: number;
  /**
   * StartExecution: starts the target's execution with the event, or throws StartExecutionError.
   * `how` says whether this is a duplicate or which retry it is (for the timeline).
   */
  readonly startExecution: (rule: LoadedRule, target: LoadedTarget, event: EventEnvelope, seq: number, how: { duplicate?: boolean; retries?: number }) => void;
  readonly record: (entry: TimelineRecord) => void;
  /** Keeps the run open while a retry is pending. */
  readonly track: (pending: Promise<void>) => void;
  /** Aborted when the run ends: pending retries are dropped. */
  readonly signal: AbortSignal;
  readonly now?: () => number;
}

export class EventDelivery {
  /** Every dead-letter queue that received something, by queue name, in order. */
  readonly deadLetters: DeadLetter[] = [];
  private readonly attemptsFailed = new Map<string, number>();
  private readonly deliveries = new Map<string, number>();

  constructor(private readonly options: DeliveryOptions) {}

  /** Delivers `event` (sequence number `seq`, received at `receivedAt` ms) to one target of `rule`. */
  deliver(rule: LoadedRule, target: LoadedTarget, event: EventEnvelope, seq: number, receivedAt = this.now()): void {
    this.attempt(rule, target, event, seq, receivedAt, 1);
  }

  private attempt(rule: LoadedRule, target: LoadedTarget, event: EventEnvelope, seq: number, receivedAt: number, attempt: number): void {
    const retries = attempt - 1;
    let failure: StartExecutionError | undefined;
    let injected = false;
    const fault = this.options.faults?.get(rule.name);
    const failedSoFar = this.attemptsFailed.get(rule.name) ?? 0;
    if (fault !== undefined && (fault === 'all' || failedSoFar < fault)) {
      this.attemptsFailed.set(rule.name, failedSoFar + 1);
      failure = new StartExecutionError('THROTTLING', 'Rate exceeded (StartExecution throttled)', true);
      injected = true;
    } else {
      try {
        this.options.startExecution(rule, target, event, seq, retries > 0 ? { retries } : {});
      } catch (error) {
        if (!(error instanceof StartExecutionError)) throw error;
        failure = error;
      }
    }
    if (!failure) {
      this.maybeDuplicate(rule, target, event, seq);
      return;
    }

    const { maximumRetryAttempts, maximumEventAgeSeconds } = target.retryPolicy;
    const retryAt = this.now() + this.options.retryIntervalMs;
    let exhausted: string | undefined;
    if (failure.retriable) {
      if (retries >= maximumRetryAttempts) exhausted = 'MaximumRetryAttempts';
      else if (retryAt - receivedAt > maximumEventAgeSeconds * 1000) exhausted = 'MaximumEventAgeInSeconds';
    }
    const willRetry = failure.retriable && exhausted === undefined;
    this.options.record({
      kind: 'delivery-failed',
      seq,
      rule: rule.name,
      attempt,
      errorCode: failure.errorCode,
      message: failure.message,
      ...(willRetry ? { retryInMs: this.options.retryIntervalMs } : {}),
      ...(injected ? { injected } : {}),
    });
    if (willRetry) {
      this.options.track(
        delay(this.options.retryIntervalMs, this.options.signal).then((waited) => {
          if (waited) this.attempt(rule, target, event, seq, receivedAt, attempt + 1);
        }),
      );
      return;
    }
    this.deadLetter(rule, target, event, seq, failure, retries, exhausted);
  }

  private deadLetter(rule: LoadedRule, target: LoadedTarget, event: EventEnvelope, seq: number, failure: StartExecutionError, retries: number, exhausted: string | undefined): void {
    const queue = target.deadLetterQueue?.name;
    this.options.record({
      kind: 'dead-lettered',
      seq,
      rule: rule.name,
      queue,
      errorCode: failure.errorCode,
      retryAttempts: retries,
      ...(exhausted ? { exhaustedRetryCondition: exhausted } : {}),
    });
    if (!queue) return;
    this.deadLetters.push({
      queue,
      rule: rule.name,
      seq,
      body: JSON.stringify(event),
      attributes: {
        RULE_ARN: rule.arn,
        TARGET_ARN: target.machine.arn,
        ERROR_CODE: failure.errorCode,
        ERROR_MESSAGE: failure.message,
        ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: exhausted } : {}),
        RETRY_ATTEMPTS: String(retries),
      },
    });
  }

  /** At least once: the delivered event may be delivered again. */
  private maybeDuplicate(rule: LoadedRule, target: LoadedTarget, event: EventEnvelope, seq: number): void {
    const probability = this.options.duplicateProbability ?? 0;
    if (probability <= 0) return;
    const index = (this.deliveries.get(rule.name) ?? 0) + 1;
    this.deliveries.set(rule.name, index);
    if (seededRandom(this.options.seed ?? 0, rule.name, index) >= probability) return;
    try {
      this.options.startExecution(rule, target, event, seq, { duplicate: true });
    } catch (error) {
      // The duplicate is an extra delivery; if it cannot start, the first one stands.
      if (!(error instanceof StartExecutionError)) throw error;
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** Resolves true after `ms`, or false at once if `signal` aborts first. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
