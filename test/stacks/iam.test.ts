import { resolveRuleOptions } from '../../catalog/defaults';
import { iamInvariants } from '../invariants/iam';
import { example } from '../invariants/subject';

iamInvariants(example);

test('the example delivers by reference, so the execution-read policy of the invariants is synthesized and checked', () => {
  // The compensation rules deliver by reference (their detail carries a failure on top of the booking).
  const byReference = example.catalog.services.flatMap((service) => service.rules.filter((rule) => resolveRuleOptions(rule, example.catalog).detailDelivery === 'reference'));
  expect(byReference.length).toBeGreaterThan(0);
});
