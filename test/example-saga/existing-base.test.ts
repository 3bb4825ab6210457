/**
 * The test-only existing-base environment, derived from the booking saga: with the saga's targeted
 * tasks it names a task definition in each of the three forms an existing base may use,
 * so the stack tests cover each (test/stacks/service-stacks.test.ts, iam.test.ts).
 */
import { bookingSaga } from '../../catalog/booking-saga';
import { parseTaskDefinitionReference } from '../../stacks/base-references';
import { existingBaseEnvironment, targetedTasks } from '../fixtures/environments';

describe('the existing-base environment of the example', () => {
  const base = existingBaseEnvironment.base;
  const definitions = base.kind === 'existing' ? Object.values(base.tasks).map((task) => task.taskDefinition) : [];

  test('names a task definition for exactly the tasks the saga starts', () => {
    expect(base.kind).toBe('existing');
    const keys = Object.keys(base.kind === 'existing' ? base.tasks : {});
    expect(keys).toEqual(targetedTasks(bookingSaga).map(({ service, task }) => `${service}/${task}`));
    expect(keys).toEqual(expect.arrayContaining(['compensation/cancel-booking', 'notification/notify', 'payment/charge', 'seat/reserve-seats']));
  });

  test('uses a family, a family ARN without revision and an ARN pinned to a revision', () => {
    const forms = definitions.map((definition) => {
      const parsed = parseTaskDefinitionReference(definition);
      if (parsed.revision !== undefined) return 'pinned';
      return definition.startsWith('arn:') ? 'family ARN' : 'family';
    });
    expect(new Set(forms)).toEqual(new Set(['family', 'family ARN', 'pinned']));
  });
});
