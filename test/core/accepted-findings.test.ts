/**
 * The keys under which a synthesized stack records its accepted scanner findings: the stacks write
 * them and `npm run verify` reads them, so a renamed key is every accepted finding reported again.
 */
import { ACCEPTED_FINDINGS_KEY, ACCEPTED_MODULE_FINDINGS_KEY } from '../../core/accepted-findings';

test('the keys under "//" that the stacks write and verify reads', () => {
  expect([ACCEPTED_FINDINGS_KEY, ACCEPTED_MODULE_FINDINGS_KEY]).toEqual(['accepted_findings', 'accepted_module_findings']);
});
