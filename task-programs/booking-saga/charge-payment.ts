/**
 * Payment task of the booking saga: charges the booking's amount and publishes PaymentSucceeded,
 * or PaymentFailed for a business failure (the amount is over the card limit) and exits 0.
 * `"simulate": "crash"` in the detail makes it exit 1 instead: the state machine's Catch then
 * publishes PaymentFailed for it, so compensation runs either way.
 */
import { readTaskEvent } from '../../event-client';
import { sagaPublisher } from './publisher';

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
  const { bookingId, amount } = event.detail;
  if (event.detail.simulate === 'crash') {
    console.error(`payment: simulated crash while charging booking ${bookingId}`);
    process.exit(1);
  }
  const publisher = sagaPublisher();
  try {
    if (typeof amount !== 'number' || amount <= 0 || amount > CARD_LIMIT) {
      console.log(`payment: declined ${amount} for booking ${bookingId} (limit ${CARD_LIMIT})`);
      await publisher.publishOne('PaymentFailed', { ...event.detail, reason: `amount ${amount} is over the card limit of ${CARD_LIMIT}` });
      return;
    }
    const paymentId = `pay-${event.id.slice(0, 8)}`;
    console.log(`payment: charged ${amount} for booking ${bookingId} (${paymentId})`);
    await publisher.publishOne('PaymentSucceeded', { ...event.detail, paymentId });
  } finally {
    publisher.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
