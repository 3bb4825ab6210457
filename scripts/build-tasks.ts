/**
 * `npm run build:tasks`: bundles every task program the catalog's commands run (`node
 * dist/<bundle>.js`) into dist/ with esbuild (delivery/build-tasks.ts); the Dockerfile's build stage
 * runs it. Exit codes: docs/cli.md.
 */
import { join, relative } from 'node:path';
import { bookingSaga } from '../catalog/booking-saga';
import { buildTaskBundles } from '../delivery/build-tasks';
import { TaskImageError } from '../delivery/task-images';
import { BUNDLE_DIR } from '../core/task-bundles';
import { EXIT, parseCommandLine, PrerequisiteError, runCommand } from '../tooling/cli';

export const USAGE = `Usage: npm run build:tasks [-- --out DIR]

Bundles every task program the catalog's commands run (node ${BUNDLE_DIR}/<bundle>.js) with esbuild:
one self-contained CommonJS file per bundle, its npm packages inside, a source map beside it,
compiled for the Node of the images. The source of each bundle is the TypeScript file of its
task's local.command. Old .js and .js.map files in DIR are removed first.

  --out DIR     where the bundles go (default ${BUNDLE_DIR}, relative to the repository root)
  -h, --help    this text

Exit codes: 0 built; 1 a task program does not compile (esbuild's messages are printed);
2 usage, or a catalog whose commands cannot be bundled (each problem is named); 3 crash.`;

const ROOT = join(__dirname, '..');

export const parseBuildTasksArgs = (argv: readonly string[]): { readonly outDir: string } => {
  const { values } = parseCommandLine(argv, { out: { type: 'string' } });
  return { outDir: values.out ?? BUNDLE_DIR };
};

interface EsbuildFailure {
  readonly errors: readonly { readonly text: string; readonly location?: { readonly file: string; readonly line: number; readonly column: number } | null }[];
}

const isEsbuildFailure = (error: unknown): error is EsbuildFailure => Array.isArray((error as Partial<EsbuildFailure> | null)?.errors);

export async function runBuildTasks(argv: readonly string[]): Promise<number> {
  const { outDir } = parseBuildTasksArgs(argv);
  try {
    const { bundles } = await buildTaskBundles({ catalog: bookingSaga, root: ROOT, outDir });
    for (const bundle of bundles) {
      console.log(`${relative(process.cwd(), bundle.output)}  ${(bundle.bytes / 1024).toFixed(0)} KiB  from ${bundle.source}  (${bundle.tasks.join(', ')})`);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof TaskImageError) throw new PrerequisiteError(error.message);
    if (!isEsbuildFailure(error)) throw error;
    for (const { text, location } of error.errors) {
      console.error(`build:tasks: ${location ? `${location.file}:${location.line}:${location.column}: ` : ''}${text}`);
    }
    return EXIT.finding;
  }
}

if (require.main === module) void runCommand({ name: 'build:tasks', usage: USAGE, run: runBuildTasks });
