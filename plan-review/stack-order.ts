/**
 * The plan command's pure half: which stacks of an environment to plan, in which order, and the
 * Terraform commands for each. The order comes from `cdktf.out/manifest.json`, whose `dependencies`
 * hold construct paths (for top-level stacks the path equals the stack name).
 */

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

export class ManifestError extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Validates the fields this tool relies on (cdktf 0.21 `Manifest.buildManifest()`). */
export const parseManifest = (json: unknown): CdktfManifest => {
  if (!isRecord(json) || !isRecord(json.stacks)) throw new ManifestError('cdktf manifest: expected an object with "stacks"');
  for (const [key, stack] of Object.entries(json.stacks)) {
    if (!isRecord(stack) || typeof stack.workingDirectory !== 'string' || !Array.isArray(stack.dependencies)) {
      throw new ManifestError(`cdktf manifest: stack "${key}" needs "workingDirectory" and a "dependencies" list`);
    }
  }
  return json as unknown as CdktfManifest;
};

/** Stacks of one environment: every stack named `<env>-…`. */
export const stacksOfEnvironment = (manifest: CdktfManifest, env: string): ManifestStack[] =>
  Object.entries(manifest.stacks)
    .filter(([name]) => name.startsWith(`${env}-`))
    .map(([name, stack]) => ({ ...stack, name }));

/**
 * Topological order (dependencies first); ties keep manifest order so the output is stable.
 * Throws on a dependency that is not a stack of the manifest, one outside the environment, or a cycle.
 */
export const orderStacks = (manifest: CdktfManifest, env: string): ManifestStack[] => {
  const all = Object.entries(manifest.stacks).map(([name, stack]) => ({ ...stack, name }));
  const byPath = new Map<string, string>();
  for (const stack of all) {
    byPath.set(stack.name, stack.name);
    if (stack.constructPath) byPath.set(stack.constructPath, stack.name);
  }
  const selected = stacksOfEnvironment(manifest, env);
  if (selected.length === 0) {
    throw new ManifestError(`environment ${env}: no stacks named "${env}-*" in the manifest (found: ${all.map((s) => s.name).join(', ') || 'none'})`);
  }
  const inEnv = new Set(selected.map((s) => s.name));
  const deps = new Map<string, string[]>();
  for (const stack of selected) {
    deps.set(
      stack.name,
      stack.dependencies.map((dependency) => {
        const name = byPath.get(dependency);
        if (!name) throw new ManifestError(`environment ${env}: stack ${stack.name} depends on unknown stack "${dependency}"`);
        if (!inEnv.has(name)) throw new ManifestError(`environment ${env}: stack ${stack.name} depends on ${name}, a stack of another environment`);
        return name;
      }),
    );
  }
  const ordered: ManifestStack[] = [];
  const done = new Set<string>();
  while (ordered.length < selected.length) {
    const ready = selected.find((s) => !done.has(s.name) && deps.get(s.name)!.every((d) => done.has(d)));
    if (!ready) {
      const stuck = selected.filter((s) => !done.has(s.name)).map((s) => s.name);
      throw new ManifestError(`environment ${env}: dependency cycle among stacks ${stuck.join(', ')}`);
    }
    ordered.push(ready);
    done.add(ready.name);
  }
  return ordered;
};

export interface TerraformStep {
  readonly step: 'init' | 'plan' | 'show';
  readonly args: readonly string[];
  /** The step's stdout is the product (the JSON plan). */
  readonly captureStdout: boolean;
}

/** Saved plan file name inside each stack's working directory. */
export const PLAN_FILE = 'tfplan';

/**
 * Commands per stack. `init` configures the backend already written into `cdk.tf.json`; the lock
 * timeout lets a plan wait for a concurrent one instead of failing on the state lock.
 */
export const terraformSteps = (lockTimeout = '5m'): TerraformStep[] => [
  { step: 'init', args: ['init', '-input=false', '-no-color'], captureStdout: false },
  { step: 'plan', args: ['plan', '-input=false', '-no-color', `-lock-timeout=${lockTimeout}`, `-out=${PLAN_FILE}`], captureStdout: false },
  { step: 'show', args: ['show', '-json', '-no-color', PLAN_FILE], captureStdout: true },
];

/** Last lines of a failed command's output: enough to diagnose, short enough for a comment. */
export const tailLines = (text: string, count = 40): string => text.trim().split('\n').slice(-count).join('\n');
