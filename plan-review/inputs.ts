import { isStackError, parsePlan, PlanFormatError, type StackError, type StackPlan } from './plan-json';

/** Suffix of the marker file the plan command writes for a stack that failed to plan. */
export const STACK_ERROR_SUFFIX = '.error.json';

/** Stack name of a plan file: its base name without `.json` (`plans/dev-base.json` → `dev-base`). */
export const stackNameOfFile = (file: string): string =>
  (file.split(/[\\/]/).pop() ?? file).replace(/\.error\.json$|\.json$/, '');

/**
 * Sorts the JSON files given to the summary into plans and stack errors. Each file is either a
 * Terraform plan or a `<stack>.error.json` marker; anything else is an error naming the file.
 */
export const readSummaryInputs = (
  files: readonly { readonly name: string; readonly json: unknown }[],
): { plans: StackPlan[]; errors: StackError[] } => {
  const plans: StackPlan[] = [];
  const errors: StackError[] = [];
  for (const file of files) {
    if (isStackError(file.json)) errors.push(file.json);
    else {
      try {
        plans.push(parsePlan(file.json, stackNameOfFile(file.name)));
      } catch (error) {
        if (error instanceof PlanFormatError) throw new PlanFormatError(`${file.name}: ${error.message}`);
        throw error;
      }
    }
  }
  return { plans, errors };
};
