/**
 * Compensation task of the booking saga: cancels a booking whose payment or seat reservation
 * failed (`--reason payment-failed | seat-update-failed`, from the rule's command), refunds what
 * was charged, and publishes BookingCancelled.
 *
 * What was charged: the `paymentId` of a PaymentSucceeded (a seat failure), or, when the payment
 * task itself failed and its state machine announced it (`error`, `failedEventId`, `stopCode`), the
 * charge that task would have made for that event (payments.ts), if it may have run at all: it may
 * have charged before it crashed, so its refund is requested; the payment provider refunds only what
 * it captured.
 *
 * As the compensation of the booking flow's charge step (flow.ts), it is told which step failed and
 * how (`flowFailure`), and the event is the booking request itself: when a later step failed, the
 * charge was made (named by the request's id); when the charge step itself failed, it may have
 * charged unless it declined (DECLINED_EXIT_CODE) or never ran. It publishes BookingCancelled in
 * both styles: the customer hears of it the same way.
 *
 * Idempotent: the event is handled once (handle-once.ts), and a refund is a record of the
 * compensation service's store keyed by the charge, so a cancellation delivered twice refunds once.
 */
import { readTaskEvent, type TaskFlowRun } from '../../event-client';
import { DECLINED_EXIT_CODE, flowRun } from './flow';
import { handleOnce } from './handle-once';
import { paymentIdFor } from './payments';
import { sagaPublisher } from './publisher';
import { ServiceStore } from './store';
import { runTaskProgram } from '../runtime';

interface FailedBooking {
  readonly bookingId: string;
  readonly amount?: number;
  readonly paymentId?: string;
  /** Set by the state machine when the task failed (docs/state-machines.md, the failure fields). */
  readonly error?: string;
  readonly failedEventId?: string;
  readonly stopCode?: string;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/**
 * Whether the failed task may have run its side effect: not when ECS refused to start it (an ECS
 * API error after its retries) or it never started; yes when it ran and failed, timed out, or its
 * execution ended before it could say.
 */
export function mayHaveRun(detail: FailedBooking): boolean {
  if (!detail.error) return false;
  if (detail.error === 'States.TaskFailed') return detail.stopCode !== 'TaskFailedToStart';
  return !/^(?:ECS|AmazonECS)\./.test(detail.error);
}

/** The charge to refund, if any. */
export function chargeOf(reason: string, detail: FailedBooking): string | undefined {
  if (detail.paymentId) return detail.paymentId;
  if (reason === 'payment-failed' && detail.failedEventId && mayHaveRun(detail)) return paymentIdFor(detail.failedEventId);
  return undefined;
}

/**
 * The charge a flow's compensation refunds, given the request's event id. The failing step is this
 * compensation's own (the charge) only when the charge itself failed: then as mayHaveRun says, but
 * not after it declined. Any later step failing means the charge succeeded.
 */
export function flowChargeOf(flow: TaskFlowRun, eventId: string): string | undefined {
  const failure = flow.failure;
  if (!failure) return undefined;
  if (failure.failedStep !== flow.step) return paymentIdFor(eventId);
  if (failure.exitCode === DECLINED_EXIT_CODE) return undefined;
  return mayHaveRun({ bookingId: '', error: failure.error, stopCode: failure.stopCode }) ? paymentIdFor(eventId) : undefined;
}

async function main(): Promise<void> {
  const flow = flowRun();
  const reason = flow?.failure ? `${flow.failure.failedStep}-failed` : (argument('reason') ?? 'unknown');
  const event = await readTaskEvent<FailedBooking>();
  const { bookingId, amount } = event.detail;
  const store = ServiceStore.forThisTask();
  const publisher = sagaPublisher();
  try {
    await handleOnce(store, event, async () => {
      const paymentId = flow ? flowChargeOf(flow, event.id) : chargeOf(reason, event.detail);
      const refund = paymentId ? (amount ?? 0) : 0;
      if (paymentId && !store.insert('refunds', paymentId, { paymentId, bookingId, amount: refund, reason })) {
        console.log(`compensation: ${paymentId} of booking ${bookingId} is already refunded, not refunding again`);
      }
      store.insert('cancellations', bookingId, { bookingId, reason });
      console.log(`compensation: cancelling booking ${bookingId} (${reason}), refund ${refund}${paymentId ? ` of ${paymentId}` : ''}`);
      await publisher.publishOne('BookingCancelled', { bookingId, reason, refund, ...(paymentId ? { paymentId } : {}) });
    });
  } finally {
    publisher.close();
  }
}

if (require.main === module) void runTaskProgram('compensation', main);
