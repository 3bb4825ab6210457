/**
 * Child process of the synthesis benchmark: synthesizes one catalog into a directory and writes
 * where the time went to the JSON file named by `BENCH_REPORT`.
 *
 *   node --import tsx scripts/bench/synth-entry.ts --outdir DIR [--catalog FILE.json] [--environments dev,prod]
 *
 * Without `--catalog` it synthesizes the example (the booking saga) as main.ts does: every
 * environment validated, the selected ones synthesized. A generated catalog is given only the
 * selected environments, because the others override tasks of the example's services, which a
 * generated catalog does not have. The application modules are
 * required only after the start-up time is taken, so `loadMs` is the cost of loading them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Catalog } from '../../catalog/types';
import { readManifest } from '../../tooling/cdktf-out';
import { EXIT, parseCommandLine, runCommand, UsageError } from '../../tooling/cli';

/** Node start-up plus the TypeScript loader's: `performance.now()` counts from the process's start. */
const bootMs = performance.now();

export interface SynthReport {
  readonly bootMs: number;
  readonly loadMs: number;
  /** Inside `synthesize()`: validation, constructs and writing the JSON. */
  readonly synthMs: number;
  readonly stacks: number;
  /** Worker processes besides this one. */
  readonly workers: number;
  /** Peak RSS of this process plus each worker's: the memory the command needs at most. */
  readonly maxRssKiB: number;
}

const USAGE = `Usage: node --import tsx scripts/bench/synth-entry.ts --outdir DIR [--catalog FILE.json] [--environments dev,prod]

Child process of npm run bench: synthesizes one catalog into DIR and writes its timings to the file
named by BENCH_REPORT. Exit codes: docs/cli.md.`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { outdir: { type: 'string' }, catalog: { type: 'string' }, environments: { type: 'string' } });
  if (!values.outdir) throw new UsageError('--outdir is required');
  const loadStart = performance.now();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parseWorkers, synthesizeInParallel } = require('../../stacks/parallel-synth') as typeof import('../../stacks/parallel-synth');
  const { environments } = require('../../environments') as typeof import('../../environments');
  const catalog: Catalog = values.catalog
    ? (JSON.parse(readFileSync(values.catalog, 'utf8')) as Catalog)
    : (require('../../catalog/booking-saga') as typeof import('../../catalog/booking-saga')).bookingSaga;
  const synthStart = performance.now();
  const selected = values.environments?.split(',') ?? [];
  const given = values.catalog && selected.length > 0 ? environments.filter((env) => selected.includes(env.name)) : environments;
  // What `npm run synth` runs: worker processes for a large catalog, as SYNTH_WORKERS or the CPUs say.
  const { workers, workerMaxRssKiB } = await synthesizeInParallel({
    catalog,
    environments: given,
    outdir: values.outdir,
    selection: values.environments,
    workers: parseWorkers(process.env.SYNTH_WORKERS),
  });
  const synthEnd = performance.now();
  const report: SynthReport = {
    bootMs,
    loadMs: synthStart - loadStart,
    synthMs: synthEnd - synthStart,
    stacks: Object.keys(readManifest(values.outdir).stacks).length,
    workers,
    maxRssKiB: workerMaxRssKiB.reduce((sum, kib) => sum + kib, process.resourceUsage().maxRSS),
  };
  if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, JSON.stringify(report));
  return EXIT.ok;
}

void runCommand({ name: 'bench/synth-entry', usage: USAGE, run: main });
