/**
 * The booking saga's own routes: what the example catalog wires, as the source articles describe
 * it. Tests of this folder are about the example; replace them with your own catalog's.
 * Adding to the saga keeps them passing: they ask that its routes exist, not that nothing else does.
 */
import { bookingSaga } from '../../catalog/booking-saga';
import { resolveRuleOptions } from '../../catalog/defaults';

const allRules = bookingSaga.services.flatMap((service) => service.rules.map((rule) => ({ service, rule })));

describe('the booking saga wiring', () => {
  const wiring = allRules.map(
    ({ service, rule }) => `${service.name}: ${rule.eventPattern['detail-type'].join('|')} → ${rule.target.service}/${'task' in rule.target ? rule.target.task : `flow ${rule.target.flow}`}`,
  );
  it('routes every step and both compensation paths', () => {
    expect(wiring.sort()).toEqual(
      expect.arrayContaining([
        'booking: BookingCreated → payment/charge',
        'compensation: BookingCancelled → notification/notify',
        'payment: PaymentFailed → compensation/cancel-booking',
        'payment: PaymentSucceeded → seat/reserve-seats',
        'seat: SeatUpdateFailed → compensation/cancel-booking',
        'seat: SeatUpdated → notification/notify',
      ]),
    );
  });
  it('publishes PaymentFailed and SeatUpdateFailed from the state machines too, so a crashing task is compensated', () => {
    const failure = (service: string, rule: string) =>
      resolveRuleOptions(
        bookingSaga.services.find((s) => s.name === service)!.rules.find((r) => r.name === rule)!,
        bookingSaga,
      ).failureDetailType;
    expect(failure('booking', 'charge-payment')).toBe('PaymentFailed');
    expect(failure('payment', 'reserve-seats')).toBe('SeatUpdateFailed');
  });
});
