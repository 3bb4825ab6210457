/**
 * Seat task of the booking saga: reserves the paid booking's seats and publishes SeatUpdated, or
 * SeatUpdateFailed when a seat does not exist (the hall has seats 1 to 100) and exits 0. Like the
 * payment task, it checks that its follow-up would be accepted before it reserves anything.
 */
import { readTaskEvent } from '../../event-client';
import { sagaPublisher } from './publisher';

export const SEATS_IN_HALL = 100;

interface PaymentSucceeded {
  readonly bookingId: string;
  readonly seats: readonly number[];
}

async function main(): Promise<void> {
  const event = await readTaskEvent<PaymentSucceeded>();
  const { bookingId, seats } = event.detail;
  const missing = (Array.isArray(seats) ? seats : []).filter((seat) => !Number.isInteger(seat) || seat < 1 || seat > SEATS_IN_HALL);
  const publisher = sagaPublisher();
  try {
    // Before the side effect: a SeatUpdated that would be refused must not follow a reservation.
    const problems = publisher.validate([{ detailType: 'SeatUpdated', detail: { ...event.detail, reservedSeats: seats } }]).problems;
    if (problems.length > 0) {
      console.log(`seat: not reserving seats for booking ${bookingId}: its SeatUpdated event would be refused`);
      await publisher.publishOne('SeatUpdateFailed', { ...event.detail, reason: `not reserved: its SeatUpdated event would be refused (${problems[0]!.problem})` });
      return;
    }
    if (!Array.isArray(seats) || seats.length === 0 || missing.length > 0) {
      console.log(`seat: cannot reserve seats ${JSON.stringify(seats)} for booking ${bookingId}`);
      await publisher.publishOne('SeatUpdateFailed', { ...event.detail, reason: `no such seats: ${JSON.stringify(missing.length > 0 ? missing : seats)}` });
      return;
    }
    console.log(`seat: reserved seats ${seats.join(', ')} for booking ${bookingId}`);
    await publisher.publishOne('SeatUpdated', { ...event.detail, reservedSeats: seats });
  } finally {
    publisher.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
