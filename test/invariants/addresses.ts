/**
 * Terraform keys deployed state by resource address. A changed address destroys the resource and
 * creates it anew on the next deploy (a state machine with executions in flight, a dead-letter
 * queue with its messages), so the addresses of a service stack are a contract: derived here from
 * the catalog, exactly as cdktf derives them, without the ids of resource groups (stacks/resource-groups.ts).
 * Renaming a construct id fails this test; if it must change, add a `moved` block (cdktf `moveFromId`).
 */
import { createHash } from 'node:crypto';
import { resolveRuleOptions } from '../../catalog/defaults';
import { serviceStackName, tfIdentifier } from '../../core/naming';
import { stackOf, type Subject } from './subject';

/** cdktf's address of a resource below a stack: the path joined by `_`, then 8 hex digits of the path's MD5. */
export const cdktfAddress = (...path: string[]) => `${path.join('_')}_${createHash('md5').update(path.join('/')).digest('hex').slice(0, 8).toUpperCase()}`;

/** The resources of one rule, and of the ended-executions announcer, by their ids as first deployed. */
const DELIVERY = ['rule', 'target', 'dead_letter_queue', 'dead_letter_queue_policy', 'events_role', 'events_policy'];
const STATE_MACHINE = ['state_machine_role', 'state_machine_policy', 'log_group', 'state_machine'];

export function addressInvariants(subject: Subject): void {
  const cases = subject.environments.flatMap((env) =>
    subject.catalog.services.filter((service) => service.rules.length > 0).map((service) => ({ env, service, stack: serviceStackName(env.name, service.name) })),
  );

  describe.each(cases)('$stack', ({ service, stack }) => {
    const addresses = () =>
      Object.values(stackOf(subject, stack).resource ?? {})
        .flatMap((byAddress) => Object.keys(byAddress))
        .sort();

    test('every resource keeps the address it was first deployed with', () => {
      const expected = ['bus'];
      const announces = service.rules.some((rule) => resolveRuleOptions(rule, subject.catalog).failureDetailType !== undefined);
      for (const rule of service.rules) {
        const scope = `rule_${tfIdentifier(rule.name)}`;
        const alarms = ['executions_failed', 'executions_timed_out', 'dead_letters'];
        const ids = [...DELIVERY, ...STATE_MACHINE, ...alarms, ...(resolveRuleOptions(rule, subject.catalog).detailDelivery === 'reference' ? ['task_reads_execution'] : [])];
        expected.push(...ids.map((id) => cdktfAddress(scope, id)));
      }
      if (announces) expected.push(...[...DELIVERY, ...STATE_MACHINE, 'executions_failed', 'dead_letters'].map((id) => cdktfAddress('ended_executions', id)));
      // One per task role of the service, numbered from 0 (top-level ids are addresses as they are).
      const publishers = addresses().filter((address) => address.startsWith('task_role_publishes_'));
      expect(publishers).toEqual(publishers.map((_, index) => `task_role_publishes_${index}`));
      expect(addresses()).toEqual([...expected, ...publishers].sort());
    });
  });
}
