/**
 * `npm run local`: synthesize one environment (or read an existing cdktf.out), then run its event
 * flow on this machine. See docs/local.md and `npm run local -- --help`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bookingSaga } from '../catalog/booking-saga';
import { CliError, FAST_RETRY_INTERVAL_MS, type LocalCliOptions, parseLocalArgs, USAGE } from '../local/cli';
import { runLocal } from '../local/runner';
import { loadSynthesizedEnvironment } from '../local/synth-loader';

const repoRoot = path.resolve(__dirname, '..');

/** Runs the app (main.ts) for one environment into `outdir`: the same synthesis `npm run synth` does. */
function synthesize(environment: string, outdir: string): void {
  console.log(`Synthesizing environment ${environment} into ${outdir} ...`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, SYNTH_ENVIRONMENTS: environment, CDKTF_OUTDIR: outdir },
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`synthesis of environment ${environment} failed (exit ${result.status ?? result.signal})`);
}

async function main(options: LocalCliOptions): Promise<number> {
  const outdir = path.resolve(repoRoot, options.outdir);
  if (options.synth) synthesize(options.environment, outdir);
  const loaded = loadSynthesizedEnvironment(outdir, options.environment);
  for (const warning of loaded.warnings) console.warn(`warning: ${warning}`);
  console.log(
    `Loaded ${loaded.rules.length} rules and ${loaded.stateMachines.length} state machines of environment ${loaded.environment} from ${path.relative(process.cwd(), outdir) || '.'}.`,
  );
  if (options.defaultEvent) console.log('No --event given: running the booking saga happy path (see --help).');
  console.log(
    options.retryIntervalMs === undefined
      ? 'Retries wait as the state machine definitions say (--real-retries).'
      : `Fast retries: the state machines' Retry waits ${options.retryIntervalMs} ms instead of their IntervalSeconds/BackoffRate${options.retryIntervalMs === FAST_RETRY_INTERVAL_MS ? ' (--real-retries to wait as AWS would)' : ''}; the definitions are unchanged.`,
  );
  const faults = Object.entries(options.runTaskFaults);
  if (faults.length > 0) console.log(`Simulated ECS capacity shortage: ${faults.map(([key, n]) => `first ${n} RunTask call(s) of ${key}`).join(', ')}.`);
  console.log('');

  const result = await runLocal({
    loaded,
    catalog: bookingSaga,
    events: options.events,
    cwd: repoRoot,
    timeoutSeconds: options.timeoutSeconds,
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
    runTaskFaults: options.runTaskFaults,
    port: options.port,
    print: (line) => console.log(line),
  });

  if (options.tracePath) {
    const file = path.resolve(process.cwd(), options.tracePath);
    fs.writeFileSync(file, `${JSON.stringify({ summary: result.summary, timeline: result.entries }, null, 2)}\n`);
    console.log(`Trace written to ${file}`);
  }
  return result.summary.outcome === 'completed' ? 0 : 1;
}

// This script's own SDK client (it publishes the --event) would print the SDK's Node 20 notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let options: LocalCliOptions;
try {
  options = parseLocalArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(`npm run local: ${error.message}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
main(options).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm run local: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
