/**
 * Module checks only tests need; reading the modules is tooling/hcl-reader.ts.
 */
import { type ParsedModule, requiredVariables } from '../../tooling/hcl-reader';

/**
 * Pure: what is wrong with a call of `module` passing `passed` and reading `read` outputs, as
 * Terraform would report it. The contract test of a stack against a module uses this.
 */
export function moduleCallViolations(module: ParsedModule, passed: Iterable<string>, read: Iterable<string> = []): string[] {
  const errors: string[] = [];
  const passedSet = new Set(passed);
  for (const name of passedSet) {
    if (!(name in module.variables)) errors.push(`${module.dir}: passes undeclared variable "${name}"`);
  }
  for (const name of requiredVariables(module)) {
    if (!passedSet.has(name)) errors.push(`${module.dir}: does not pass required variable "${name}"`);
  }
  for (const name of new Set(read)) {
    if (!(name in module.outputs)) errors.push(`${module.dir}: reads undeclared output "${name}"`);
  }
  return errors;
}
