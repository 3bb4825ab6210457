/**
 * `npm run local`: synthesize one environment into `.local/cdktf.out` (or read an existing output),
 * then run its event flow on this machine (local/), or a scenario with its expectations. See
 * docs/local.md and `npm run local -- --help`. Exit codes: docs/cli.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bookingSaga } from '../catalog/booking-saga';
import { environments } from '../environments';
import { FAST_RETRY_INTERVAL_MS, LOCAL_OUTDIR, LOCAL_RUNS_DIR, parseLocalArgs, USAGE } from '../local/cli';
import { runLocal } from '../local/runner';
import { checkScenario, readScenarioFile, readServiceStores, type Scenario } from '../local/scenario';
import { loadSynthesizedEnvironment, SynthOutputError } from '../local/synth-loader';
import { killAllTaskProcesses } from '../local/task-process';
import { CdktfOutError, environmentsOf, readManifest, recordedEnvironments } from '../tooling/cdktf-out';
import { EXIT, PrerequisiteError, runCommand, UsageError } from '../tooling/cli';
import { REPO_ROOT } from '../tooling/hcl-modules';
import { synthesize } from '../tooling/synth';

/** Work directories of earlier runs kept below LOCAL_RUNS_DIR. */
const KEPT_RUNS = 10;

async function main(argv: readonly string[]): Promise<number> {
  const options = parseLocalArgs(argv);
  const scenario: Scenario | undefined = options.scenarioPath ? readScenarioFile(path.resolve(process.cwd(), options.scenarioPath)) : undefined;
  if (scenario && options.environmentGiven && scenario.environment !== options.environment) {
    throw new UsageError(`--env ${options.environment}: the scenario runs environment ${scenario.environment}`);
  }
  const environment = scenario?.environment ?? options.environment;
  if (!environments.some((env) => env.name === environment)) {
    throw new PrerequisiteError(`unknown environment "${environment}" (known: ${environments.map((env) => env.name).join(', ')})`);
  }
  const outdir = path.resolve(REPO_ROOT, options.outdir);
  if (options.synth) {
    refuseToClobber(outdir, environment);
    console.log(`Synthesizing environment ${environment} into ${shown(outdir)} ...`);
    // cdktf's App creates the output folder but not its parents (.local/).
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    const status = synthesize({ outdir, environments: environment });
    if (status !== 0) {
      console.error(`npm run local: synthesis of environment ${environment} failed (exit ${status})`);
      return EXIT.finding;
    }
  }
  let loaded;
  try {
    loaded = loadSynthesizedEnvironment(outdir, environment);
  } catch (error) {
    // A missing or unusable synthesized output: nothing was run.
    if (error instanceof SynthOutputError) throw new PrerequisiteError(error.message);
    throw error;
  }
  for (const warning of loaded.warnings) console.warn(`warning: ${warning}`);
  console.log(`Loaded ${loaded.rules.length} rules and ${loaded.stateMachines.length} state machines of environment ${loaded.environment} from ${shown(outdir)}.`);
  if (scenario) console.log(`Scenario ${shown(scenario.file)}: ${scenario.description}`);
  else if (options.defaultEvent) console.log('No --event given: running the booking saga happy path (see --help).');
  console.log(
    options.retryIntervalMs === undefined
      ? 'Retries wait as the state machine definitions say (--real-retries); delivery retries wait 1 s.'
      : `Fast retries: Retry, Wait and delivery retries pause ${options.retryIntervalMs} ms instead of their IntervalSeconds/BackoffRate${options.retryIntervalMs === FAST_RETRY_INTERVAL_MS ? ' (--real-retries to wait as AWS would)' : ''}; the definitions and the numbers of attempts are unchanged.`,
  );
  const runTaskFaults = scenario?.runTaskFaults ?? options.runTaskFaults;
  const deliveryFaults = scenario?.deliveryFaults ?? options.deliveryFaults;
  const duplicateDelivery = scenario ? scenario.duplicateDelivery : options.duplicateDelivery;
  if (runTaskFaults.length > 0) console.log(`Injected RunTask faults: ${runTaskFaults.map((f) => `${f.task} ${f.kind} ×${f.count}`).join(', ')}.`);
  if (deliveryFaults.length > 0) console.log(`Injected delivery faults: ${deliveryFaults.map((f) => `${f.rule} ×${f.count}`).join(', ')}.`);
  if (duplicateDelivery) {
    console.log(
      `At-least-once delivery: each event is delivered twice with probability ${duplicateDelivery.probability} (seed ${duplicateDelivery.seed}; --seed ${duplicateDelivery.seed} replays it).`,
    );
  }
  const workDir = options.workDir ? path.resolve(process.cwd(), options.workDir) : newRunDirectory();
  console.log('');

  // Task processes run in process groups of their own: an interrupted run must end them itself.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllTaskProcesses();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  const result = await runLocal({
    loaded,
    catalog: bookingSaga,
    events: scenario?.events ?? options.events,
    cwd: REPO_ROOT,
    workDir,
    timeoutSeconds: options.timeoutSeconds,
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
    runTaskFaults,
    deliveryFaults,
    ...(duplicateDelivery ? { duplicateDelivery } : {}),
    maxTasks: options.maxTasks,
    stopTimeoutSeconds: options.stopTimeoutSeconds,
    port: options.port,
    print: (line) => console.log(line),
  });
  const stores = readServiceStores(workDir);
  console.log(`Work directory: ${shown(workDir)} (services' stores in stores/)`);

  if (options.tracePath) {
    const file = path.resolve(process.cwd(), options.tracePath);
    fs.writeFileSync(file, `${JSON.stringify({ summary: result.summary, timeline: result.entries, deadLetters: result.deadLetters, stores }, null, 2)}\n`);
    console.log(`Trace written to ${file}`);
  }
  if (scenario) {
    const failures = checkScenario(scenario, result, stores);
    if (failures.length > 0) {
      console.log(`\nScenario FAILED: ${scenario.description}`);
      for (const failure of failures) console.log(`  ✗ ${failure}`);
      return EXIT.finding;
    }
    console.log(`\nScenario passed: ${scenario.description}`);
  }
  return result.summary.outcome === 'completed' ? EXIT.ok : EXIT.finding;
}

/**
 * Synthesizing one environment into a folder that holds others' stacks would replace a full synth
 * with one environment (`npm run synth`'s cdktf.out, say). Only the local folder is ever rewritten.
 */
function refuseToClobber(outdir: string, environment: string): void {
  if (outdir === path.resolve(REPO_ROOT, LOCAL_OUTDIR) || !fs.existsSync(path.join(outdir, 'manifest.json'))) return;
  let others: string[];
  try {
    others = environmentsOf(readManifest(outdir), recordedEnvironments(outdir)).filter((env) => env !== environment);
  } catch (error) {
    if (error instanceof CdktfOutError) throw new PrerequisiteError(`${outdir} holds an unreadable synthesized output (${error.message}); not synthesizing over it`);
    throw error;
  }
  if (others.length > 0) {
    throw new UsageError(
      `${shown(outdir)} holds a synthesized output with environments ${others.join(', ')}: synthesizing ${environment} there would replace it. ` +
        `Read it with --no-synth, or leave out --out (npm run local synthesizes into ${LOCAL_OUTDIR})`,
    );
  }
}

/** A path as a person reads it: relative to here when below here, else absolute. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' ? '.' : relative.startsWith('..') ? file : relative;
}

/** A new work directory below LOCAL_RUNS_DIR; only the latest KEPT_RUNS are kept. */
function newRunDirectory(): string {
  const root = path.resolve(REPO_ROOT, LOCAL_RUNS_DIR);
  fs.mkdirSync(root, { recursive: true });
  const earlier = fs.readdirSync(root).sort();
  for (const old of earlier.slice(0, Math.max(0, earlier.length - (KEPT_RUNS - 1)))) fs.rmSync(path.join(root, old), { recursive: true, force: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return fs.mkdtempSync(path.join(root, `${stamp}-`));
}

if (require.main === module) void runCommand({ name: 'npm run local', usage: USAGE, run: main });
