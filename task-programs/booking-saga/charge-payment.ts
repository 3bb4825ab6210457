/**
 * Payment task of the booking saga: charges the booking's amount and publishes PaymentSucceeded,
 * or PaymentFailed for a business failure (the amount is over the card limit) and exits 0.
 *
 * It checks what it will publish before it charges: a PaymentSucceeded that EventBridge or a
 * downstream RunTask would refuse must not follow a charge, or the money is taken and nobody hears
 * of it. Such a booking is declined (PaymentFailed, nothing charged) instead. The charge is named by
 * the event's id (payments.ts), so a crash after charging is still refunded: the state machine's
 * failure event carries that id.
 *
 * `"simulate": "crash"` in the detail makes it exit 1 after charging, before publishing (the Catch
 * then publishes PaymentFailed, and compensation refunds); `"simulate": "hang"` makes it never finish.
 *
 * As a step of the booking flow (flow.ts) it publishes nothing: it exits 0 once charged, and
 * DECLINED_EXIT_CODE when it declines (nothing charged), so that the flow's compensation knows
 * there is nothing to refund.
 *
 * Idempotent: the event is handled once (handle-once.ts) and the charge is a record of the payment
 * service's store keyed by the event's id, so a BookingCreated delivered twice charges once, and a
 * rerun after a Spot interruption does not charge again.
 */
import { type EventPublisher, readTaskEvent, type TaskEvent } from '../../event-client';
import { DECLINED_EXIT_CODE, flowRun } from './flow';
import { handleOnce } from './handle-once';
import { paymentIdFor } from './payments';
import { sagaPublisher } from './publisher';
import { ServiceStore } from './store';
import { runTaskProgram } from '../runtime';

/** Charges above this are declined. */
export const CARD_LIMIT = 1000;

interface BookingCreated {
  readonly bookingId: string;
  readonly seats: readonly number[];
  readonly amount: number;
  readonly simulate?: string;
}

async function main(): Promise<void> {
  const event = await readTaskEvent<BookingCreated>();
  if (event.detail.simulate === 'hang') {
    // Said, so that whoever stops it (a test, someone reading the timeline) knows it got this far.
    console.log(`payment: hanging on booking ${event.detail.bookingId} as its detail asks (simulate: hang)`);
    await new Promise(() => setInterval(() => undefined, 60_000));
  }
  const store = ServiceStore.forThisTask();
  const inFlow = flowRun() !== undefined;
  // A flow's step publishes nothing, so it creates no publisher (nor loads the SDK for one).
  const publisher = inFlow ? undefined : sagaPublisher();
  let declined = false;
  try {
    await handleOnce(store, event, async () => {
      declined = !(await charge(event, store, publisher));
    });
  } finally {
    publisher?.close();
  }
  if (declined && inFlow) process.exitCode = DECLINED_EXIT_CODE;
}

/** Charges, or declines; true when charged. Without a publisher (a flow's step) it announces nothing. */
async function charge(event: TaskEvent<BookingCreated>, store: ServiceStore, publisher: EventPublisher | undefined): Promise<boolean> {
  const { bookingId, amount } = event.detail;
  const paymentId = paymentIdFor(event.id);
  const succeeded = { ...event.detail, paymentId };
  const declined = (reason: string) => ({ ...event.detail, reason });
  if (typeof amount !== 'number' || amount <= 0 || amount > CARD_LIMIT) {
    console.log(`payment: declined ${amount} for booking ${bookingId} (limit ${CARD_LIMIT})`);
    await publisher?.publishOne('PaymentFailed', declined(`amount ${amount} is over the card limit of ${CARD_LIMIT}`));
    return false;
  }
  // Before the side effect: would the follow-up be accepted, all the way down?
  const problems = publisher === undefined ? [] : publisher.validate([{ detailType: 'PaymentSucceeded', detail: succeeded }]).problems;
  if (problems.length > 0) {
    const reason = `not charged: its PaymentSucceeded event would be refused (${problems[0]!.problem})`;
    console.log(`payment: declined booking ${bookingId}: ${reason}`);
    // If even this cannot be published, publishOne throws, the task exits 1 and the Catch announces it; nothing was charged.
    await publisher!.publishOne('PaymentFailed', declined(reason));
    return false;
  }
  if (store.insert('charges', paymentId, { paymentId, bookingId, amount, eventId: event.id })) {
    console.log(`payment: charged ${amount} for booking ${bookingId} (${paymentId})`);
  } else {
    console.log(`payment: booking ${bookingId} is already charged (${paymentId}), not charging again`);
  }
  if (event.detail.simulate === 'crash') {
    console.error(`payment: simulated crash after charging booking ${bookingId}`);
    process.exit(1);
  }
  await publisher?.publishOne('PaymentSucceeded', succeeded);
  return true;
}

void runTaskProgram('payment', main);
