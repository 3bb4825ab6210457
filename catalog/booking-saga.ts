import type { Catalog } from './types';

/**
 * The worked example: the booking saga of the source articles, in both styles the articles
 * describe, with the same tasks, so that a reader can compare them (docs/sagas.md says when to
 * pick which).
 *
 * As a choreography, each service reacts to the last one's event:
 *
 *   booking bus   BookingCreated                  → payment/charge
 *   payment bus   PaymentSucceeded                → seat/reserve-seats
 *   payment bus   PaymentFailed                   → compensation/cancel-booking
 *   seat bus      SeatUpdated                     → notification/notify
 *   seat bus      SeatUpdateFailed                → compensation/cancel-booking
 *   compensation  BookingCancelled                → notification/notify
 *
 * As an orchestration, one state machine (the booking service's flow `book`) runs the steps in
 * order and undoes the completed ones in reverse when one fails:
 *
 *   booking bus   BookingRequested                → flow booking/book: charge (undo: cancel-booking)
 *                                                     → reserve-seats; then BookingConfirmed
 *   booking bus   BookingConfirmed                → notification/notify
 *
 * Run as a flow's step, a task reports by its exit code instead of publishing its outcome
 * (task-programs/booking-saga/flow.ts), so the orchestration never starts the choreography.
 *
 * `PaymentFailed` and `SeatUpdateFailed` reach the bus two ways: the task publishes them for a
 * business failure (card declined) and exits 0, or the state machine's Catch publishes them when
 * the task itself fails for good (crash, non-zero exit). One rule serves both.
 */
const node = (script: string) => ['node', `dist/${script}.js`];
const local = (script: string) => ({ command: ['node', '--require', './tooling/register-ts.cjs', `task-programs/booking-saga/${script}.ts`] });

export const bookingSaga: Catalog = {
  namespace: 'booking-saga',
  services: [
    {
      name: 'booking',
      description: 'Takes booking requests over HTTP and publishes BookingCreated (choreography) or BookingRequested (orchestration).',
      tasks: [],
      flows: [
        {
          name: 'book',
          description: 'The booking saga orchestrated: charge the booking, then reserve its seats; a failure refunds and cancels it.',
          steps: [
            // The charge is undone by the same task the choreography's PaymentFailed and SeatUpdateFailed run.
            { name: 'charge', run: { service: 'payment', task: 'charge' }, compensate: { service: 'compensation', task: 'cancel-booking' } },
            // Reserving is the last step: when it fails there is nothing of its own to undo (it reserves all seats or none).
            { name: 'reserve-seats', run: { service: 'seat', task: 'reserve-seats' } },
          ],
        },
      ],
      rules: [
        {
          name: 'charge-payment',
          description: 'A new booking is charged by the payment service.',
          eventPattern: { 'detail-type': ['BookingCreated'], source: ['booking-saga.booking'] },
          target: { service: 'payment', task: 'charge' },
          options: { failureDetailType: 'PaymentFailed' },
        },
        {
          name: 'orchestrate-booking',
          description: 'A booking request runs the booking flow: charge, reserve seats, and undo on failure.',
          eventPattern: { 'detail-type': ['BookingRequested'], source: ['booking-saga.booking'] },
          target: { service: 'booking', flow: 'book' },
          options: { successDetailType: 'BookingConfirmed' },
        },
        {
          name: 'notify-booking-confirmed',
          description: 'The booking flow succeeded: tell the customer the booking is confirmed.',
          eventPattern: { 'detail-type': ['BookingConfirmed'], source: ['booking-saga.booking'] },
          target: { service: 'notification', task: 'notify', command: ['node', 'dist/notify.js', '--template', 'booking-confirmed'] },
          options: { failureDetailType: false },
        },
      ],
    },
    {
      name: 'payment',
      description: 'Charges the customer for a booking; publishes PaymentSucceeded or PaymentFailed.',
      tasks: [
        {
          name: 'charge',
          containerName: 'payment',
          imageRepository: 'booking-saga/payment',
          cpu: 256,
          memory: 512,
          // Staging runs the booking flow on its EC2 capacity (environments/staging.ts).
          compatibilities: ['FARGATE', 'EC2'],
          command: node('charge-payment'),
          local: local('charge-payment'),
        },
      ],
      rules: [
        {
          name: 'reserve-seats',
          description: 'A paid booking gets its seats reserved.',
          eventPattern: { 'detail-type': ['PaymentSucceeded'], source: ['booking-saga.payment'] },
          target: { service: 'seat', task: 'reserve-seats' },
          options: { failureDetailType: 'SeatUpdateFailed' },
        },
        {
          name: 'compensate-payment-failure',
          description: 'A failed payment cancels the booking.',
          eventPattern: { 'detail-type': ['PaymentFailed'], source: ['booking-saga.payment'] },
          target: { service: 'compensation', task: 'cancel-booking', command: ['node', 'dist/cancel-booking.js', '--reason', 'payment-failed'] },
          // A failure event carries ECS's stopped reason (up to 1,024 bytes), which escaped twice in the
          // RunTask overrides could take nearly all of their 8,192 characters: read it by reference.
          options: { retryAttempts: 185, maximumEventAgeSeconds: 86400, failureDetailType: 'CompensationFailed', detailDelivery: 'reference' },
        },
      ],
    },
    {
      name: 'seat',
      description: 'Reserves seats for a paid booking; publishes SeatUpdated or SeatUpdateFailed.',
      tasks: [
        {
          name: 'reserve-seats',
          containerName: 'seat',
          imageRepository: 'booking-saga/seat',
          cpu: 256,
          memory: 512,
          // Staging runs the booking flow on its EC2 capacity (environments/staging.ts).
          compatibilities: ['FARGATE', 'EC2'],
          command: node('reserve-seats'),
          local: local('reserve-seats'),
        },
      ],
      rules: [
        {
          name: 'notify-booking-confirmed',
          description: 'Seats are reserved: tell the customer the booking is confirmed.',
          eventPattern: {
            'detail-type': ['SeatUpdated'],
            source: ['booking-saga.seat'],
            detail: { bookingId: [{ exists: true }] },
          },
          target: { service: 'notification', task: 'notify', command: ['node', 'dist/notify.js', '--template', 'booking-confirmed'] },
          options: { failureDetailType: false },
        },
        {
          name: 'compensate-seat-failure',
          description: 'Seats could not be reserved: refund and cancel the booking.',
          eventPattern: { 'detail-type': ['SeatUpdateFailed'], source: ['booking-saga.seat'] },
          target: { service: 'compensation', task: 'cancel-booking', command: ['node', 'dist/cancel-booking.js', '--reason', 'seat-update-failed'] },
          // A failure event carries ECS's stopped reason (up to 1,024 bytes), which escaped twice in the
          // RunTask overrides could take nearly all of their 8,192 characters: read it by reference.
          options: { retryAttempts: 185, maximumEventAgeSeconds: 86400, failureDetailType: 'CompensationFailed', detailDelivery: 'reference' },
        },
      ],
    },
    {
      name: 'notification',
      description: 'Sends the customer e-mail and push notifications.',
      tasks: [
        {
          name: 'notify',
          containerName: 'notification',
          imageRepository: 'booking-saga/notification',
          cpu: 256,
          memory: 512,
          command: node('notify'),
          local: local('notify'),
        },
      ],
      rules: [],
    },
    {
      name: 'compensation',
      description: 'Undoes a booking whose payment or seat update failed; publishes BookingCancelled.',
      tasks: [
        {
          name: 'cancel-booking',
          containerName: 'compensation',
          imageRepository: 'booking-saga/compensation',
          cpu: 512,
          memory: 1024,
          // Staging runs the booking flow on its EC2 capacity (environments/staging.ts).
          compatibilities: ['FARGATE', 'EC2'],
          command: node('cancel-booking'),
          local: local('cancel-booking'),
        },
      ],
      rules: [
        {
          name: 'notify-booking-cancelled',
          description: 'A cancelled booking is reported to the customer.',
          eventPattern: { 'detail-type': ['BookingCancelled'], source: ['booking-saga.compensation'] },
          target: { service: 'notification', task: 'notify', command: ['node', 'dist/notify.js', '--template', 'booking-cancelled'] },
          options: { failureDetailType: false },
        },
      ],
    },
  ],
};
