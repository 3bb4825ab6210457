/**
 * What the tests of `npm run local` share: runs of the booking saga against the synthesized dev
 * environment, each in a work directory of its own, and readers of a run's result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { type InitialEvent, type LocalRunOptions, type LocalRunResult, runLocal } from '../../local/runner';
import { readScenarioFile, type Scenario } from '../../local/scenario';
import { type LoadedEnvironment, type LoadedStateMachine, loadSynthesizedEnvironment } from '../../local/synth-loader';
import type { TimelineEntry } from '../../local/timeline';
import { synthOutDir } from './synth';

export const repoRoot = path.resolve(__dirname, '../..');

export const booking = (detail: Record<string, unknown>): InitialEvent => ({ service: 'booking', detailType: 'BookingCreated', detail });

const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh work directory for one run (its services' stores), removed after the test file. */
export function workDir(prefix = 'local-run-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  workDirs.push(dir);
  return dir;
}

let dev: LoadedEnvironment | undefined;
/** The synthesized dev environment, loaded once per test file. */
export function devEnvironment(): LoadedEnvironment {
  dev ??= loadSynthesizedEnvironment(synthOutDir(), 'dev');
  return dev;
}

/** A run of the saga on dev, as `npm run local` runs it by default (Retry pauses shortened to 10 ms). */
export function runSaga(events: InitialEvent[], extra: Partial<LocalRunOptions> = {}): Promise<LocalRunResult> {
  return runLocal({ loaded: devEnvironment(), catalog: bookingSaga, events, cwd: repoRoot, workDir: workDir(), timeoutSeconds: 60, retryIntervalMs: 10, ...extra });
}

export const detailTypes = (result: LocalRunResult) => result.events.map((event) => event['detail-type']);
export const ofKind = <K extends TimelineEntry['kind']>(result: LocalRunResult, kind: K) =>
  result.entries.filter((entry): entry is Extract<TimelineEntry, { kind: K }> => entry.kind === kind);
export const taskRuns = (result: LocalRunResult) => ofKind(result, 'task-finished').map((t) => `${t.task}#${t.attempt}=${t.exitCode}`);
export const executionStatus = (result: LocalRunResult) => Object.fromEntries(result.summary.executions.map((e) => [e.rule, e.status]));
export const output = (result: LocalRunResult, task: string) =>
  ofKind(result, 'task-output')
    .filter((o) => o.task === task && o.stream === 'stdout')
    .map((o) => o.line);

/** The environment with one state machine's definition changed (everything else shared). */
export function withDefinition(loaded: LoadedEnvironment, machineName: string, change: (definition: Record<string, unknown>) => Record<string, unknown>): LoadedEnvironment {
  const machine = (m: LoadedStateMachine): LoadedStateMachine => (m.name === machineName ? { ...m, definition: change(structuredClone(m.definition)) } : m);
  return {
    ...loaded,
    stateMachines: loaded.stateMachines.map(machine),
    rules: loaded.rules.map((rule) => ({
      ...rule,
      targets: rule.targets.map((target) => ({ ...target, machine: machine(target.machine) })),
      stateMachines: rule.stateMachines.map(machine),
    })),
  };
}

/** The example saga's scenarios. */
export const SCENARIOS = path.join(repoRoot, 'task-programs/booking-saga/scenarios');

export function scenarioFiles(): string[] {
  return fs
    .readdirSync(SCENARIOS)
    .filter((file) => file.endsWith('.json'))
    .sort();
}

/** Scenarios of the orchestrated booking (one state machine running the flow's steps). */
export const isOrchestrated = (file: string): boolean => file.startsWith('orchestrated-');

export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly result: LocalRunResult;
  readonly workDir: string;
}

const scenarioRuns = new Map<string, Promise<ScenarioRun>>();
/** A scenario's run, as `npm run local -- --scenario` runs it; run once per test file, for every test that reads it. */
export function runScenario(file: string): Promise<ScenarioRun> {
  let run = scenarioRuns.get(file);
  if (!run) {
    const scenario = readScenarioFile(path.join(SCENARIOS, file));
    const dir = workDir('scenario-');
    run = runLocal({
      loaded: loadSynthesizedEnvironment(synthOutDir(), scenario.environment),
      catalog: bookingSaga,
      events: scenario.events,
      cwd: repoRoot,
      workDir: dir,
      timeoutSeconds: 60,
      // The pauses of Retry, Wait and delivery retries, shortened as `npm run local` does by default.
      retryIntervalMs: 10,
      runTaskFaults: scenario.runTaskFaults,
      deliveryFaults: scenario.deliveryFaults,
      ...(scenario.duplicateDelivery ? { duplicateDelivery: scenario.duplicateDelivery } : {}),
    }).then((result) => ({ scenario, result, workDir: dir }));
    scenarioRuns.set(file, run);
  }
  return run;
}
