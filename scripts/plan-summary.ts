/**
 * `npm run plan:summary -- plans/*.json`: reads `terraform show -json` plans (and the
 * `<stack>.error.json` markers `npm run plan` writes) and writes the Markdown summary of the plan
 * review (plan-review/) to --out or stdout, always before it exits. Exit codes: docs/cli.md; here
 * 1 is a stack that failed to plan or (with --fail-on-destroy) a delete or replace that loses data
 * (plan-review/destroy-impact.ts), 2 a plan file that cannot be used (the summary still names it).
 * In GitHub Actions the summary names the commit and links the run (GITHUB_SHA, GITHUB_SERVER_URL,
 * GITHUB_REPOSITORY, GITHUB_RUN_ID).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { provenanceFromEnv, readSummaryInputs, renderSummary, type SummaryFile } from '../plan-review';
import { type CommandIo, EXIT, parseCommandLine, runCommand, UsageError } from '../tooling/cli';

export const USAGE = `Usage: npm run plan:summary -- PLAN.json... [--fail-on-destroy] [--out FILE.md] [--title TEXT] [--marker ID] [--max-chars N]

Writes the Markdown summary of terraform show -json plans (and the <stack>.error.json markers of
npm run plan) for a pull-request comment, ranked by risk; sensitive values are never printed.

  --fail-on-destroy   exit 1 when a delete or replace loses data (plan-review/destroy-impact.ts)
  --out FILE.md       write the summary there instead of stdout
  --title TEXT        heading of the summary (for example the environment)
  --marker ID         hidden marker, so a workflow can update its own comment (letters, digits, : . _ / -)
  --max-chars N       longest summary (at least 1000)
  -h, --help          this text

The summary names the commit and links the workflow run when GITHUB_SHA, GITHUB_SERVER_URL,
GITHUB_REPOSITORY and GITHUB_RUN_ID are set.

Exit codes: 0 written; 1 a stack failed to plan, or with --fail-on-destroy a delete or replace
that loses data; 2 usage, or a plan file that cannot be used (not JSON, not a plan, malformed,
nested too deep); 3 crash. For 1 and 2 the summary is written first, naming what failed.`;

export interface SummaryArgs {
  readonly files: string[];
  readonly failOnDestroy: boolean;
  readonly out?: string;
  readonly title?: string;
  readonly marker?: string;
  readonly maxChars?: number;
}

export const parseSummaryArgs = (argv: readonly string[]): SummaryArgs => {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      'fail-on-destroy': { type: 'boolean', default: false },
      out: { type: 'string' },
      title: { type: 'string' },
      marker: { type: 'string' },
      'max-chars': { type: 'string' },
    },
    { allowPositionals: true },
  );
  if (positionals.length === 0) throw new UsageError('no plan files given (did the plans/*.json glob match nothing?)');
  const options: { out?: string; title?: string; marker?: string; maxChars?: number } = {};
  if (values.out !== undefined) options.out = values.out;
  if (values.title !== undefined) options.title = values.title;
  if (values.marker !== undefined) {
    // It goes into an HTML comment: nothing that could end the comment or the line.
    if (!/^[A-Za-z0-9:._/-]+$/.test(values.marker) || values.marker.includes('--')) {
      throw new UsageError('--marker: letters, digits and : . _ / - only, without "--"');
    }
    options.marker = values.marker;
  }
  if (values['max-chars'] !== undefined) {
    const n = Number(values['max-chars']);
    if (!Number.isInteger(n) || n < 1000) throw new UsageError('--max-chars must be an integer ≥ 1000');
    options.maxChars = n;
  }
  return { files: positionals, failOnDestroy: values['fail-on-destroy'], ...options };
};

const readFile = (name: string): SummaryFile => {
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (error) {
    return { name, unreadable: `cannot read (${(error as Error).message})` };
  }
  try {
    return { name, json: JSON.parse(text) };
  } catch (error) {
    return { name, unreadable: `not valid JSON (${(error as Error).message})` };
  }
};

/** Writes the summary (to --out, else `io.stdout`) and its messages to `io.stderr`; returns the exit code. */
export const runSummary = (argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, io: CommandIo = process): number => {
  const toStderr = (line: string) => io.stderr.write(`${line}\n`);
  const args = parseSummaryArgs(argv);
  const inputs = readSummaryInputs(args.files.map(readFile));
  const provenance = provenanceFromEnv(env);
  const summary = renderSummary(
    {
      ...inputs,
      ...(args.title ? { title: args.title } : {}),
      ...(args.marker ? { marker: args.marker } : {}),
      ...(provenance ? { provenance } : {}),
    },
    args.maxChars ? { maxChars: args.maxChars } : {},
  );
  if (args.out) {
    writeFileSync(args.out, summary.markdown);
    toStderr(`plan summary written to ${args.out} (${summary.markdown.length} characters${summary.shortened ? ', shortened to fit' : ''})`);
  } else io.stdout.write(summary.markdown);

  for (const bad of inputs.unusable) toStderr(`plan:summary: ${bad.file}: ${bad.message}`);
  if (inputs.unusable.length > 0) return EXIT.usage;
  if (summary.erroredStacks.length > 0) {
    toStderr(`plan:summary: these stacks failed to plan, the summary is incomplete: ${summary.erroredStacks.join(', ')}`);
    return EXIT.finding;
  }
  if (args.failOnDestroy && summary.destructive) {
    const list = summary.destructiveChanges.map((c) => `${c.stack}: ${c.action} ${c.address}`).join('\n  ');
    toStderr(`--fail-on-destroy: ${summary.destructiveChanges.length} delete(s)/replace(s) lose data:\n  ${list}`);
    return EXIT.finding;
  }
  return EXIT.ok;
};

if (require.main === module) void runCommand({ name: 'plan:summary', usage: USAGE, run: runSummary });
