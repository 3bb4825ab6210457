/**
 * `npm run test:mutation`: the test-strength tier. StrykerJS mutates each module of
 * scripts/mutation/modules.ts against its own test files, merges the results into
 * reports/mutation/mutation.json and mutation.html, and fails any module under the threshold.
 * Exit codes: docs/cli.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXIT, parseCommandLine, runCommand, UsageError, wholeNumberArgument } from '../tooling/cli';
import { MUTATION_MODULES, MUTATION_THRESHOLD, type MutationModule } from './mutation/modules';
import { belowThreshold, formatScore, mergeReports, moduleScores, type MutationReport, readReport, reportHtml } from './mutation/report';
import { type ModuleRun, runModule } from './mutation/run';

export const USAGE = `Usage: npm run test:mutation [-- --module FILE ...] [--all] [--force] [--concurrency N] [--check] [--list]

Mutation testing with StrykerJS: each module of scripts/mutation/modules.ts is mutated and run
against its own test files, one module at a time. Results are kept under ~/.cache/event-driven-ecs-infra/mutation
and reused for mutants whose code and tests did not change, as long as nothing else the tests
load changed either. Writes reports/mutation/mutation.json and mutation.html (the modules run).

  --module FILE      only this module (repeatable), e.g. --module core/naming.ts
  --all              the pending modules too (those not yet at ${MUTATION_THRESHOLD}%; never failing the run)
  --force            ignore earlier results: test every mutant
  --concurrency N    Jest processes per module (default 2)
  --check            run nothing: check the existing reports/mutation/mutation.json
  --list             print each module and its test files, run nothing
  -h, --help         this text

Exit codes: 0 every module at ${MUTATION_THRESHOLD}% or more; 1 a module under ${MUTATION_THRESHOLD}% (each is named with
its score); 2 usage (an unknown module), or --check without a report; 3 crash, or Stryker failed.`;

const ROOT = join(__dirname, '..');
const REPORT_DIR = join(ROOT, 'reports', 'mutation');
const REPORT = join(REPORT_DIR, 'mutation.json');

export interface MutationArgs {
  readonly modules: readonly MutationModule[];
  /** Whether modules were named with --module (else: all of them). */
  readonly chosen: boolean;
  readonly force: boolean;
  readonly concurrency: number;
  readonly check: boolean;
  readonly list: boolean;
}

export function parseMutationArgs(argv: readonly string[], table: readonly MutationModule[] = MUTATION_MODULES): MutationArgs {
  const { values } = parseCommandLine(argv, {
    module: { type: 'string', multiple: true },
    all: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    check: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  });
  const chosen = values.module ?? [];
  const unknown = chosen.filter((module) => !table.some((entry) => entry.module === module));
  if (unknown.length > 0) throw new UsageError(`not a module of scripts/mutation/modules.ts: ${unknown.join(', ')}`);
  return {
    modules: chosen.length > 0 ? table.filter((entry) => chosen.includes(entry.module)) : table.filter((entry) => values.all || entry.pending === undefined),
    chosen: chosen.length > 0,
    force: values.force,
    concurrency: values.concurrency === undefined ? 2 : wholeNumberArgument('--concurrency', values.concurrency, 1),
    check: values.check,
    list: values.list,
  };
}

/** Prints each module's score and returns the exit code: 1 when one that is not pending is under the threshold. */
function judge(report: MutationReport, modules: readonly string[], runs: readonly ModuleRun[] = []): number {
  const scores = moduleScores(report, modules);
  const pending = new Map(MUTATION_MODULES.flatMap((entry) => (entry.pending === undefined ? [] : [[entry.module, entry.pending] as const])));
  const width = Math.max(...modules.map((module) => module.length));
  for (const score of scores) {
    const run = runs.find((entry) => entry.module === score.module);
    const time = run ? `  ${run.seconds.toFixed(0)} s${run.incremental ? ' (incremental)' : ''}` : '';
    console.log(
      `${score.module.padEnd(width)}  ${formatScore(score.score).padStart(6)}%  killed ${score.killed}, timeout ${score.timeout}, survived ${score.survived}, no coverage ${score.noCoverage}, disabled ${score.ignored}${time}`,
    );
  }
  for (const score of scores.filter((entry) => pending.has(entry.module))) console.log(`test:mutation: pending, not enforced: ${score.module}: ${pending.get(score.module)}`);
  const failures = belowThreshold(
    scores.filter((entry) => !pending.has(entry.module)),
    MUTATION_THRESHOLD,
  );
  for (const failure of failures) console.error(`test:mutation: ${failure}`);
  const enforced = scores.filter((entry) => !pending.has(entry.module)).length;
  // The closing line CI reads: pending modules count as skipped.
  console.log(`test:mutation: ${enforced - failures.length} passed, ${failures.length} failed, ${scores.length - enforced} skipped`);
  return failures.length > 0 ? EXIT.finding : EXIT.ok;
}

export async function runMutation(argv: readonly string[]): Promise<number> {
  const args = parseMutationArgs(argv);
  if (args.list) {
    for (const { module, tests } of args.modules) console.log(`${module}\n  ${tests.join('\n  ')}`);
    return EXIT.ok;
  }
  if (args.check) {
    let report: MutationReport;
    try {
      report = readReport(REPORT);
    } catch (error) {
      throw new UsageError(`--check: cannot read ${relative(process.cwd(), REPORT)}: ${(error as Error).message}`);
    }
    // Without --module: the modules the report holds (a run of some modules writes only theirs).
    const modules = args.modules.map((entry) => entry.module).filter((module) => args.chosen || report.files[module] !== undefined);
    return judge(report, modules);
  }

  const started = Date.now();
  const runs: ModuleRun[] = [];
  for (const target of args.modules) {
    const run = await runModule(ROOT, target, { concurrency: args.concurrency, force: args.force });
    const [score] = moduleScores(run.report, [target.module]);
    console.log(`test:mutation: ${target.module} ${formatScore(score!.score)}% in ${run.seconds.toFixed(0)} s${run.incremental ? ' (incremental)' : ''}`);
    runs.push(run);
  }
  const report = mergeReports(
    runs.map((run) => ({ name: run.module, report: run.report })),
    { high: 95, low: MUTATION_THRESHOLD, break: MUTATION_THRESHOLD },
  );
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(REPORT, JSON.stringify(report));
  writeFileSync(join(REPORT_DIR, 'mutation.html'), reportHtml(report, readFileSync(require.resolve('mutation-testing-elements/dist/mutation-test-elements.js'), 'utf8')));
  console.log(`test:mutation: ${runs.length} modules in ${((Date.now() - started) / 1000).toFixed(0)} s; reports/mutation/mutation.json and mutation.html`);
  return judge(
    report,
    runs.map((run) => run.module),
    runs,
  );
}

if (require.main === module) void runCommand({ name: 'test:mutation', usage: USAGE, run: runMutation });
