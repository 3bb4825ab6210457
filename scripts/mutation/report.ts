/**
 * Stryker's JSON report (the mutation-testing-report-schema, version 2): one per module run,
 * merged into `reports/mutation/mutation.json` with its HTML view, and the per-module threshold
 * that Stryker's own `thresholds.break` cannot give (it judges the run's total only).
 */
import { readFileSync } from 'node:fs';

export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

export interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: MutantStatus;
  readonly location: { readonly start: { readonly line: number; readonly column: number }; readonly end: { readonly line: number; readonly column: number } };
  readonly coveredBy?: readonly string[];
  readonly killedBy?: readonly string[];
  readonly [other: string]: unknown;
}

export interface ReportFile {
  readonly language: string;
  readonly source: string;
  readonly mutants: readonly ReportMutant[];
}

export interface ReportTest {
  readonly id: string;
  readonly name: string;
  readonly [other: string]: unknown;
}

export interface MutationReport {
  readonly schemaVersion: string;
  readonly thresholds: { readonly high: number; readonly low: number; readonly break?: number | null };
  readonly files: Readonly<Record<string, ReportFile>>;
  readonly testFiles?: Readonly<Record<string, { readonly source?: string; readonly tests: readonly ReportTest[] }>>;
  readonly projectRoot?: string;
  readonly [other: string]: unknown;
}

export interface ModuleScore {
  readonly module: string;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Disabled with a `// Stryker disable` comment: not counted. */
  readonly ignored: number;
  /** Mutants that did not compile or crashed the run: not counted (Stryker's rule). */
  readonly errors: number;
  /** (killed + timeout) / (killed + timeout + survived + no coverage), in percent; 100 without mutants. */
  readonly score: number;
}

/** Counts a file's mutants and scores them as Stryker does, timeouts counting as detected. */
export function scoreOf(module: string, file: ReportFile): ModuleScore {
  const count = (status: MutantStatus) => file.mutants.filter((mutant) => mutant.status === status).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const pending = count('Pending');
  if (pending > 0) throw new Error(`${module}: ${pending} mutants were never tested (status Pending): the run did not finish`);
  const valid = killed + timeout + survived + noCoverage;
  return {
    module,
    killed,
    timeout,
    survived,
    noCoverage,
    ignored: count('Ignored'),
    errors: count('CompileError') + count('RuntimeError'),
    score: valid === 0 ? 100 : ((killed + timeout) / valid) * 100,
  };
}

/** The score of each module the report holds, in the order given. A module missing from the report is an error. */
export function moduleScores(report: MutationReport, modules: readonly string[]): ModuleScore[] {
  return modules.map((module) => {
    const file = report.files[module];
    if (!file) throw new Error(`the mutation report has no results for ${module}`);
    return scoreOf(module, file);
  });
}

/** The modules under `threshold`, each as a line naming its score and what was left undetected. */
export function belowThreshold(scores: readonly ModuleScore[], threshold: number): string[] {
  return scores
    .filter((score) => score.score < threshold)
    .map((score) => `${score.module}: ${formatScore(score.score)}% < ${threshold}% (${score.survived} survived, ${score.noCoverage} not covered)`);
}

/** Floors to two decimals, so that 89.999 never prints as a passing 90.00. */
export const formatScore = (score: number): string => (Math.floor(score * 100) / 100).toFixed(2);

/**
 * One report from the reports of several runs. Mutant and test ids are numbered per run, so each
 * run's are prefixed with its name to stay unique; a test file run for several modules keeps the
 * tests of each.
 */
export function mergeReports(reports: readonly { readonly name: string; readonly report: MutationReport }[], thresholds: MutationReport['thresholds']): MutationReport {
  const files: Record<string, ReportFile> = {};
  const testFiles: Record<string, { source?: string; tests: ReportTest[] }> = {};
  for (const { name, report } of reports) {
    const id = (value: string) => `${name}#${value}`;
    for (const [path, file] of Object.entries(report.files)) {
      if (files[path]) throw new Error(`${path} is in the reports of two runs`);
      files[path] = {
        ...file,
        mutants: file.mutants.map((mutant) => ({
          ...mutant,
          id: id(mutant.id),
          ...(mutant.coveredBy ? { coveredBy: mutant.coveredBy.map(id) } : {}),
          ...(mutant.killedBy ? { killedBy: mutant.killedBy.map(id) } : {}),
        })),
      };
    }
    for (const [path, testFile] of Object.entries(report.testFiles ?? {})) {
      const merged = (testFiles[path] ??= { ...(testFile.source === undefined ? {} : { source: testFile.source }), tests: [] });
      merged.tests.push(...testFile.tests.map((test) => ({ ...test, id: id(test.id) })));
    }
  }
  const first = reports[0]?.report;
  return {
    schemaVersion: first?.schemaVersion ?? '2',
    thresholds,
    files,
    testFiles,
    ...(first?.projectRoot === undefined ? {} : { projectRoot: first.projectRoot }),
  };
}

export const readReport = (file: string): MutationReport => JSON.parse(readFileSync(file, 'utf8')) as MutationReport;

/**
 * The report as one HTML file, as Stryker's html reporter writes it: the mutation-testing-elements
 * web component inlined, the report assigned to it. Every `<` of the JSON is written `\u003c` (the
 * same character to JSON and JavaScript), so that no string in the report can close the script element.
 */
export function reportHtml(report: MutationReport, elementsScript: string): string {
  const json = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Mutation testing</title>
<script>
${elementsScript}
</script>
</head>
<body>
<mutation-test-report-app titlePostfix="Stryker"></mutation-test-report-app>
<script>
const app = document.querySelector('mutation-test-report-app');
app.report = ${json};
function updateTheme() { document.body.style.backgroundColor = app.themeBackgroundColor; }
app.addEventListener('theme-changed', updateTheme);
updateTheme();
</script>
</body>
</html>
`;
}
