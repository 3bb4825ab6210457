/**
 * Module checks only tests need; reading the modules is tooling/hcl-reader.ts.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseHcl, type ParsedModule, parseModule as readModule, requiredVariables } from '../../tooling/hcl-reader';

/**
 * hcl2json's parse of each file, remembered: starting its WebAssembly parser and parsing the four
 * modules cost 0.7-0.9 CPU-seconds in every test file that reads them (six files). The result
 * depends on the file's name and text and on hcl2json's code alone, so it is kept under
 * node_modules/.cache keyed by those and hcl2json's installed version (as test/support/asl-validator.ts
 * keeps its acceptances). A parse error is never remembered: it is parsed again every time.
 */
const HCL2JSON_VERSION = (JSON.parse(fs.readFileSync(require.resolve('@cdktf/hcl2json/package.json'), 'utf8')) as { version: string }).version;
const PARSE_CACHE = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'hcl2json-parsed', HCL2JSON_VERSION);

/** tooling/hcl-reader.ts's `parseHcl`, its result remembered. */
export async function parseHclRemembered(filename: string, text: string): Promise<Record<string, unknown>> {
  const entry = path.join(
    PARSE_CACHE,
    createHash('sha256')
      .update(`${path.basename(filename)}\0${text}`)
      .digest('hex'),
  );
  try {
    return JSON.parse(fs.readFileSync(entry, 'utf8')) as Record<string, unknown>;
  } catch {
    // Not parsed yet (or an unreadable entry): parse it.
  }
  const parsed = await parseHcl(filename, text);
  try {
    fs.mkdirSync(PARSE_CACHE, { recursive: true });
    // Written whole, then renamed: a reader in another worker never sees half a file.
    const partial = `${entry}.${process.pid}`;
    fs.writeFileSync(partial, JSON.stringify(parsed));
    fs.renameSync(partial, entry);
  } catch {
    // A read-only checkout: parse again in the next process.
  }
  return parsed;
}

/** tooling/hcl-reader.ts's `parseModule`, each file's parse remembered across test files and runs. */
export const parseModule = (dir: string): Promise<ParsedModule> => readModule(dir, parseHclRemembered);

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
