/**
 * Compensation task of the booking saga: cancels a booking whose payment or seat reservation
 * failed (`--reason payment-failed | seat-update-failed`, from the rule's command), refunds what
 * was charged, and publishes BookingCancelled.
 */
import { readTaskEvent } from '../../event-client';
import { sagaPublisher } from './publisher';

interface FailedBooking {
  readonly bookingId: string;
  readonly amount?: number;
  readonly paymentId?: string;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const reason = argument('reason') ?? 'unknown';
  const event = await readTaskEvent<FailedBooking>();
  const { bookingId, paymentId, amount } = event.detail;
  // Only a booking that was charged (it has a payment id) gets money back.
  const refund = paymentId ? (amount ?? 0) : 0;
  console.log(`compensation: cancelling booking ${bookingId} (${reason}), refund ${refund}`);
  const publisher = sagaPublisher();
  try {
    await publisher.publishOne('BookingCancelled', { bookingId, reason, refund });
  } finally {
    publisher.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
