/**
 * The app's TypeScript loader (tooling/register-ts.cjs): `.ts` files required by relative path,
 * transpiled once and taken from the cache after, never a stale cached version of an edited file.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../tooling/hcl-modules';

const loader = path.join(REPO_ROOT, 'tooling', 'register-ts.cjs');
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'register-ts-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (file: string): string => execFileSync(process.execPath, ['--require', loader, file], { cwd: dir, encoding: 'utf8' });

it('runs TypeScript that imports TypeScript by extensionless path, and a package', () => {
  fs.writeFileSync(path.join(dir, 'greeting.ts'), 'export const greet = (name: string): string => `hello ${name}`;\n');
  fs.writeFileSync(
    path.join(dir, 'main.ts'),
    "import { greet } from './greeting';\nimport * as path from 'node:path';\nconst who: string = path.basename('/x/world');\nconsole.log(greet(who));\n",
  );
  expect(run('main.ts')).toBe('hello world\n');
});

it("turns on Node's compile cache for the process, in Node's own directory, unless NODE_DISABLE_COMPILE_CACHE says not to", () => {
  const print = "console.log(String(require('node:module').getCompileCacheDir()));";
  fs.writeFileSync(path.join(dir, 'cache.ts'), `${print}\n`);
  // os.tmpdir() follows TMPDIR: Node's default directory lands in this test's folder.
  const env = (extra: NodeJS.ProcessEnv = {}) => {
    const { NODE_COMPILE_CACHE: _set, NODE_DISABLE_COMPILE_CACHE: _disabled, ...rest } = process.env;
    return { ...rest, TMPDIR: dir, ...extra };
  };
  const withLoader = (extra?: NodeJS.ProcessEnv) => execFileSync(process.execPath, ['--require', loader, 'cache.ts'], { cwd: dir, encoding: 'utf8', env: env(extra) });
  expect(withLoader()).toMatch(new RegExp(`^${path.join(dir, 'node-compile-cache')}/v${process.versions.node}-`));
  expect(fs.readdirSync(path.join(dir, 'node-compile-cache')).length).toBeGreaterThan(0);
  expect(withLoader({ NODE_DISABLE_COMPILE_CACHE: '1' })).toBe('undefined\n');
  // Node alone does not cache: it is the loader that asks.
  expect(execFileSync(process.execPath, ['-e', print], { cwd: dir, encoding: 'utf8', env: env() })).toBe('undefined\n');
});

it('uses the edited source, not the cached output of the previous one', () => {
  fs.writeFileSync(path.join(dir, 'value.ts'), 'console.log(1 as number);\n');
  expect(run('value.ts')).toBe('1\n');
  expect(run('value.ts')).toBe('1\n');
  fs.writeFileSync(path.join(dir, 'value.ts'), 'console.log(2 as number);\n');
  expect(run('value.ts')).toBe('2\n');
});
