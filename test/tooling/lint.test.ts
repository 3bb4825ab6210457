/**
 * `npm run lint` (tooling/lint.cjs): ESLint's cache is used only for the very tree it was written
 * for, because the type-aware rules read other files' types (a per-file cache would report a stale
 * pass after another file changed).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface LintCache {
  readonly treeFiles: (root: string) => string[] | undefined;
  readonly treeKey: (root: string, files: readonly string[], salt: string) => string;
  readonly eslintArguments: (root: string, extra: readonly string[]) => string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { treeFiles, treeKey, eslintArguments } = require('../../tooling/lint.cjs') as LintCache;

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };

let dir: string;
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-cache-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('npm run lint runs ESLint through it', () => {
  expect(manifest.scripts.lint).toBe('node tooling/lint.cjs');
});

describe('the tree key', () => {
  beforeEach(() => {
    write('a.ts', 'export const a = 1;\n');
    write('b/c.ts', 'export const c = 2;\n');
  });
  const key = (files = ['a.ts', 'b/c.ts'], salt = 'eslint 10') => treeKey(dir, files, salt);

  test('is the same for the same files, bytes and ESLint', () => {
    expect(key()).toBe(key());
    expect(key()).toMatch(/^[0-9a-f]{32}$/);
  });

  test('changes with any byte of any file, a file added, removed or renamed, or another ESLint', () => {
    const before = key();
    write('b/c.ts', 'export const c = 3;\n');
    const edited = key();
    expect(edited).not.toBe(before);
    write('b/c.ts', 'export const c = 2;\n');
    expect(key()).toBe(before);
    write('d.ts', '');
    expect(key(['a.ts', 'b/c.ts', 'd.ts'])).not.toBe(before);
    expect(key(['a.ts'])).not.toBe(before);
    fs.renameSync(path.join(dir, 'a.ts'), path.join(dir, 'e.ts'));
    expect(key(['b/c.ts', 'e.ts'])).not.toBe(key(['a.ts', 'b/c.ts']));
    expect(key(['a.ts', 'b/c.ts'])).not.toBe(before); // a.ts listed but gone
    expect(treeKey(dir, ['b/c.ts', 'e.ts'], 'eslint 11')).not.toBe(key(['b/c.ts', 'e.ts']));
  });
});

describe('ESLint arguments', () => {
  test('in a git tree: the cache under node_modules/.cache/eslint/<key of every tracked and untracked file>, older keys removed', () => {
    git('init', '-q');
    write('.gitignore', 'node_modules/\n');
    write('a.ts', 'export const a = 1;\n');
    write('node_modules/eslint/package.json', '{"version":"10.15.0"}');
    write('node_modules/.cache/eslint/stale', 'old results');
    git('add', 'a.ts');
    write('untracked.ts', '');

    expect(treeFiles(dir)).toEqual(['.gitignore', 'a.ts', 'untracked.ts']);
    const args = eslintArguments(dir, ['--max-warnings', '0']);
    const key = treeKey(dir, ['.gitignore', 'a.ts', 'untracked.ts'], 'eslint 10.15.0');
    expect(args).toEqual(['--cache', '--cache-strategy', 'content', '--cache-location', path.join(dir, 'node_modules', '.cache', 'eslint', key), '--max-warnings', '0', '.']);
    expect(fs.readdirSync(path.join(dir, 'node_modules', '.cache', 'eslint'))).toEqual([]);

    write('a.ts', 'export const a = 2;\n');
    expect(eslintArguments(dir, [])[4]).not.toBe(args[4]);
  });

  test('without git: ESLint uncached', () => {
    expect(treeFiles(path.join(dir, 'nowhere'))).toBeUndefined();
    expect(eslintArguments(path.join(dir, 'nowhere'), [])).toEqual(['.']);
  });
});
