/**
 * npm run plan:summary -- plans/*.json [--fail-on-destroy] [--out summary.md] [--title dev] [--marker id]
 *
 * Reads `terraform show -json` plans (and `<stack>.error.json` markers written by `npm run plan`),
 * writes the Markdown summary to --out or stdout. Exit codes: 0 ok; 1 with --fail-on-destroy when
 * anything would be deleted or replaced, or a stack failed to plan (so nothing can be proven safe);
 * 2 for bad arguments or unreadable plans.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PlanFormatError, readSummaryInputs, renderSummary } from '../plan-review';

export interface SummaryArgs {
  readonly files: string[];
  readonly failOnDestroy: boolean;
  readonly out?: string;
  readonly title?: string;
  readonly marker?: string;
  readonly maxChars?: number;
}

export class UsageError extends Error {}

const USAGE = 'usage: npm run plan:summary -- <plan.json>... [--fail-on-destroy] [--out file.md] [--title text] [--marker id] [--max-chars n]';

export const parseSummaryArgs = (argv: readonly string[]): SummaryArgs => {
  const files: string[] = [];
  const options: { failOnDestroy: boolean; out?: string; title?: string; marker?: string; maxChars?: number } = { failOnDestroy: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--fail-on-destroy') options.failOnDestroy = true;
    else if (arg === '--out') options.out = value();
    else if (arg === '--title') options.title = value();
    else if (arg === '--marker') options.marker = value();
    else if (arg === '--max-chars') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1000) throw new UsageError(`--max-chars must be an integer ≥ 1000\n${USAGE}`);
      options.maxChars = n;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError(`no plan files given (did the plans/*.json glob match nothing?)\n${USAGE}`);
  return { files, ...options };
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
  try {
    const args = parseSummaryArgs(argv);
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
      return 1;
    }
    if (args.failOnDestroy && summary.erroredStacks.length > 0) {
      console.error(`--fail-on-destroy: cannot rule out deletes, these stacks failed to plan: ${summary.erroredStacks.join(', ')}`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof PlanFormatError) {
      console.error(`plan:summary: ${error.message}`);
      return 2;
    }
    throw error;
  }
};

if (require.main === module) process.exitCode = runSummary(process.argv.slice(2));
