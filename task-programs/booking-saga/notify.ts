/**
 * Notification task of the booking saga: tells the customer (here: prints) using the template the
 * rule's command names (`--template booking-confirmed | booking-cancelled`). Publishes nothing.
 */
import { readTaskEvent } from '../../event-client';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--template');
  const template = at >= 0 ? process.argv[at + 1] : 'default';
  const event = await readTaskEvent<{ bookingId?: string }>();
  console.log(`notification: [${template}] booking ${event.detail.bookingId ?? '?'}: ${JSON.stringify(event.detail)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
