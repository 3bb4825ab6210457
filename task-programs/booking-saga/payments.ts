/**
 * How the booking saga names a charge: from the id of the event that asked for it, the idempotency
 * key of the payment task (EventBridge delivers at least once, and reruns repeat the same event).
 * Whoever knows that event's id knows the charge, so compensation can refund a charge whose task
 * crashed before announcing it: the state machine's failure event carries the id (`failedEventId`).
 */
export const paymentIdFor = (eventId: string): string => `pay-${eventId.slice(0, 8)}`;
