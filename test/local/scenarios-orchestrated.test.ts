/**
 * The orchestrated booking's scenarios (task-programs/booking-saga/scenarios/orchestrated-*.json),
 * each run end to end against the synthesized output with its expectations checked; in a file of
 * their own so that Jest's two workers share the scenarios' runs (scenarios.test.ts has the rest).
 */
import { checkScenario, readServiceStores } from '../../local/scenario';
import { isOrchestrated, runScenario, scenarioFiles } from '../support/local-run';

const files = scenarioFiles().filter(isOrchestrated);

test('there are orchestrated scenarios to run', () => {
  expect(files.length).toBeGreaterThanOrEqual(5);
});

describe.each(files)('scenario %s', (file) => {
  test('runs and shows what it expects', async () => {
    const { scenario, result, workDir } = await runScenario(file);
    expect(checkScenario(scenario, result, readServiceStores(workDir))).toEqual([]);
  });
});
