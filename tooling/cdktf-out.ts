/**
 * The one reader of a synthesized output (`cdktf.out`): its `manifest.json`, the stacks of an
 * environment (in dependency order when asked) and each stack's `cdk.tf.json`. Used by the plan
 * command, the local runner, the benchmark and the tests. The manifest's `dependencies` hold
 * construct paths (for top-level stacks the path equals the stack name). At the end, the few
 * changes synthesis makes to the folder besides cdktf's own writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ManifestStack {
  readonly name: string;
  readonly constructPath?: string;
  /** Relative to the cdktf output directory, e.g. `stacks/dev-base`. */
  readonly workingDirectory: string;
  readonly synthesizedStackPath?: string;
  readonly dependencies: readonly string[];
}

export interface CdktfManifest {
  readonly version: string;
  readonly stacks: Readonly<Record<string, ManifestStack>>;
}

/** A synthesized output that is missing, unreadable or not what cdktf writes; the message names the file. */
export class CdktfOutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CdktfOutError';
  }
}

/** The parts of a stack's `cdk.tf.json` that readers look at. */
export interface TerraformJson {
  terraform: { backend?: Record<string, Record<string, unknown>>; required_providers?: Record<string, unknown> };
  provider?: Record<string, unknown[]>;
  module?: Record<string, Record<string, unknown>>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; description?: string }>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Validates the fields this tool relies on (cdktf 0.21 `Manifest.buildManifest()`). */
export const parseManifest = (json: unknown): CdktfManifest => {
  if (!isRecord(json) || !isRecord(json.stacks)) throw new CdktfOutError('cdktf manifest: expected an object with "stacks"');
  for (const [key, stack] of Object.entries(json.stacks)) {
    if (!isRecord(stack) || typeof stack.workingDirectory !== 'string' || !Array.isArray(stack.dependencies)) {
      throw new CdktfOutError(`cdktf manifest: stack "${key}" needs "workingDirectory" and a "dependencies" list`);
    }
  }
  return json as unknown as CdktfManifest;
};

/**
 * Where each stack of an environment records the environment it belongs to in its `cdk.tf.json`:
 * `"//": { "metadata": { "environment": "<env>" } }`. `"//"` is Terraform's JSON comment key, so
 * Terraform ignores it. Selecting by this field is exact: `dev` never takes a `dev-eu-*` stack, and
 * the account-level CI roles stack belongs to no environment.
 */
export const ENVIRONMENT_METADATA_PATH = '//.metadata.environment';

/** The environment a stack recorded, or undefined (a stack of no environment, or an older synth). */
export function recordedEnvironment(json: unknown): string | undefined {
  const comment = isRecord(json) ? json['//'] : undefined;
  const metadata = isRecord(comment) ? comment.metadata : undefined;
  const environment = isRecord(metadata) ? metadata.environment : undefined;
  return typeof environment === 'string' ? environment : undefined;
}

/** How a reader learns a stack's environment: from its `cdk.tf.json` on disk, or from a map in tests. */
export type EnvironmentOf = (stack: ManifestStack) => string | undefined;

/** The environments the stacks of `outdir` recorded, read from each stack's `cdk.tf.json`. */
export const recordedEnvironments =
  (outdir: string): EnvironmentOf =>
  (stack) =>
    recordedEnvironment(readStackJson(outdir, stack));

const stacksOf = (manifest: CdktfManifest): ManifestStack[] => Object.entries(manifest.stacks).map(([name, stack]) => ({ ...stack, name }));

/** Stacks of one environment, in manifest order: exactly those that recorded `env`, whatever their names. */
export const stacksOfEnvironment = (manifest: CdktfManifest, env: string, environmentOf: EnvironmentOf): ManifestStack[] =>
  stacksOf(manifest).filter((stack) => environmentOf(stack) === env);

/** Every environment some stack of the manifest recorded, in manifest order. */
export const environmentsOf = (manifest: CdktfManifest, environmentOf: EnvironmentOf): string[] => [...new Set(stacksOf(manifest).flatMap((stack) => environmentOf(stack) ?? []))];

/** A stack of an environment with its dependencies by stack name (the manifest holds construct paths). */
export interface OrderedStack extends ManifestStack {
  readonly dependsOn: readonly string[];
}

/**
 * Topological order (dependencies first); ties keep manifest order so the output is stable.
 * Throws on a dependency that is not a stack of the manifest, one outside the environment, or a cycle.
 */
export const orderStacks = (manifest: CdktfManifest, env: string, environmentOf: EnvironmentOf): OrderedStack[] => {
  const all = stacksOf(manifest);
  const byPath = new Map<string, string>();
  for (const stack of all) {
    byPath.set(stack.name, stack.name);
    if (stack.constructPath) byPath.set(stack.constructPath, stack.name);
  }
  const selected = stacksOfEnvironment(manifest, env, environmentOf);
  if (selected.length === 0) {
    const found = environmentsOf(manifest, environmentOf);
    throw new CdktfOutError(
      `environment ${env}: no stack of the manifest belongs to it (environments found: ${found.join(', ') || 'none'}; ` +
        `each stack records its environment in cdk.tf.json at ${ENVIRONMENT_METADATA_PATH}: synthesize again)`,
    );
  }
  const inEnv = new Set(selected.map((s) => s.name));
  const deps = new Map<string, string[]>();
  for (const stack of selected) {
    deps.set(
      stack.name,
      stack.dependencies.map((dependency) => {
        const name = byPath.get(dependency);
        if (!name) throw new CdktfOutError(`environment ${env}: stack ${stack.name} depends on unknown stack "${dependency}"`);
        if (!inEnv.has(name)) throw new CdktfOutError(`environment ${env}: stack ${stack.name} depends on ${name}, a stack of another environment`);
        return name;
      }),
    );
  }
  const ordered: OrderedStack[] = [];
  const done = new Set<string>();
  while (ordered.length < selected.length) {
    const ready = selected.find((s) => !done.has(s.name) && deps.get(s.name)!.every((d) => done.has(d)));
    if (!ready) {
      const stuck = selected.filter((s) => !done.has(s.name)).map((s) => s.name);
      throw new CdktfOutError(`environment ${env}: dependency cycle among stacks ${stuck.join(', ')}`);
    }
    ordered.push({ ...ready, dependsOn: deps.get(ready.name)! });
    done.add(ready.name);
  }
  return ordered;
};

/** The stacks of environment `env` in `outdir`, dependencies first (`readManifest` and `orderStacks`). */
export function readEnvironmentStacks(outdir: string, env: string): OrderedStack[] {
  return orderStacks(readManifest(outdir), env, recordedEnvironments(outdir));
}

/** The manifest of the output directory `outdir`, checked as `parseManifest` does. */
export function readManifest(outdir: string): CdktfManifest {
  const file = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(file)) {
    throw new CdktfOutError(`${file} does not exist: synthesize first (npm run synth; npm run local and npm run plan synthesize unless --no-synth is given).`);
  }
  const json = parseJsonObject(fs.readFileSync(file, 'utf8'), file);
  try {
    return parseManifest(json);
  } catch (error) {
    throw new CdktfOutError(`${file}: ${(error as Error).message}`);
  }
}

/** Where a stack's `cdk.tf.json` is: the path the manifest gives (`stacks/<name>/cdk.tf.json` by default). */
export const stackJsonPath = (outdir: string, stack: Pick<ManifestStack, 'name' | 'synthesizedStackPath'>): string =>
  path.join(outdir, stack.synthesizedStackPath ?? path.join('stacks', stack.name, 'cdk.tf.json'));

/** A stack's `cdk.tf.json`, at the path the manifest gives (`stacks/<name>/cdk.tf.json` by default). */
export function readStackJson(outdir: string, stack: Pick<ManifestStack, 'name' | 'synthesizedStackPath'>): TerraformJson {
  const file = stackJsonPath(outdir, stack);
  if (!fs.existsSync(file)) throw new CdktfOutError(`stack ${stack.name}: ${file} (from manifest.json) does not exist`);
  return parseJsonObject(fs.readFileSync(file, 'utf8'), `stack ${stack.name}: ${file}`) as unknown as TerraformJson;
}

/** `text` parsed as a JSON object, or a `CdktfOutError` naming `where`. */
export function parseJsonObject(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CdktfOutError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) throw new CdktfOutError(`${where}: must be a JSON object`);
  return value;
}

/** Where an App writes when given no folder: what the cdktf CLI sets (CDKTF_OUTDIR), else `cdktf.out`; absolute. */
export function outputDirectory(outdir?: string): string {
  return path.resolve(outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
}

/**
 * Runs `use` with a fresh folder inside `outdir` (created if need be), removed afterwards:
 * inside, so that moving a stack from it into place is a rename on one file system.
 */
export async function withScratchFolder<T>(outdir: string, use: (scratch: string) => Promise<T>): Promise<T> {
  fs.mkdirSync(outdir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(outdir, '.synth-scratch-'));
  try {
    return await use(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `<scratch>/<name>`: an output folder of its own below a scratch folder. */
export const scratchOutput = (scratch: string, name: string): string => path.join(scratch, name);

/**
 * Moves a stack's folder (`workingDirectory`, as the manifest names it) from one output folder to
 * another. Each entry replaces the entry of the same name there, as a synth in place overwrites
 * its files; anything else in the target (a `.terraform` from `terraform init`) stays.
 */
export function moveStackFolder(fromOutdir: string, toOutdir: string, workingDirectory: string): void {
  const from = path.join(fromOutdir, workingDirectory);
  const to = path.join(toOutdir, workingDirectory);
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from)) {
    fs.rmSync(path.join(to, entry), { recursive: true, force: true });
    fs.renameSync(path.join(from, entry), path.join(to, entry));
  }
}

/**
 * Removes the folders under `<outdir>/stacks` of stacks not in `synthesized` (a removed service,
 * an environment left out by SYNTH_ENVIRONMENTS), as `cdktf synth` does after running the app, so
 * that running the app directly leaves the same `cdktf.out`.
 */
export function removeStaleStacks(outdir: string, synthesized: readonly string[]): void {
  const keep = new Set(synthesized);
  const stacksDir = path.join(outdir, 'stacks');
  for (const entry of fs.readdirSync(stacksDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !keep.has(entry.name)) fs.rmSync(path.join(stacksDir, entry.name), { recursive: true, force: true });
  }
}
