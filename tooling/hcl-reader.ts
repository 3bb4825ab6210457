/**
 * Reads plain-HCL Terraform modules with `@cdktf/hcl2json` (HashiCorp's HCL parser compiled to
 * WebAssembly), so the module tests and the README generator (`npm run docs`) read what Terraform
 * itself would read, not regexes. A dev dependency: only tests and `npm run docs` load this file.
 *
 * hcl2json shape: every block is a list of bodies (`resource.aws_vpc.this = [ { … } ]`),
 * expressions are strings wrapped in `${…}`, literals stay JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One block's body as parsed: arguments, nested blocks (lists of bodies), `dynamic`. */
export type HclBody = Readonly<Record<string, unknown>>;

export interface VariableInfo {
  /** File the variable is declared in, relative to the module directory. */
  readonly file: string;
  /** A variable with a default (even `null`) is optional for callers. */
  readonly hasDefault: boolean;
  /** Type constraint as written, without `${}`: `string`, `map(object({ … }))`; undefined when absent. */
  readonly type: string | undefined;
  readonly description: string | undefined;
  readonly validations: number;
  readonly body: HclBody;
}

export interface OutputInfo {
  readonly file: string;
  readonly description: string | undefined;
  /** The value expression as written (without `${}`). */
  readonly value: string | undefined;
  readonly body: HclBody;
}

export interface BlockInfo {
  readonly file: string;
  readonly body: HclBody;
}

export interface ParsedModule {
  readonly dir: string;
  /** Every `.tf` file of the directory, parsed. */
  readonly files: Readonly<Record<string, Record<string, unknown>>>;
  readonly variables: Readonly<Record<string, VariableInfo>>;
  readonly outputs: Readonly<Record<string, OutputInfo>>;
  /** Resource type → resource name → block. */
  readonly resources: Readonly<Record<string, Readonly<Record<string, BlockInfo>>>>;
  /** Data source type → name → block. */
  readonly dataSources: Readonly<Record<string, Readonly<Record<string, BlockInfo>>>>;
  /** `terraform { … }` blocks (usually one, in versions.tf). */
  readonly terraform: readonly BlockInfo[];
}

/** `${string}` → `string`; other values unchanged. Only strips a wrapper spanning the whole text. */
export function unwrapExpression(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^\$\{([\s\S]*)\}$/.exec(value);
  return match ? match[1] : value;
}

/** Parses one HCL file's text. Errors name the file. */
export async function parseHcl(filename: string, text: string): Promise<Record<string, unknown>> {
  // Loaded on the first parse: loading hcl2json starts its WebAssembly parser (a Go runtime), which
  // a reader of remembered parses (test/support/hcl.ts) never needs. A require (not import()), which
  // Jest's CommonJS sandbox runs; the migration to cdktn renames it like any other specifier.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('@cdktf/hcl2json') as typeof import('@cdktf/hcl2json');
  try {
    return await parse(filename, text);
  } catch (error) {
    throw new Error(`${filename}: HCL parse error: ${(error as Error).message}`, { cause: error });
  }
}

const firstBody = (bodies: unknown, where: string): HclBody => {
  if (!Array.isArray(bodies) || bodies.length !== 1 || typeof bodies[0] !== 'object') {
    throw new Error(`${where}: expected exactly one block body`);
  }
  return bodies[0] as HclBody;
};

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Pure: the module view of parsed files (file name → hcl2json output). Throws on a name declared
 * twice, as Terraform does.
 */
export function describeModule(dir: string, files: Readonly<Record<string, Record<string, unknown>>>): ParsedModule {
  const variables: Record<string, VariableInfo> = {};
  const outputs: Record<string, OutputInfo> = {};
  const resources: Record<string, Record<string, BlockInfo>> = {};
  const dataSources: Record<string, Record<string, BlockInfo>> = {};
  const terraform: BlockInfo[] = [];

  const declareOnce = <T>(table: Record<string, T>, name: string, value: T, what: string, file: string) => {
    if (name in table) throw new Error(`${dir}/${file}: ${what} "${name}" is declared twice`);
    table[name] = value;
  };

  for (const [file, parsed] of Object.entries(files)) {
    for (const [name, bodies] of Object.entries((parsed['variable'] ?? {}) as Record<string, unknown>)) {
      const body = firstBody(bodies, `${dir}/${file}: variable "${name}"`);
      const type = unwrapExpression(body['type']);
      const info: VariableInfo = {
        file,
        hasDefault: 'default' in body,
        type: typeof type === 'string' ? type : undefined,
        description: optionalString(body['description']),
        validations: Array.isArray(body['validation']) ? body['validation'].length : 0,
        body,
      };
      declareOnce(variables, name, info, 'variable', file);
    }
    for (const [name, bodies] of Object.entries((parsed['output'] ?? {}) as Record<string, unknown>)) {
      const body = firstBody(bodies, `${dir}/${file}: output "${name}"`);
      const value = unwrapExpression(body['value']);
      const info: OutputInfo = {
        file,
        description: optionalString(body['description']),
        value: typeof value === 'string' ? value : undefined,
        body,
      };
      declareOnce(outputs, name, info, 'output', file);
    }
    for (const [section, table, label] of [
      ['resource', resources, 'resource'],
      ['data', dataSources, 'data source'],
    ] as const) {
      for (const [type, byName] of Object.entries((parsed[section] ?? {}) as Record<string, Record<string, unknown>>)) {
        for (const [name, bodies] of Object.entries(byName)) {
          const body = firstBody(bodies, `${dir}/${file}: ${label} ${type}.${name}`);
          declareOnce((table[type] ??= {}), name, { file, body }, `${label} ${type}`, file);
        }
      }
    }
    for (const body of (parsed['terraform'] ?? []) as HclBody[]) terraform.push({ file, body });
  }
  return { dir, files, variables, outputs, resources, dataSources, terraform };
}

/**
 * Parses every `.tf` file of a module directory (not recursive: sub-modules are their own modules)
 * with `parse` (the tests pass one that remembers its results: test/support/hcl.ts).
 */
export async function parseModule(dir: string, parse: typeof parseHcl = parseHcl): Promise<ParsedModule> {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort();
  const files: Record<string, Record<string, unknown>> = {};
  for (const name of names) files[name] = await parse(join(dir, name), readFileSync(join(dir, name), 'utf8'));
  return describeModule(dir, files);
}

/** Every directory directly under `root`: each one is a module and must look like one. */
export function moduleDirectories(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, entry.name))
    .sort();
}

/** Variables a caller must pass: those without a default. */
export function requiredVariables(module: ParsedModule): string[] {
  return Object.entries(module.variables)
    .filter(([, variable]) => !variable.hasDefault)
    .map(([name]) => name)
    .sort();
}
