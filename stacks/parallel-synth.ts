/**
 * Synthesis of a large catalog spread over processes. Service stacks are independent of each
 * other (stacks/independent-stack.ts), so an environment's stacks can be built and resolved in
 * batches by separate Apps: this process and worker processes (stacks/synth-worker.ts) take
 * batches from one queue (tooling/process-pool.ts), each App writing into its own folder in a
 * scratch folder below the output directory. Once every batch is done, the stack folders are
 * moved into place and one manifest is written for all of them with cdktf's own `Manifest` class:
 * the same bytes as the serial path (`synthesize` in stacks/app.ts), which a test compares file by
 * file. If any batch fails, no stack in the output directory changes.
 *
 * A worker costs a process start and loading cdktf (~0.6 s of CPU), so a small catalog (the
 * example) is synthesized in this process alone.
 */
import { Manifest, type StackManifest } from 'cdktf';
import type { Catalog, ServiceSpec } from '../catalog/types';
import type { GitHubRepository } from '../core/ci-roles';
import type { EnvironmentConfig } from '../environments/types';
import { moveStackFolder, outputDirectory, removeStaleStacks, scratchOutput, withScratchFolder } from '../tooling/cdktf-out';
import { availableCpus, type PoolOutcome, runPool } from '../tooling/process-pool';
import { addCiRoles, addEnvironment, newApp, serviceStackDependencies, synthesizeEnvironments, type SynthesizeOptions, validatedSelection } from './app';
import { withPlainValuesFastPath } from './plain-values';
import { withoutTokenStackTraces } from './token-stack-traces';

/**
 * One App's worth of stacks: the CI roles stacks of the accounts, an environment's core stacks
 * (`<env>-monitoring`, `<env>-base`), or some of its service stacks (names in catalog order).
 */
export type SynthBatch =
  | { readonly id: number; readonly kind: 'ci-roles' }
  | { readonly id: number; readonly kind: 'core'; readonly env: string }
  | { readonly id: number; readonly kind: 'services'; readonly env: string; readonly services: readonly string[] };

/** What every batch needs to know: sent to each worker once. */
export interface BatchContext {
  readonly catalog: Catalog;
  /** The selected environments, already validated. */
  readonly environments: readonly EnvironmentConfig[];
  /** Whose GitHub Actions assume the CI roles; without it, no CI roles stacks (as in `buildApp`). */
  readonly repository?: GitHubRepository | undefined;
  /** Each batch writes into a folder of its own in here. */
  readonly scratch: string;
}

export interface BatchResult {
  readonly outdir: string;
  readonly version: string;
  readonly hclOutput: boolean;
  readonly stacks: Readonly<Record<string, StackManifest>>;
}

/** Below this much work (rules, plus one per service) one process is faster than two. */
export const PARALLEL_MIN_WORK = 400;
/**
 * Batches per process: small batches even out the processes' finishing times (a worker holds up to
 * two, and this process hands it more only between batches of its own), and an App's fixed cost is
 * small (200 services in one process, measured: 2.1 CPU-s in 4 batches, 2.0 in 16, 2.25 in 40). With
 * 4, at 500 services, one process sat idle for about a second while the other ran its last two.
 */
export const BATCHES_PER_PROCESS = 12;

/** A service stack's work, in rules: one without rules still has its bus, outputs and task policies. */
export const serviceWork = (service: ServiceSpec): number => service.rules.length + 1;

/** The work of synthesizing the service stacks of `environments`. */
export const synthesisWork = (catalog: Catalog, environments: readonly unknown[]): number => environments.length * catalog.services.reduce((sum, service) => sum + serviceWork(service), 0);

/** Worker processes for `work`: none below `PARALLEL_MIN_WORK`, else one per CPU beyond this process's. */
export function defaultWorkers(work: number, cpus: number = availableCpus()): number {
  return work < PARALLEL_MIN_WORK ? 0 : Math.max(0, cpus - 1);
}

export class SynthWorkersError extends Error {}

/** `SYNTH_WORKERS`: unset or empty → the default; otherwise a whole number of worker processes (0: none). */
export function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim())) throw new SynthWorkersError(`SYNTH_WORKERS: expected a whole number of worker processes (0 for none), not "${value}"`);
  return Number(value.trim());
}

/**
 * The CI roles stacks as one batch (with a repository), then each environment's core stacks as
 * one, then its services in catalog order, cut into batches of about
 * `total work / (processes × batchesPerProcess)`.
 */
export function planBatches(catalog: Catalog, environments: readonly EnvironmentConfig[], processes: number, batchesPerProcess = BATCHES_PER_PROCESS, ciRoles = false): SynthBatch[] {
  const target = Math.max(1, Math.ceil(synthesisWork(catalog, environments) / (processes * batchesPerProcess)));
  const batches: SynthBatch[] = ciRoles ? [{ id: 0, kind: 'ci-roles' }] : [];
  for (const env of environments) {
    batches.push({ id: batches.length, kind: 'core', env: env.name });
    let services: string[] = [];
    let work = 0;
    for (const service of catalog.services) {
      services.push(service.name);
      work += serviceWork(service);
      if (work >= target) {
        batches.push({ id: batches.length, kind: 'services', env: env.name, services });
        services = [];
        work = 0;
      }
    }
    if (services.length > 0) batches.push({ id: batches.length, kind: 'services', env: env.name, services });
  }
  return batches;
}

export function describeBatch(batch: SynthBatch): string {
  if (batch.kind === 'ci-roles') return 'synthesis of the CI roles stacks';
  if (batch.kind === 'core') return `synthesis of the core stacks of ${batch.env}`;
  return `synthesis of ${batch.env} services ${batch.services[0]}…${batch.services[batch.services.length - 1]}`;
}

function environmentOf(batch: SynthBatch & { env: string }, context: BatchContext): EnvironmentConfig {
  const env = context.environments.find((candidate) => candidate.name === batch.env);
  if (!env) throw new Error(`synthesis batch ${batch.id}: environment "${batch.env}" is not among the selected ones`);
  return env;
}

/** Builds and synthesizes one batch into its own folder of the scratch folder (in this process or a worker). */
export function synthesizeBatch(batch: SynthBatch, context: BatchContext): BatchResult {
  const app = newApp(scratchOutput(context.scratch, `batch-${batch.id}`));
  // Building creates most of the tokens: it runs without their traces too.
  withoutTokenStackTraces(() => {
    if (batch.kind === 'ci-roles') {
      if (!context.repository) throw new Error(`synthesis batch ${batch.id}: CI roles need the repository`);
      addCiRoles(app, context.environments, context.repository);
    } else if (batch.kind === 'core') {
      addEnvironment(app, environmentOf(batch, context), context.catalog, { core: true, services: [] });
    } else {
      addEnvironment(app, environmentOf(batch, context), context.catalog, { core: false, services: batch.services });
    }
    withPlainValuesFastPath(() => app.synth());
  });
  return { outdir: app.outdir, version: app.manifest.version, hclOutput: app.hclOutput, stacks: { ...app.manifest.stacks } };
}

/** The worker module: it serves `synthesizeBatch`. */
const WORKER_MODULE = require.resolve('./synth-worker');

/** Runs `batches` over this process (unless `here` is false) and `workers` worker processes. */
export function runBatches(batches: readonly SynthBatch[], context: BatchContext, workers: number, here = true): Promise<PoolOutcome<BatchResult>> {
  return runPool({ jobs: batches, context, workers, workerModule: WORKER_MODULE, runHere: here ? synthesizeBatch : undefined, describe: describeBatch });
}

export interface ParallelSynthesizeOptions extends SynthesizeOptions {
  /** Worker processes besides this one (`SYNTH_WORKERS`); default `defaultWorkers` of the work. 0: the serial path. */
  readonly workers?: number | undefined;
  /** Tests raise it to get many small batches. */
  readonly batchesPerProcess?: number;
}

export interface SynthesisReport {
  /** Worker processes used (0: synthesized serially in this process). */
  readonly workers: number;
  readonly batches: number;
  /** Each worker's peak resident set size. */
  readonly workerMaxRssKiB: readonly number[];
}

/**
 * What `npm run synth` runs: validate everything, then synthesize the selected environments,
 * spread over worker processes when the catalog is large enough to gain from it.
 */
export async function synthesizeInParallel(options: ParallelSynthesizeOptions): Promise<SynthesisReport> {
  const environments = validatedSelection(options);
  const workers = options.workers ?? defaultWorkers(synthesisWork(options.catalog, environments));
  if (workers === 0) {
    synthesizeEnvironments({ ...options, environments });
    return { workers: 0, batches: 1, workerMaxRssKiB: [] };
  }
  const outdir = outputDirectory(options.outdir);
  const batches = planBatches(options.catalog, environments, workers + 1, options.batchesPerProcess, options.repository !== undefined);
  const { workerMaxRssKiB } = await withScratchFolder(outdir, async (scratch) => {
    const outcome = await runBatches(batches, { catalog: options.catalog, environments, repository: options.repository, scratch }, workers);
    writeOutput(batches, outcome.results, environments, outdir);
    return outcome;
  });
  return { workers, batches: batches.length, workerMaxRssKiB };
}

/** Moves each batch's stacks into `outdir` and writes one manifest for all of them. */
function writeOutput(batches: readonly SynthBatch[], results: readonly BatchResult[], environments: readonly EnvironmentConfig[], outdir: string): void {
  const manifest = new Manifest(results[0]!.version, outdir, results[0]!.hclOutput);
  batches.forEach((batch, index) => {
    const result = results[index]!;
    const env = batch.kind === 'services' ? environments.find((candidate) => candidate.name === batch.env)! : undefined;
    for (const [name, entry] of Object.entries(result.stacks)) {
      moveStackFolder(result.outdir, outdir, entry.workingDirectory);
      // A service batch's App holds no core stacks to depend on: the list the full App records.
      manifest.stacks[name] = env ? { ...entry, dependencies: serviceStackDependencies(env) } : entry;
    }
  });
  manifest.writeToFile();
  removeStaleStacks(outdir, Object.keys(manifest.stacks));
}
