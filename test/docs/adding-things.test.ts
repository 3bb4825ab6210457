/**
 * README "Adding things", followed to the letter on a copy of the catalog: a service with a task,
 * and a rule on the bus that carries its event. The grown catalog must then pass validation,
 * synthesize, and hold every invariant the example holds (test/invariants/), and `npm run local`
 * must run the new task. The environments are not edited: managed bases need nothing, and the
 * test-only existing base derives its task definitions from the catalog, as its owner would add one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import type { Catalog, RuleSpec, ServiceSpec, TaskSpec } from '../../catalog/types';
import { environmentStackNames } from '../../core/naming';
import { environments } from '../../environments';
import { configurationProblems } from '../../environments/validate';
import { runLocal } from '../../local/runner';
import { loadSynthesizedEnvironment } from '../../local/synth-loader';
import { REPO_ROOT } from '../../tooling/hcl-modules';
import { existingBaseEnvironmentFor } from '../fixtures/environments';
import { addressInvariants } from '../invariants/addresses';
import { baseStackInvariants } from '../invariants/base-stacks';
import { endedExecutionsInvariants } from '../invariants/ended-executions';
import { executionTimeoutInvariants } from '../invariants/execution-timeouts';
import { iamInvariants } from '../invariants/iam';
import { serviceStackInvariants } from '../invariants/service-stacks';
import { stateMachineExecutionInvariants } from '../invariants/state-machine-execution';
import { manifestOf, synthesizedSubject } from '../invariants/subject';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const adding = readme.slice(readme.indexOf('## Adding things'), readme.indexOf('\n## ', readme.indexOf('## Adding things') + 1));

/** The fields a README bullet says to add: "**A task**: add `{ name, containerName, … }`". */
function readmeFields(what: string): string[] {
  const match = new RegExp(`\\*\\*${what}\\*\\*: add \`\\{ ([^}]*) \\}\``).exec(adding);
  if (!match) throw new Error(`README "Adding things" has no "**${what}**: add \`{ … }\`" bullet`);
  return match[1]!.split(',').map((field) => field.trim());
}

/** The rule the README shows, evaluated as the TypeScript object literal it is. */
function readmeRule(): RuleSpec {
  const block = /\*\*A rule\*\*[\s\S]*?```ts\n([\s\S]*?)```/.exec(adding);
  if (!block) throw new Error('README "Adding things" shows no rule');
  // The README is this repository's own file: evaluating its example is reading it.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`return (${block[1]})`)() as RuleSpec;
}

const task: TaskSpec = {
  name: 'award-points',
  containerName: 'loyalty',
  imageRepository: 'booking-saga/loyalty',
  cpu: 256,
  memory: 512,
  // Any program that reads its event does for this test: the notification task's.
  command: ['node', 'dist/notify.js'],
  local: { command: ['node', '--require', './tooling/register-ts.cjs', 'task-programs/booking-saga/notify.ts'] },
};
const service: ServiceSpec = { name: 'loyalty', description: 'Awards loyalty points for confirmed bookings.', tasks: [task], rules: [] };
/** On the seat service: its bus carries SeatUpdated. */
const rule: RuleSpec = {
  name: 'award-loyalty-points',
  eventPattern: { 'detail-type': ['SeatUpdated'], source: ['booking-saga.seat'] },
  target: { service: 'loyalty', task: 'award-points' },
  options: { failureDetailType: 'LoyaltyFailed', detailDelivery: 'environment' },
};

const grown: Catalog = {
  ...bookingSaga,
  services: [...bookingSaga.services.map((s) => (s.name === 'seat' ? { ...s, rules: [...s.rules, rule] } : s)), service],
};
const grownEnvironments = [...environments, existingBaseEnvironmentFor(grown)];
// Synthesis and the invariants: one managed and one existing base (validation covers every environment).
const subject = synthesizedSubject(grown, [environments[0]!, existingBaseEnvironmentFor(grown)]);

describe('the README way', () => {
  test('adds exactly the fields the README lists, and a rule shaped like its example', () => {
    expect(Object.keys(service)).toEqual(readmeFields('A service'));
    expect(Object.keys(task)).toEqual(readmeFields('A task'));
    const example = readmeRule();
    expect(Object.keys(rule)).toEqual(Object.keys(example));
    expect(Object.keys(rule.eventPattern)).toEqual(Object.keys(example.eventPattern));
    expect(Object.keys(rule.target)).toEqual(Object.keys(example.target));
    expect(Object.keys(rule.options!)).toEqual(Object.keys(example.options!));
    // The README's example is a rule of the saga as it is.
    const [owner] = bookingSaga.services.filter((s) => s.rules.some((r) => r.name === example.name));
    expect(owner!.rules.find((r) => r.name === example.name)).toMatchObject({ eventPattern: example.eventPattern, target: example.target });
  });

  test('the grown configuration is valid in every environment, without editing one', () => {
    expect(configurationProblems(grown, grownEnvironments)).toEqual([]);
  });

  test('every environment synthesized gets the new service stack', () => {
    const stacks = Object.keys(manifestOf(subject).stacks);
    for (const env of subject.environments) {
      const expected = environmentStackNames(
        env.name,
        grown.services.map((s) => s.name),
        env.base.kind === 'managed',
      );
      expect(expected).toContain(`${env.name}-loyalty`);
      expect(stacks).toEqual(expect.arrayContaining(expected));
    }
  });

  test('npm run local runs the new task when its event arrives', async () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'adding-things-'));
    const result = await runLocal({
      loaded: loadSynthesizedEnvironment(subject.outdir(), 'dev'),
      catalog: grown,
      events: [{ service: 'seat', detailType: 'SeatUpdated', detail: { bookingId: 'b-9', reservedSeats: [4] } }],
      cwd: REPO_ROOT,
      workDir,
      timeoutSeconds: 60,
      retryIntervalMs: 10,
    }).finally(() => fs.rmSync(workDir, { recursive: true, force: true }));
    expect(result.summary.outcome).toBe('completed');
    const finished = result.entries.flatMap((entry) => (entry.kind === 'task-finished' ? [`${entry.task}=${entry.exitCode}`] : []));
    expect(finished.sort()).toEqual(['loyalty/award-points=0', 'notification/notify=0']);
    const executions = Object.fromEntries(result.summary.executions.map((execution) => [execution.rule, execution.status]));
    expect(executions['dev-seat-award-loyalty-points']).toBe('SUCCEEDED');
    const output = result.entries.flatMap((entry) => (entry.kind === 'task-output' && entry.task === 'loyalty/award-points' ? [entry.line] : []));
    expect(output.join('\n')).toContain('booking b-9');
  });
});

describe('the grown catalog holds every invariant', () => {
  serviceStackInvariants(subject);
  baseStackInvariants(subject);
  iamInvariants(subject);
  addressInvariants(subject);
  stateMachineExecutionInvariants(subject);
  endedExecutionsInvariants(subject);
  executionTimeoutInvariants(subject);
});
