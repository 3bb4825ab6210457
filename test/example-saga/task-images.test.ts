/**
 * The booking saga's task images: one bundle per task program, one image per ECR repository.
 * About the example (see wiring.test.ts); a task added to it adds its own bundle and image.
 */
import { bookingSaga } from '../../catalog/booking-saga';
import { taskImages } from '../../delivery/task-images';

describe('the booking saga', () => {
  const images = taskImages(bookingSaga);

  it('has one bundle per task program, each built from the TypeScript file npm run local runs', () => {
    expect(images.bundles).toEqual(
      expect.arrayContaining([
        { name: 'cancel-booking', file: 'dist/cancel-booking.js', source: 'task-programs/booking-saga/cancel-booking.ts', tasks: ['compensation/cancel-booking'] },
        { name: 'charge-payment', file: 'dist/charge-payment.js', source: 'task-programs/booking-saga/charge-payment.ts', tasks: ['payment/charge'] },
        { name: 'notify', file: 'dist/notify.js', source: 'task-programs/booking-saga/notify.ts', tasks: ['notification/notify'] },
        { name: 'reserve-seats', file: 'dist/reserve-seats.js', source: 'task-programs/booking-saga/reserve-seats.ts', tasks: ['seat/reserve-seats'] },
      ]),
    );
    expect(images.external).toEqual([]);
  });

  it("has one image per ECR repository, its CMD the task's command", () => {
    expect(images.images).toEqual(
      expect.arrayContaining([
        {
          repository: 'booking-saga/compensation',
          target: 'booking-saga--compensation',
          command: ['node', 'dist/cancel-booking.js'],
          bundles: ['cancel-booking'],
          tasks: ['compensation/cancel-booking'],
        },
        { repository: 'booking-saga/notification', target: 'booking-saga--notification', command: ['node', 'dist/notify.js'], bundles: ['notify'], tasks: ['notification/notify'] },
        { repository: 'booking-saga/payment', target: 'booking-saga--payment', command: ['node', 'dist/charge-payment.js'], bundles: ['charge-payment'], tasks: ['payment/charge'] },
        { repository: 'booking-saga/seat', target: 'booking-saga--seat', command: ['node', 'dist/reserve-seats.js'], bundles: ['reserve-seats'], tasks: ['seat/reserve-seats'] },
      ]),
    );
  });
});
