/**
 * One Stryker run per module: the module mutated, only its own test files run (Jest through the
 * repository's esbuild transform, no shared synth), incremental results kept under
 * ~/.cache/event-driven-ecs-infra/mutation and reused only while the fingerprint of everything
 * Stryker does not track is unchanged (fingerprint.ts).
 *
 * Why cached, not committed: a committed incremental file would be results that CI takes on trust
 * from the branch under test (a pull request could mark every mutant killed), it would change with
 * every edit of a mutated module and conflict between parallel branches. The cache is written only
 * by runs on the machine itself; a machine that starts bare runs everything (the cold time is the
 * budget: CONTRIBUTING.md, "Tests, by tier").
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { moduleFingerprint } from './fingerprint';
import type { MutationModule } from './modules';
import { type MutationReport, readReport } from './report';

export const STRYKER_VERSION: string = (JSON.parse(readFileSync(require.resolve('@stryker-mutator/core/package.json'), 'utf8')) as { version: string }).version;

/** What a mutation run shares with the suite's jest.config.js: its transforms and setup (not its globalSetup). */
export interface SuiteJestConfig {
  readonly transform: Readonly<Record<string, string>>;
  readonly transformIgnorePatterns: readonly string[];
  readonly setupFiles?: readonly string[];
}

/** The repository's jest.config.js, loaded as Jest loads it (a CommonJS file read at run time). */
export function suiteJestConfig(root: string): SuiteJestConfig {
  return createRequire(join(root, 'package.json'))('./jest.config.js') as SuiteJestConfig;
}

export const CACHE_DIR = join(homedir(), '.cache', 'event-driven-ecs-infra', 'mutation');

/** A module's path as a file name: `core/naming.ts` → `core-naming`. */
export const moduleSlug = (module: string): string => module.replace(/\.ts$/, '').replace(/[^A-Za-z0-9]+/g, '-');

export interface RunPaths {
  /** Stryker's configuration for this run (written for it, removed after). */
  readonly config: string;
  readonly report: string;
  readonly log: string;
  readonly incremental: string;
  readonly fingerprint: string;
}

export function runPaths(root: string, module: string, cacheDir = CACHE_DIR): RunPaths {
  const slug = moduleSlug(module);
  const work = join(root, 'reports', 'mutation', 'modules');
  return {
    config: join(work, `${slug}.stryker.json`),
    report: join(work, `${slug}.json`),
    log: join(work, `${slug}.log`),
    incremental: join(cacheDir, slug, 'incremental.json'),
    fingerprint: join(cacheDir, slug, 'fingerprint'),
  };
}

/**
 * Stryker's options for one module. Jest runs the module's test files only, with the suite's
 * transform and setup but not its global synth (no module here needs one). Coverage per test, so
 * each mutant runs only the tests that reach it. Timeouts count as detected (Stryker's rule).
 */
export function strykerOptions(target: MutationModule, paths: Pick<RunPaths, 'report' | 'incremental'>, concurrency: number, suite: SuiteJestConfig): Record<string, unknown> {
  return {
    testRunner: 'jest',
    plugins: ['@stryker-mutator/jest-runner'],
    mutate: [target.module],
    coverageAnalysis: 'perTest',
    concurrency,
    incremental: true,
    incrementalFile: paths.incremental,
    reporters: ['json', 'clear-text', 'progress'],
    jsonReporter: { fileName: paths.report },
    clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
    // The per-module threshold is checked on the merged report (thresholds.ts); Stryker's own is global.
    thresholds: { high: 95, low: 90, break: null },
    tempDirName: '.stryker-tmp',
    cleanTempDir: true,
    // Not copied into Stryker's sandbox: outputs, which no test here reads.
    ignorePatterns: ['/cdktf.out', '/.gen', '/.local', '/coverage', '/reports', '/dist', '/plans', '.terraform', '/.stryker-tmp'],
    timeoutMS: 10_000,
    jest: {
      projectType: 'custom',
      enableFindRelatedTests: false,
      config: {
        testEnvironment: 'node',
        rootDir: '.',
        roots: ['<rootDir>/test'],
        testMatch: target.tests.map((test) => `<rootDir>/${test}`),
        // Stryker's Jest runner starts from jest.config.js and spreads this over it: without these nulls
        // the suite's globalSetup (a synth of every environment) would run on every Jest call, once per mutant.
        globalSetup: null,
        globalTeardown: null,
        // The suite's own transforms (TypeScript, and ES-module packages such as marked) and setup.
        transform: suite.transform,
        transformIgnorePatterns: suite.transformIgnorePatterns,
        setupFiles: suite.setupFiles ?? [],
        testTimeout: 60_000,
      },
    },
  };
}

/**
 * The part of Stryker's options that decides what a run tests, with Stryker's version. The cache path
 * and concurrency do not, nor does where the repository is cloned: CI clones into a path of its own
 * and a rehearsal into another, and a fingerprint naming the clone (the report's absolute path did)
 * made every run on a new path a full one, however warm the cache.
 */
export function fingerprintedOptions(root: string, stryker: Readonly<Record<string, unknown>>): unknown {
  const { incrementalFile: _cache, concurrency: _concurrency, ...tested } = stryker;
  const text = JSON.stringify({ ...tested, stryker: STRYKER_VERSION });
  return JSON.parse(text.split(JSON.stringify(root).slice(1, -1)).join('<root>'));
}

export interface ModuleRun {
  readonly module: string;
  readonly report: MutationReport;
  readonly seconds: number;
  /** Whether earlier results were offered to Stryker (false: a full run). */
  readonly incremental: boolean;
}

/**
 * Runs Stryker for one module in its own process (its log goes to `reports/mutation/modules/`),
 * first discarding the incremental file when the fingerprint changed or `force` is set.
 */
export async function runModule(root: string, target: MutationModule, options: { readonly concurrency: number; readonly force: boolean; readonly cacheDir?: string }): Promise<ModuleRun> {
  for (const file of [target.module, ...target.tests]) {
    if (!existsSync(join(root, file))) throw new Error(`${target.module}: ${file} does not exist (scripts/mutation/modules.ts)`);
  }
  const paths = runPaths(root, target.module, options.cacheDir);
  const stryker = strykerOptions(target, paths, options.concurrency, suiteJestConfig(root));
  const { hash } = moduleFingerprint(root, target.module, target.tests, fingerprintedOptions(root, stryker));
  const previous = existsSync(paths.fingerprint) ? readFileSync(paths.fingerprint, 'utf8') : undefined;
  const incremental = !options.force && previous === hash && existsSync(paths.incremental);
  if (!incremental) rmSync(paths.incremental, { force: true });
  mkdirSync(dirname(paths.config), { recursive: true });
  mkdirSync(dirname(paths.incremental), { recursive: true });
  rmSync(paths.report, { force: true });
  writeFileSync(paths.config, `${JSON.stringify(stryker, null, 2)}\n`);

  const started = Date.now();
  const code = await runStryker(root, paths.config, paths.log);
  const seconds = (Date.now() - started) / 1000;
  rmSync(paths.config, { force: true });
  if (code !== 0 || !existsSync(paths.report)) {
    const tail = readFileSync(paths.log, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`${target.module}: Stryker failed (exit ${code}); the end of ${paths.log}:\n${tail}`);
  }
  // Only a finished run's results may be reused next time.
  writeFileSync(paths.fingerprint, hash);
  return { module: target.module, report: readReport(paths.report), seconds, incremental };
}

function runStryker(root: string, config: string, log: string): Promise<number | null> {
  const bin = join(dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');
  return new Promise((resolve, reject) => {
    // Streamed, so that `tail -f` on the log shows a long run's progress.
    const out = createWriteStream(log);
    const child = spawn(process.execPath, [bin, 'run', config], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (code) => out.end(() => resolve(code)));
  });
}
