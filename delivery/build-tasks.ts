/**
 * `npm run build:tasks`: bundles every task program the catalog's commands run into
 * `dist/<bundle>.js` with esbuild — one self-contained CommonJS file per bundle (its npm packages
 * inside, so the image needs no node_modules), a source map beside it, for the Node the images run.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Metafile } from 'esbuild';
import type { Catalog } from '../catalog/types';
import { quote } from '../catalog/fields';
import { type TaskBundle, TaskImageError, taskImages } from './task-images';

/**
 * The Node the bundles are compiled for: the major of the images' base (Dockerfile), which
 * test/images/dockerfile.test.ts holds to this.
 */
export const NODE_TARGET = 'node24';

export interface BuildTasksOptions {
  readonly catalog: Catalog;
  /** The repository root: sources are relative to it. */
  readonly root: string;
  /** Where the bundles go (absolute, or relative to `root`); `.js` and `.js.map` files already there are removed first. */
  readonly outDir: string;
}

export interface BuiltBundle extends TaskBundle {
  /** Absolute path of the bundle. */
  readonly output: string;
  readonly bytes: number;
  /** The npm packages bundled into it (`@aws-sdk/client-eventbridge`, ...), sorted. */
  readonly packages: readonly string[];
}

export interface BuildTasksResult {
  readonly bundles: readonly BuiltBundle[];
  readonly metafile: Metafile;
}

/** `node_modules/@scope/name/...` or `node_modules/name/...` → the package name (the innermost node_modules). */
export function packageOfInput(input: string): string | undefined {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const first = parts[at + 1]!;
  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
}

function removeOldBundles(outDir: string): void {
  if (!existsSync(outDir)) return;
  for (const file of readdirSync(outDir)) {
    if (file.endsWith('.js') || file.endsWith('.js.map')) rmSync(join(outDir, file));
  }
}

export async function buildTaskBundles(options: BuildTasksOptions): Promise<BuildTasksResult> {
  const { bundles } = taskImages(options.catalog);
  const missing = bundles.filter((bundle) => !existsSync(join(options.root, bundle.source)));
  if (missing.length > 0) {
    throw new TaskImageError(
      missing.map((bundle) => `catalog: task ${bundle.tasks.join(', ')}: local.command names ${quote(bundle.source)}, which does not exist (it is the source of ${bundle.file})`),
    );
  }
  const outDir = resolve(options.root, options.outDir);
  removeOldBundles(outDir);
  mkdirSync(outDir, { recursive: true });

  const result = await build({
    absWorkingDir: options.root,
    entryPoints: Object.fromEntries(bundles.map((bundle) => [bundle.name, bundle.source])),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    format: 'cjs',
    // Beside each bundle; the images set NODE_OPTIONS=--enable-source-maps so stack traces name the .ts lines.
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
  });

  const relativeOutput = (bundle: TaskBundle) =>
    relative(options.root, join(outDir, `${bundle.name}.js`))
      .split(sep)
      .join('/');
  return {
    metafile: result.metafile,
    bundles: bundles.map((bundle) => {
      const output = join(outDir, `${bundle.name}.js`);
      const inputs = Object.keys(result.metafile.outputs[relativeOutput(bundle)]?.inputs ?? {});
      const packages = [...new Set(inputs.map(packageOfInput).filter((name): name is string => name !== undefined))].sort();
      return { ...bundle, output, bytes: statSync(output).size, packages };
    }),
  };
}
