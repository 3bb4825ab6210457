/**
 * Notification task of the booking saga: tells the customer (here: prints, and records in the
 * notification service's store) using the template the rule's command names
 * (`--template booking-confirmed | booking-cancelled`). Publishes nothing. Idempotent: an event
 * delivered twice notifies once (handle-once.ts).
 */
import { readTaskEvent } from '../../event-client';
import { handleOnce } from './handle-once';
import { ServiceStore } from './store';
import { runTaskProgram } from '../runtime';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--template');
  const template = at >= 0 ? process.argv[at + 1]! : 'default';
  const event = await readTaskEvent<{ bookingId?: string }>();
  const store = ServiceStore.forThisTask();
  await handleOnce(store, event, () => {
    store.insert('notifications', event.id, { template, bookingId: event.detail.bookingId ?? null, eventId: event.id });
    console.log(`notification: [${template}] booking ${event.detail.bookingId ?? '?'}: ${JSON.stringify(event.detail)}`);
  });
}

void runTaskProgram('notification', main);
