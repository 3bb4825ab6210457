/**
 * Seat task of the booking saga: reserves the paid booking's seats and publishes SeatUpdated, or
 * SeatUpdateFailed when a seat does not exist (the hall has seats 1 to 100) and exits 0. Like the
 * payment task, it checks that its follow-up would be accepted before it reserves anything.
 *
 * As a step of the booking flow (flow.ts) it publishes nothing: it exits 0 once reserved, and
 * DECLINED_EXIT_CODE when it cannot reserve (nothing reserved).
 *
 * Idempotent: the event is handled once (handle-once.ts), and a reservation is a record of the seat
 * service's store keyed by the booking, so a booking's seats are reserved once.
 */
import { type EventPublisher, readTaskEvent, type TaskEvent } from '../../event-client';
import { DECLINED_EXIT_CODE, flowRun } from './flow';
import { handleOnce } from './handle-once';
import { sagaPublisher } from './publisher';
import { ServiceStore } from './store';
import { runTaskProgram } from '../runtime';

export const SEATS_IN_HALL = 100;

interface PaymentSucceeded {
  readonly bookingId: string;
  readonly seats: readonly number[];
  readonly paymentId?: string;
}

async function main(): Promise<void> {
  const event = await readTaskEvent<PaymentSucceeded>();
  const store = ServiceStore.forThisTask();
  const inFlow = flowRun() !== undefined;
  // A flow's step publishes nothing, so it creates no publisher (nor loads the SDK for one).
  const publisher = inFlow ? undefined : sagaPublisher();
  let declined = false;
  try {
    await handleOnce(store, event, async () => {
      declined = !(await reserve(event, store, publisher));
    });
  } finally {
    publisher?.close();
  }
  if (declined && inFlow) process.exitCode = DECLINED_EXIT_CODE;
}

/** Reserves, or declines; true when reserved. Without a publisher (a flow's step) it announces nothing. */
async function reserve(event: TaskEvent<PaymentSucceeded>, store: ServiceStore, publisher: EventPublisher | undefined): Promise<boolean> {
  const { bookingId, seats } = event.detail;
  const missing = (Array.isArray(seats) ? seats : []).filter((seat) => !Number.isInteger(seat) || seat < 1 || seat > SEATS_IN_HALL);
  // Before the side effect: a SeatUpdated that would be refused must not follow a reservation.
  const problems = publisher === undefined ? [] : publisher.validate([{ detailType: 'SeatUpdated', detail: { ...event.detail, reservedSeats: seats } }]).problems;
  if (problems.length > 0) {
    console.log(`seat: not reserving seats for booking ${bookingId}: its SeatUpdated event would be refused`);
    await publisher!.publishOne('SeatUpdateFailed', { ...event.detail, reason: `not reserved: its SeatUpdated event would be refused (${problems[0]!.problem})` });
    return false;
  }
  if (!Array.isArray(seats) || seats.length === 0 || missing.length > 0) {
    console.log(`seat: cannot reserve seats ${JSON.stringify(seats)} for booking ${bookingId}`);
    await publisher?.publishOne('SeatUpdateFailed', { ...event.detail, reason: `no such seats: ${JSON.stringify(missing.length > 0 ? missing : seats)}` });
    return false;
  }
  if (store.insert('reservations', bookingId, { bookingId, seats, ...(event.detail.paymentId ? { paymentId: event.detail.paymentId } : {}) })) {
    console.log(`seat: reserved seats ${seats.join(', ')} for booking ${bookingId}`);
  } else {
    console.log(`seat: seats of booking ${bookingId} are already reserved`);
  }
  await publisher?.publishOne('SeatUpdated', { ...event.detail, reservedSeats: seats });
  return true;
}

void runTaskProgram('seat', main);
