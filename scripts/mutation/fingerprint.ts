/**
 * When a module's incremental results may be reused. Stryker's incremental mode re-tests a mutant
 * when the mutated file or the tests covering it changed, and nothing else: a changed helper,
 * fixture, dependency or configuration would leave results that no longer hold (Stryker's docs
 * say so and point to `--force`). The fingerprint covers exactly that remainder: every file the
 * tests load (esbuild's view of the import graph) other than the module and its test files, the
 * data files under test/fixtures, the lockfile, the Jest transform and the Stryker options. Any change
 * there discards the module's incremental file, and the run is a full one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/**
 * What every module's run loads besides its tests: the Jest config (its transforms and setup files,
 * followed through their imports), the transform, and the installed packages.
 */
export const RUN_SETUP: RunSetup = {
  entryPoints: suiteSetupFiles(),
  files: ['package-lock.json', 'jest.config.js', 'test/support/esbuild-transform.js'],
  dataDirs: ['test/fixtures'],
};

/** jest.config.js's setup files, before and after the test framework, repository-relative. */
function suiteSetupFiles(): string[] {
  const root = join(__dirname, '..', '..');
  const { setupFiles = [], setupFilesAfterEnv = [] } = createRequire(join(root, 'package.json'))('./jest.config.js') as { setupFiles?: string[]; setupFilesAfterEnv?: string[] };
  return [...setupFiles, ...setupFilesAfterEnv].map((file) => file.replace('<rootDir>/', ''));
}

export interface RunSetup {
  /** TypeScript files loaded before the tests, followed through their imports. */
  readonly entryPoints: readonly string[];
  /** Other files whose content matters. */
  readonly files: readonly string[];
  /** Folders of data the tests read at run time (fixtures): every file below them. */
  readonly dataDirs: readonly string[];
}

/** Repository-relative files that `entryPoints` load, through any chain of relative imports. */
export function importClosure(root: string, entryPoints: readonly string[]): string[] {
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: [...entryPoints],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    write: false,
    metafile: true,
    outdir: 'fingerprint-out',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).sort();
}

/** Every file under `dir` (repository-relative), sorted. */
function filesUnder(root: string, dir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(path);
    }
  };
  if (statSync(join(root, dir), { throwIfNoEntry: false })?.isDirectory()) walk(dir);
  return found.sort();
}

/**
 * A hash of what Stryker does not track for this module's run: `config` (the Stryker options,
 * their version included) and the content of every dependency file named above.
 */
export function moduleFingerprint(root: string, module: string, tests: readonly string[], config: unknown, setup: RunSetup = RUN_SETUP): { hash: string; files: string[] } {
  const own = new Set([module, ...tests]);
  const files = [...new Set([...importClosure(root, [...tests, ...setup.entryPoints]), ...setup.dataDirs.flatMap((dir) => filesUnder(root, dir)), ...setup.files])]
    .filter((file) => !own.has(file))
    .sort();
  const hash = createHash('sha256');
  hash.update(JSON.stringify(config));
  for (const file of files) {
    hash.update(`\0${file}\0`);
    hash.update(readFileSync(join(root, file)));
  }
  return { hash: hash.digest('hex'), files };
}
