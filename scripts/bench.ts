/**
 * `npm run bench`: wall time and peak memory of synthesis (the example's environments in-process,
 * `npm run synth` itself and `cdktf synth`, and generated catalogs of growing size), of its peers
 * beside them (the same saga as an AWS CDK app, and this app set up as `cdktf init` does), of the
 * test suite and of the type check. Every
 * figure is the median of N fresh child processes after a warm-up run.
 *
 *   npm run bench [-- --runs 5] [--quick] [--json FILE] [--only example,cli,generated,peer,tests,typecheck]
 *                 [--sizes 10,50,200,500] [--rules 5] [--with-emit]
 *
 * Targets are printed beside the figures (✓/✗); see docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environments } from '../environments';
import { generateCatalog } from './bench/generate-catalog';
import { type InitCopy, prepareInitCopy } from './bench/init-peer';
import { analyzeGrowth } from './bench/growth';
import type { Group, Measurement, PreparedRun, RowSpec } from './bench/measure';
import { GROUPS, measureAll } from './bench/measure';
import type { BenchResult, MachineInfo } from './bench/report';
import { renderReport } from './bench/report';
import { GNU_TIME } from './bench/run-child';
import { summarize } from './bench/stats';
import { checkTargets } from './bench/targets';
import { EXIT, parseCommandLine, runCommand, UsageError, wholeNumberArgument } from '../tooling/cli';
import { APP_NODE_ARGS } from '../tooling/synth';

const ROOT = path.resolve(__dirname, '..');
const node = (...args: string[]) => ({ command: process.execPath, args, cwd: ROOT });

export interface BenchOptions {
  readonly runs: number;
  readonly warmup: boolean;
  /** One row per synthesis path (a quick run): no example row per environment, no CDK peer of a generated catalog. */
  readonly smoke: boolean;
  readonly groups: readonly Group[];
  readonly sizes: readonly number[];
  readonly rulesPerService: number;
  readonly json: string | undefined;
}

export const DEFAULT_SIZES = [10, 50, 200, 500];
export const QUICK_SIZES = [2, 4];
const DEFAULT_GROUPS: readonly Group[] = ['example', 'cli', 'generated', 'peer', 'tests', 'typecheck'];
/** A smoke run of every synthesis path in seconds: no test suite, no type check. */
const QUICK_GROUPS: readonly Group[] = ['example', 'cli', 'generated', 'peer'];

export const USAGE = `Usage: npm run bench [-- --runs 5] [--quick] [--json FILE] [--only GROUPS] [--sizes 10,50,200,500] [--rules 5] [--with-emit]

Wall time and peak memory of synthesis (beside the same saga as an AWS CDK app), the test suite and
the type check: the median of N fresh child processes after a warm-up run, with the targets of
docs/performance.md beside the figures.

  --runs N            measured runs per row (default 5; 1 with --quick)
  --quick             a smoke run: one run, no warm-up, small generated catalogs, synthesis only
                      (groups ${QUICK_GROUPS.join(', ')})
  --json FILE         also write the figures as JSON
  --only GROUPS       comma-separated: ${GROUPS.join(', ')} (default all but emit)
  --sizes LIST        services of the generated catalogs (default ${DEFAULT_SIZES.join(',')})
  --rules N           rules per generated service (default 5)
  --with-emit         also measure npm run emit against a local fake EventBridge
  -h, --help          this text

Exit codes: 0 measured (a failing test suite or type check is still timed, and flagged in the report);
1 a synthesis row could not be measured (named in the report, every other row still measured and
written); 2 usage; 3 crash.`;

const positiveInteger = (value: string, flag: string): number => wholeNumberArgument(flag, value, 1);

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseCommandLine(argv, {
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    only: { type: 'string' },
    sizes: { type: 'string' },
    rules: { type: 'string' },
    'with-emit': { type: 'boolean', default: false },
  });
  const groups = values.only ? values.only.split(',').map((g) => g.trim()) : [...(values.quick ? QUICK_GROUPS : DEFAULT_GROUPS)];
  const unknown = groups.filter((g) => !GROUPS.includes(g as Group));
  if (unknown.length > 0) throw new UsageError(`--only: unknown group(s) ${unknown.join(', ')} (groups: ${GROUPS.join(', ')})`);
  if (values['with-emit'] && !groups.includes('emit')) groups.push('emit');
  const sizes = values.sizes ? values.sizes.split(',').map((s) => positiveInteger(s.trim(), '--sizes')) : values.quick ? QUICK_SIZES : DEFAULT_SIZES;
  if (sizes.some((size) => size < 2)) throw new UsageError('--sizes: every catalog needs at least 2 services (rules target other services)');
  return {
    runs: values.runs ? positiveInteger(values.runs, '--runs') : values.quick ? 1 : 5,
    warmup: !values.quick,
    smoke: values.quick,
    groups: groups as Group[],
    sizes,
    rulesPerService: values.rules ? positiveInteger(values.rules, '--rules') : 5,
    json: values.json,
  };
}

/** A fresh output directory per run, removed afterwards: every run writes everything. */
function withOutdir(build: (outdir: string) => PreparedRun['child']): () => PreparedRun {
  return () => {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    return { child: build(outdir), cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
  };
}

/** The environment without what would change where or what the app synthesizes. */
function synthEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SYNTH_ENVIRONMENTS;
  delete env.CDKTF_OUTDIR;
  return env;
}

/** Synthesis children run TypeScript with the app's loader, as `npm run synth` does (tooling/register-ts.cjs). */
const TS_LOADER = APP_NODE_ARGS.slice(0, -1);

const synthEntry = (outdir: string, ...extra: string[]) => ({
  ...node(...TS_LOADER, 'scripts/bench/synth-entry.ts', '--outdir', outdir, ...extra),
  env: synthEnv(),
});

/** The README's synth command, exactly: what `npm run synth` runs (`APP_NODE_ARGS`). */
function synthCommandRow(): RowSpec {
  return {
    id: 'synth-command',
    group: 'example',
    label: 'npm run synth (main.ts), all environments',
    prepare: withOutdir((outdir) => ({ ...node(...APP_NODE_ARGS), env: { ...synthEnv(), CDKTF_OUTDIR: outdir } })),
    mustSucceed: true,
  };
}

function exampleRows(smoke: boolean): RowSpec[] {
  const names = smoke ? [] : environments.map((env) => env.name);
  return [
    ...names.map((name) => ({
      id: `example-${name}`,
      group: 'example' as const,
      label: `example, ${name}, in-process`,
      prepare: withOutdir((outdir) => synthEntry(outdir, '--environments', name)),
      mustSucceed: true,
    })),
    {
      id: 'example-all',
      group: 'example' as const,
      label: `example, all ${environments.length} environments, in-process`,
      prepare: withOutdir((outdir) => synthEntry(outdir)),
      mustSucceed: true,
    },
    synthCommandRow(),
  ];
}

/** The CDK app runs with the same loader: the two sides differ in their library only. */
const cdkPeer = (outdir: string, ...extra: string[]) => ({
  ...node(...TS_LOADER, 'scripts/bench/cdk-peer.ts', '--outdir', outdir, ...extra),
  env: synthEnv(),
});

/**
 * The AWS CDK app of the same saga as `cdk synth` runs it (its template validation on), and its
 * synthesis alone (unless `smoke`); and of the largest generated catalog, synthesis alone (unless
 * `largest` is undefined: with validation it takes minutes there).
 */
function peerRows(largest: { readonly services: number; readonly rulesPerService: number; readonly file: string } | undefined, smoke: boolean): RowSpec[] {
  return [
    {
      id: 'peer-cdk-example',
      group: 'peer',
      label: `AWS CDK app, example, all ${environments.length} environments`,
      prepare: withOutdir((outdir) => cdkPeer(outdir)),
      mustSucceed: true,
    },
    ...(smoke
      ? []
      : [
          {
            id: 'peer-cdk-example-synthesis',
            group: 'peer' as const,
            label: 'AWS CDK app, example, synthesis only (no template validation)',
            prepare: withOutdir((outdir) => cdkPeer(outdir, '--synthesis-only')),
            mustSucceed: true,
          },
        ]),
    ...(largest
      ? [
          {
            id: `peer-cdk-${largest.services}`,
            group: 'peer' as const,
            label: `AWS CDK app, generated, ${largest.services} services × ${largest.rulesPerService} rules, dev, synthesis only`,
            services: largest.services,
            prepare: withOutdir((outdir) => cdkPeer(outdir, '--catalog', largest.file, '--environments', 'dev', '--synthesis-only')),
            mustSucceed: true,
          },
        ]
      : []),
  ];
}

/**
 * The app set up as `cdktf init` does (scripts/bench/init-peer.ts: ts-node, the provider's root
 * barrel), every environment, from a scratch copy made once, outside the timed runs. Not in a quick
 * run: it takes 12 s of CPU and 1.5 GiB.
 */
function initPeerRow(copy: () => InitCopy): RowSpec {
  return {
    id: 'peer-cdktf-init',
    group: 'peer',
    label: 'npm run synth set up as cdktf init does (ts-node, provider barrel), all environments',
    prepare: withOutdir((outdir) => {
      const { dir, args } = copy();
      return { command: process.execPath, args, cwd: dir, env: { ...synthEnv(), CDKTF_OUTDIR: outdir } };
    }),
    mustSucceed: true,
  };
}

function cliRow(): RowSpec {
  return {
    id: 'cli-all',
    group: 'cli',
    label: 'example, all environments, cdktf synth',
    prepare: withOutdir((outdir) => ({
      ...node(path.join('node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', outdir),
      // Offline: no version check, no telemetry (checkpoint); `cdktf get` is never run.
      env: { ...synthEnv(), CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true', CI: '1' },
    })),
    mustSucceed: true,
  };
}

/** A generated catalog, written once, outside the timed runs, into `dir`. */
function catalogFile(services: number, rulesPerService: number, dir: string): string {
  const file = path.join(dir, `catalog-${services}x${rulesPerService}.json`);
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(generateCatalog({ services, rulesPerService })));
  return file;
}

function generatedRows(sizes: readonly number[], rulesPerService: number, dir: string): RowSpec[] {
  return sizes.map((services) => {
    const file = catalogFile(services, rulesPerService, dir);
    return {
      id: `generated-${services}`,
      group: 'generated' as const,
      label: `generated, ${services} services × ${rulesPerService} rules, dev`,
      services,
      prepare: withOutdir((outdir) => synthEntry(outdir, '--catalog', file, '--environments', 'dev')),
      mustSucceed: true,
    };
  });
}

function testsRow(): RowSpec {
  return {
    id: 'tests',
    group: 'tests',
    label: 'test suite (jest)',
    prepare: () => ({ child: node(path.join('node_modules', 'jest', 'bin', 'jest.js'), '--silent') }),
    mustSucceed: false,
  };
}

function typecheckRows(): RowSpec[] {
  const tsc = path.join('node_modules', 'typescript', 'bin', 'tsc');
  return [
    {
      id: 'typecheck-cold',
      group: 'typecheck',
      label: 'type check, cold (fresh clone, CI)',
      // A build-info file of its own, fresh per run: nothing incremental to reuse.
      prepare: () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-tsc-'));
        return {
          child: node(tsc, '--noEmit', '-p', 'tsconfig.json', '--tsBuildInfoFile', path.join(dir, 'tsbuildinfo')),
          cleanup: () => rmSync(dir, { recursive: true, force: true }),
        };
      },
      mustSucceed: false,
    },
    {
      id: 'typecheck-incremental',
      group: 'typecheck',
      label: 'type check, incremental (npm run typecheck again)',
      prepare: () => ({ child: node(tsc, '--noEmit', '-p', 'tsconfig.json') }),
      mustSucceed: false,
    },
  ];
}

/** 10,000 events through the emit CLI (scripts/bench-emit.ts), which measures its own child. */
async function measureEmit(options: BenchOptions, progress: (m: string) => void): Promise<Measurement> {
  const { benchEmit } = await import('./bench-emit');
  const label = 'emit CLI, 10,000 events (scripts/bench-emit.ts)';
  if (options.warmup) {
    progress(`${label}: warm-up`);
    await benchEmit();
  }
  const results = [];
  for (let i = 1; i <= options.runs; i++) {
    progress(`${label}: run ${i}/${options.runs}`);
    results.push(await benchEmit());
  }
  const wallMs = results.map((r) => r.wallSeconds * 1000);
  const rss = results.map((r) => r.peakRssMiB).filter((v): v is number => v !== undefined);
  return {
    id: 'emit',
    group: 'emit',
    label,
    wallMs: summarize(wallMs),
    peakRssMiB: rss.length === results.length ? summarize(rss) : undefined,
    failures: results.map((r) => r.exitCode).filter((code) => code !== 0),
    samples: { wallMs, peakRssMiB: rss },
  };
}

function gitHead(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined; // Not a git checkout (an unpacked archive): the figures still stand.
  }
}

/** `commit` is HEAD when the run started; `commitAfter` is set only if HEAD moved during the run. */
function machineInfo(loadBefore: readonly number[], commit: string | undefined): MachineInfo {
  const after = gitHead();
  return {
    date: new Date().toISOString(),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryMiB: os.totalmem() / 1024 / 1024,
    loadBefore,
    loadAfter: os.loadavg(),
    commit,
    ...(after !== commit ? { commitAfter: after } : {}),
    gnuTime: existsSync(GNU_TIME),
  };
}

export async function runBench(options: BenchOptions, progress: (message: string) => void = () => {}): Promise<BenchResult> {
  const loadBefore = os.loadavg();
  const commit = gitHead();
  const catalogs = mkdtempSync(path.join(os.tmpdir(), 'bench-catalogs-'));
  let initCopy: InitCopy | undefined;
  const initCopyOnce = () => (initCopy ??= prepareInitCopy(ROOT));
  try {
    const largest = Math.max(...options.sizes);
    const specs: RowSpec[] = [
      ...(options.groups.includes('example') ? exampleRows(options.smoke) : []),
      ...(options.groups.includes('cli') ? [cliRow()] : []),
      ...(options.groups.includes('generated') ? generatedRows(options.sizes, options.rulesPerService, catalogs) : []),
      ...(options.groups.includes('peer')
        ? peerRows(options.smoke ? undefined : { services: largest, rulesPerService: options.rulesPerService, file: catalogFile(largest, options.rulesPerService, catalogs) }, options.smoke)
        : []),
      ...(options.groups.includes('peer') && !options.smoke ? [initPeerRow(initCopyOnce)] : []),
      ...(options.groups.includes('tests') ? [testsRow()] : []),
      ...(options.groups.includes('typecheck') ? typecheckRows() : []),
    ];
    const measured = await measureAll(specs, { runs: options.runs, warmup: options.warmup, onProgress: progress });
    const measurements: Measurement[] = [...measured.measurements];
    if (options.groups.includes('emit')) measurements.push(await measureEmit(options, progress));
    const growth = analyzeGrowth(measurements);
    return {
      machine: machineInfo(loadBefore, commit),
      runs: options.runs,
      warmup: options.warmup,
      measurements,
      unmeasured: measured.unmeasured,
      growth,
      targets: checkTargets(measurements, growth),
    };
  } finally {
    rmSync(catalogs, { recursive: true, force: true });
    initCopy?.remove();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseBenchArgs(argv);
  const result = await runBench(options, (message) => process.stderr.write(`… ${message}\n`));
  process.stdout.write(`${renderReport(result)}\n`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`Figures written to ${options.json}\n`);
  }
  return result.unmeasured.length > 0 ? EXIT.finding : EXIT.ok;
}

if (require.main === module) void runCommand({ name: 'bench', usage: USAGE, run: main });
