import { isStackError, parsePlan, parseStackError, PlanFormatError, type StackError, type StackPlan } from './plan-json';
import type { UnusableInput } from './render';

/** Suffix of the marker file the plan command writes for a stack that failed to plan. */
export const STACK_ERROR_SUFFIX = '.error.json';

/** Stack name of a plan file: its base name without `.json` (`plans/dev-base.json` → `dev-base`). */
export const stackNameOfFile = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.error\.json$|\.json$/, '');

/** A file given to the summary: its parsed JSON, or why it could not be read or parsed. */
export type SummaryFile = { readonly name: string; readonly json: unknown } | { readonly name: string; readonly unreadable: string };

/**
 * Sorts the files given to the summary into plans and stack errors. Each file is either a Terraform
 * plan or a `<stack>.error.json` marker; a file that is neither, or is malformed, is listed as
 * unusable (named, with the reason) so the summary still shows every other stack and says which
 * one it could not read.
 */
export const readSummaryInputs = (files: readonly SummaryFile[]): { plans: StackPlan[]; errors: StackError[]; unusable: UnusableInput[] } => {
  const plans: StackPlan[] = [];
  const errors: StackError[] = [];
  const unusable: UnusableInput[] = [];
  for (const file of files) {
    const stack = stackNameOfFile(file.name);
    if ('unreadable' in file) {
      unusable.push({ file: file.name, stack, message: file.unreadable });
      continue;
    }
    try {
      if (isStackError(file.json)) errors.push(parseStackError(file.json, file.name));
      else plans.push(parsePlan(file.json, stack));
    } catch (error) {
      if (!(error instanceof PlanFormatError)) throw error;
      unusable.push({ file: file.name, stack, message: error.message });
    }
  }
  return { plans, errors, unusable };
};
