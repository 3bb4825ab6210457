/**
 * The mutation tier's own machinery (scripts/mutation/): the table of modules and their tests, the
 * per-module scores and threshold read from Stryker's report, the merged report, and when earlier
 * results may be reused. Stryker itself runs in `npm run test:mutation`, not here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { moduleFingerprint, RUN_SETUP } from '../../scripts/mutation/fingerprint';
import { MUTATION_MODULES, MUTATION_THRESHOLD } from '../../scripts/mutation/modules';
import { belowThreshold, formatScore, mergeReports, moduleScores, type MutationReport, type ReportMutant, reportHtml, scoreOf } from '../../scripts/mutation/report';
import { fingerprintedOptions, moduleSlug, runPaths, strykerOptions, suiteJestConfig } from '../../scripts/mutation/run';
import { parseMutationArgs } from '../../scripts/test-mutation';

const ROOT = path.join(__dirname, '..', '..');

const mutant = (id: string, status: ReportMutant['status'], extra: Partial<ReportMutant> = {}): ReportMutant => ({
  id,
  mutatorName: 'ConditionalExpression',
  status,
  location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
  ...extra,
});
const file = (...mutants: ReportMutant[]) => ({ language: 'typescript', source: 'x', mutants });

describe('the table of modules', () => {
  test('every module and test file exists, each module once', () => {
    const missing = MUTATION_MODULES.flatMap(({ module, tests }) => [module, ...tests]).filter((file) => !fs.existsSync(path.join(ROOT, file)));
    expect(missing).toEqual([]);
    const modules = MUTATION_MODULES.map((entry) => entry.module);
    expect(new Set(modules).size).toBe(modules.length);
  });

  test('every module of the pure core is in it', () => {
    const core = fs
      .readdirSync(path.join(ROOT, 'core'))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `core/${name}`);
    expect(core.filter((module) => !MUTATION_MODULES.some((entry) => entry.module === module))).toEqual([]);
  });

  test('its tests need no synth (no globalSetup runs in a mutation run)', () => {
    const tests = [...new Set(MUTATION_MODULES.flatMap((entry) => entry.tests))];
    const slow = tests.filter((test) => /support\/synth'/.test(fs.readFileSync(path.join(ROOT, test), 'utf8')));
    expect(slow).toEqual([]);
  });

  test('the threshold is 90%', () => expect(MUTATION_THRESHOLD).toBe(90));
});

describe('scores', () => {
  test('killed and timed-out mutants over all tested or uncovered ones; disabled and erroneous ones do not count', () => {
    const score = scoreOf(
      'core/x.ts',
      file(
        mutant('1', 'Killed'),
        mutant('2', 'Killed'),
        mutant('3', 'Timeout'),
        mutant('4', 'Survived'),
        mutant('5', 'NoCoverage'),
        mutant('6', 'Ignored'),
        mutant('7', 'CompileError'),
        mutant('8', 'RuntimeError'),
      ),
    );
    expect(score).toEqual({ module: 'core/x.ts', killed: 2, timeout: 1, survived: 1, noCoverage: 1, ignored: 1, errors: 2, score: 60 });
  });

  test('a module without mutants scores 100; a report with untested mutants is refused', () => {
    expect(scoreOf('a.ts', file()).score).toBe(100);
    expect(scoreOf('a.ts', file(mutant('1', 'Ignored'))).score).toBe(100);
    expect(() => scoreOf('a.ts', file(mutant('1', 'Killed'), mutant('2', 'Pending')))).toThrow('a.ts: 1 mutants were never tested (status Pending): the run did not finish');
  });

  test('each module from the report, in order; a module it lacks is an error', () => {
    const report: MutationReport = { schemaVersion: '2', thresholds: { high: 95, low: 90 }, files: { 'b.ts': file(mutant('1', 'Survived')), 'a.ts': file(mutant('1', 'Killed')) } };
    expect(moduleScores(report, ['a.ts', 'b.ts']).map((score) => [score.module, score.score])).toEqual([
      ['a.ts', 100],
      ['b.ts', 0],
    ]);
    expect(() => moduleScores(report, ['c.ts'])).toThrow('the mutation report has no results for c.ts');
  });

  test('under the threshold, each module named with what survived; exactly at it passes', () => {
    const at = { module: 'at.ts', killed: 9, timeout: 0, survived: 1, noCoverage: 0, ignored: 0, errors: 0, score: 90 };
    const under = { module: 'under.ts', killed: 8, timeout: 0, survived: 1, noCoverage: 1, ignored: 0, errors: 0, score: 89.999 };
    expect(belowThreshold([at, under], 90)).toEqual(['under.ts: 89.99% < 90% (1 survived, 1 not covered)']);
    expect(belowThreshold([at], 90)).toEqual([]);
  });

  test('scores print floored, so that nothing under 90 reads as 90.00', () => {
    expect(formatScore(89.999)).toBe('89.99');
    expect(formatScore(100)).toBe('100.00');
    expect(formatScore(92.3456)).toBe('92.34');
  });
});

describe('the merged report', () => {
  const run = (module: string, test: string): MutationReport => ({
    schemaVersion: '2',
    thresholds: { high: 80, low: 60, break: null },
    projectRoot: '/repo',
    files: { [module]: file(mutant('0', 'Killed', { coveredBy: ['0', '1'], killedBy: ['1'] }), mutant('1', 'Survived')) },
    testFiles: {
      [test]: {
        source: 'src',
        tests: [
          { id: '0', name: 'a' },
          { id: '1', name: 'b' },
        ],
      },
    },
  });

  test('ids prefixed per run, test files of several runs merged, the given thresholds', () => {
    const merged = mergeReports(
      [
        { name: 'a.ts', report: run('a.ts', 't1.test.ts') },
        { name: 'b.ts', report: run('b.ts', 't1.test.ts') },
      ],
      { high: 95, low: 90, break: 90 },
    );
    expect(merged.thresholds).toEqual({ high: 95, low: 90, break: 90 });
    expect(merged.projectRoot).toBe('/repo');
    expect(merged.schemaVersion).toBe('2');
    expect(merged.files['a.ts']!.mutants.map((m) => [m.id, m.coveredBy, m.killedBy])).toEqual([
      ['a.ts#0', ['a.ts#0', 'a.ts#1'], ['a.ts#1']],
      ['a.ts#1', undefined, undefined],
    ]);
    expect('coveredBy' in merged.files['a.ts']!.mutants[1]!).toBe(false);
    expect(merged.files['b.ts']!.mutants[0]!.id).toBe('b.ts#0');
    expect(merged.testFiles!['t1.test.ts']).toEqual({ source: 'src', tests: ['a.ts#0', 'a.ts#1', 'b.ts#0', 'b.ts#1'].map((id, i) => ({ id, name: i % 2 ? 'b' : 'a' })) });
  });

  test('a module in two runs is refused; no runs give an empty report', () => {
    expect(() =>
      mergeReports(
        [
          { name: 'x', report: run('a.ts', 't') },
          { name: 'y', report: run('a.ts', 't') },
        ],
        { high: 1, low: 1 },
      ),
    ).toThrow('a.ts is in the reports of two runs');
    expect(mergeReports([], { high: 95, low: 90 })).toEqual({ schemaVersion: '2', thresholds: { high: 95, low: 90 }, files: {}, testFiles: {} });
  });

  test('the HTML view: the elements script and the report, and no string of the report can close the script', () => {
    const hostile: MutationReport = {
      schemaVersion: '2',
      thresholds: { high: 95, low: 90 },
      files: { 'a.ts': { language: 'typescript', source: '</script><img src=x onerror=alert(1)>', mutants: [] } },
    };
    const html = reportHtml(hostile, 'customElements.define("x", class {});');
    expect(html).toContain('customElements.define("x", class {});');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const assigned = /app\.report = (.*);\n/.exec(html)![1]!;
    expect(JSON.parse(assigned)).toEqual(hostile);
  });
});

/** The parts of Stryker's options these tests read (its own type is a loose partial). */
interface StrykerOptionsSeen {
  readonly jest: { readonly config: Record<string, unknown> & { readonly testMatch: unknown; readonly transform: object } };
  readonly thresholds: { readonly break: unknown };
}

describe('running Stryker for a module', () => {
  test('its options: the module, its own tests only, no synth, per-test coverage, the reports and incremental file', () => {
    const module = { module: 'core/naming.ts', tests: ['test/core/naming.test.ts'] };
    const options = strykerOptions(module, { report: '/r.json', incremental: '/i.json' }, 2, suiteJestConfig(ROOT)) as unknown as StrykerOptionsSeen;
    expect(options).toMatchObject({
      testRunner: 'jest',
      mutate: ['core/naming.ts'],
      coverageAnalysis: 'perTest',
      concurrency: 2,
      incremental: true,
      incrementalFile: '/i.json',
      jsonReporter: { fileName: '/r.json' },
    });
    expect(options.jest.config.testMatch).toEqual(['<rootDir>/test/core/naming.test.ts']);
    // null, not absent: Stryker spreads these options over jest.config.js, whose globalSetup synthesizes.
    expect([options.jest.config.globalSetup, options.jest.config.globalTeardown]).toEqual([null, null]);
    // The suite's transforms, the ES-module-only marked included (the plan-review tests render with it).
    const suite = suiteJestConfig(ROOT);
    expect([options.jest.config.transform, options.jest.config.transformIgnorePatterns, options.jest.config.setupFiles]).toEqual([
      suite.transform,
      suite.transformIgnorePatterns,
      suite.setupFiles ?? [],
    ]);
    expect(Object.keys(options.jest.config.transform as object)).toContain('/node_modules/marked/.+\\.js$');
    expect(options.thresholds.break).toBeNull();
  });

  test('its files are named after the module, the incremental results kept outside the repository', () => {
    expect(moduleSlug('core/event-pattern.ts')).toBe('core-event-pattern');
    expect(moduleSlug('plan-review/values.ts')).toBe('plan-review-values');
    const paths = runPaths('/repo', 'core/naming.ts', '/cache');
    expect(paths).toEqual({
      config: '/repo/reports/mutation/modules/core-naming.stryker.json',
      report: '/repo/reports/mutation/modules/core-naming.json',
      log: '/repo/reports/mutation/modules/core-naming.log',
      incremental: '/cache/core-naming/incremental.json',
      fingerprint: '/cache/core-naming/fingerprint',
    });
  });
});

describe('what a fingerprint holds of the run', () => {
  const naming = { module: 'core/naming.ts', tests: ['test/core/naming.test.ts'] };
  const options = (root: string, cache: string, concurrency: number, target = naming) =>
    fingerprintedOptions(root, strykerOptions(target, runPaths(root, target.module, cache), concurrency, suiteJestConfig(ROOT)));

  test('the same for a clone at another path, another cache or concurrency (CI and a rehearsal share the cache)', () => {
    const ci = options('/srv/ci/clone', '/srv/ci/home/.cache/m', 2);
    expect(options('/opt/rehearsal', '/opt/me/.cache/m', 1)).toEqual(ci);
    expect(JSON.stringify(ci)).not.toMatch(/srv|\.cache/);
    expect(ci).toMatchObject({ jsonReporter: { fileName: '<root>/reports/mutation/modules/core-naming.json' } });
  });

  test('different for what is tested: another module, or another Stryker option', () => {
    const ci = options('/repo', '/cache', 2);
    expect(options('/repo', '/cache', 2, { module: 'core/aws-limits.ts', tests: ['test/core/aws-limits.test.ts'] })).not.toEqual(ci);
    const stryker = strykerOptions(naming, runPaths('/repo', naming.module, '/cache'), 2, suiteJestConfig(ROOT));
    expect(fingerprintedOptions('/repo', { ...stryker, timeoutMS: 1 })).not.toEqual(ci);
  });

  test("every setup file jest.config.js names is followed, the ones after the framework's too", () => {
    const { setupFiles = [], setupFilesAfterEnv = [] } = suiteJestConfig(ROOT) as { setupFiles?: string[]; setupFilesAfterEnv?: string[] };
    expect(setupFilesAfterEnv.length).toBeGreaterThan(0);
    expect(RUN_SETUP.entryPoints).toEqual([...setupFiles, ...setupFilesAfterEnv].map((file) => file.replace('<rootDir>/', '')));
  });
});

describe('when earlier results may be reused', () => {
  let root: string;
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  };
  const setup = { entryPoints: ['setup.ts'], files: ['lock.json'], dataDirs: ['fixtures'] };
  const fingerprint = (config: unknown = {}) => moduleFingerprint(root, 'mod.ts', ['mod.test.ts'], config, setup);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-fingerprint-'));
    write('mod.ts', "import { helper } from './helper';\nexport const f = () => helper();\n");
    write('helper.ts', 'export const helper = () => 1;\n');
    write('mod.test.ts', "import { f } from './mod';\nimport { expected } from './test-helper';\ntest('f', () => expect(f()).toBe(expected));\n");
    write('test-helper.ts', 'export const expected = 1;\n');
    write('setup.ts', "import './polyfill';\n");
    write('polyfill.ts', 'export {};\n');
    write('lock.json', '{}');
    write('fixtures/case.json', '[1]');
    write('unrelated.ts', 'export const u = 1;\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('it covers what the tests load, the data and the setup, not the module or its tests, which Stryker tracks', () => {
    expect(fingerprint().files).toEqual(['fixtures/case.json', 'helper.ts', 'lock.json', 'polyfill.ts', 'setup.ts', 'test-helper.ts']);
  });

  test.each([
    ['a helper of the module', 'helper.ts'],
    ['a helper of the tests', 'test-helper.ts'],
    ['what the setup imports', 'polyfill.ts'],
    ['a fixture', 'fixtures/case.json'],
    ['the lockfile', 'lock.json'],
  ])('changes with %s', (_what, name) => {
    const before = fingerprint().hash;
    write(name, `${fs.readFileSync(path.join(root, name), 'utf8')}\n`);
    expect(fingerprint().hash).not.toBe(before);
  });

  test('changes with the options, not with the module, its tests or an unrelated file', () => {
    const before = fingerprint().hash;
    expect(fingerprint({ timeoutMS: 1 }).hash).not.toBe(before);
    write('mod.ts', "import { helper } from './helper';\nexport const f = () => helper() + 0;\n");
    write('mod.test.ts', "import { f } from './mod';\nimport { expected } from './test-helper';\ntest('f!', () => expect(f()).toBe(expected));\n");
    write('unrelated.ts', 'export const u = 2;\n');
    expect(fingerprint().hash).toBe(before);
  });

  test('a renamed file counts, not only its content', () => {
    const before = fingerprint().hash;
    fs.renameSync(path.join(root, 'fixtures/case.json'), path.join(root, 'fixtures/other.json'));
    expect(fingerprint().hash).not.toBe(before);
  });
});

describe('npm run test:mutation arguments', () => {
  const table = [
    { module: 'core/a.ts', tests: ['a.test.ts'] },
    { module: 'core/b.ts', tests: ['b.test.ts'] },
  ];
  test('every module but the pending ones by default, all with --all, or those named', () => {
    const pending = [...table, { module: 'core/p.ts', tests: ['p.test.ts'], pending: 'measured 80%' }];
    expect(parseMutationArgs([], pending)).toEqual({ modules: table, chosen: false, force: false, concurrency: 2, check: false, list: false });
    expect(parseMutationArgs(['--all'], pending).modules).toEqual(pending);
    expect(parseMutationArgs(['--module', 'core/p.ts'], pending).modules).toEqual([pending[2]]);
    expect(parseMutationArgs(['--module', 'core/b.ts', '--force', '--concurrency=1', '--check'], table)).toEqual({
      modules: [table[1]],
      chosen: true,
      force: true,
      concurrency: 1,
      check: true,
      list: false,
    });
  });
  test('an unknown module or a bad concurrency is a usage error', () => {
    expect(() => parseMutationArgs(['--module', 'core/c.ts'], table)).toThrow('not a module of scripts/mutation/modules.ts: core/c.ts');
    expect(() => parseMutationArgs(['--concurrency', '0'], table)).toThrow('--concurrency: expected a whole number of at least 1, not "0"');
  });
});
