/**
 * `npm run local`: synthesize one environment (or read an existing cdktf.out), then run its event
 * flow on this machine (local/). See docs/local.md and `npm run local -- --help`.
 * Exit codes: docs/cli.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bookingSaga } from '../catalog/booking-saga';
import { environments } from '../environments';
import { FAST_RETRY_INTERVAL_MS, parseLocalArgs, USAGE } from '../local/cli';
import { runLocal } from '../local/runner';
import { loadSynthesizedEnvironment, SynthOutputError } from '../local/synth-loader';
import { EXIT, PrerequisiteError, runCommand } from '../tooling/cli';
import { REPO_ROOT } from '../tooling/hcl-modules';
import { synthesize } from '../tooling/synth';

async function main(argv: readonly string[]): Promise<number> {
  const options = parseLocalArgs(argv, process.env);
  if (!environments.some((env) => env.name === options.environment)) {
    throw new PrerequisiteError(`unknown environment "${options.environment}" (known: ${environments.map((env) => env.name).join(', ')})`);
  }
  const outdir = path.resolve(REPO_ROOT, options.outdir);
  if (options.synth) {
    console.log(`Synthesizing environment ${options.environment} into ${outdir} ...`);
    const status = synthesize({ outdir, environments: options.environment });
    if (status !== 0) {
      console.error(`npm run local: synthesis of environment ${options.environment} failed (exit ${status})`);
      return EXIT.finding;
    }
  }
  let loaded;
  try {
    loaded = loadSynthesizedEnvironment(outdir, options.environment);
  } catch (error) {
    // A missing or unusable synthesized output: nothing was run.
    if (error instanceof SynthOutputError) throw new PrerequisiteError(error.message);
    throw error;
  }
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
    cwd: REPO_ROOT,
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
  return result.summary.outcome === 'completed' ? EXIT.ok : EXIT.finding;
}

// This script's own SDK client (it publishes the --event) would print the SDK's Node 20 notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (require.main === module) void runCommand({ name: 'npm run local', usage: USAGE, run: main });
