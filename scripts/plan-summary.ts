/**
 * `npm run plan:summary -- plans/*.json`: reads `terraform show -json` plans (and the
 * `<stack>.error.json` markers `npm run plan` writes) and writes the Markdown summary of the plan
 * review (plan-review/) to --out or stdout. Exit codes: docs/cli.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PlanFormatError, readSummaryInputs, renderSummary } from '../plan-review';
import { EXIT, parseCommandLine, runCommand, UsageError } from '../tooling/cli';

export const USAGE = `Usage: npm run plan:summary -- PLAN.json... [--fail-on-destroy] [--out FILE.md] [--title TEXT] [--marker ID] [--max-chars N]

Writes the Markdown summary of terraform show -json plans (and the <stack>.error.json markers of
npm run plan) for a pull-request comment.

  --fail-on-destroy   exit 1 when anything would be deleted or replaced, or a stack failed to plan
  --out FILE.md       write the summary there instead of stdout
  --title TEXT        heading of the summary (for example the environment)
  --marker ID         hidden marker, so a workflow can update its own comment
  --max-chars N       longest summary (at least 1000)
  -h, --help          this text

Exit codes: 0 written; 1 with --fail-on-destroy, a delete, a replace or a failed stack;
2 usage, or a plan file that cannot be read; 3 crash.`;

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
  if (values.marker !== undefined) options.marker = values.marker;
  if (values['max-chars'] !== undefined) {
    const n = Number(values['max-chars']);
    if (!Number.isInteger(n) || n < 1000) throw new UsageError('--max-chars must be an integer ≥ 1000');
    options.maxChars = n;
  }
  return { files: positionals, failOnDestroy: values['fail-on-destroy'], ...options };
};

const readJson = (file: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PlanFormatError(`${file}: cannot read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlanFormatError(`${file}: not valid JSON (${(error as Error).message})`);
  }
};

export const runSummary = (argv: readonly string[]): number => {
  const args = parseSummaryArgs(argv);
  try {
    const inputs = readSummaryInputs(args.files.map((name) => ({ name, json: readJson(name) })));
    const summary = renderSummary(
      { ...inputs, ...(args.title ? { title: args.title } : {}), ...(args.marker ? { marker: args.marker } : {}) },
      args.maxChars ? { maxChars: args.maxChars } : {},
    );
    if (args.out) {
      writeFileSync(args.out, summary.markdown);
      console.error(`plan summary written to ${args.out} (${summary.markdown.length} characters)`);
    } else process.stdout.write(summary.markdown);
    if (args.failOnDestroy && summary.destructive) {
      const { delete: deletes, replace } = summary.totals;
      console.error(`--fail-on-destroy: the plan deletes ${deletes} and replaces ${replace} resource(s)`);
      return EXIT.finding;
    }
    if (args.failOnDestroy && summary.erroredStacks.length > 0) {
      console.error(`--fail-on-destroy: cannot rule out deletes, these stacks failed to plan: ${summary.erroredStacks.join(', ')}`);
      return EXIT.finding;
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof PlanFormatError) {
      console.error(`plan:summary: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
};

if (require.main === module) void runCommand({ name: 'plan:summary', usage: USAGE, run: runSummary });
