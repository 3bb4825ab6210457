/**
 * Tier `hadolint`: runs the pinned hadolint (tooling/hadolint.ts) over the repository's Dockerfile
 * with .hadolint.yaml, and fails on any finding, a wrong version or a missing binary. A stand-in
 * executable plays hadolint here (its CLI: `--version`, then `--config … --format json … FILE`).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HADOLINT_VERSION } from '../../tooling/hadolint';
import type { VerifyContext } from '../../verify/context';
import { runHadolintTier } from '../../verify/hadolint';
import { tierPassed } from '../../verify/report';
import { environments } from '../../environments';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A repository with a Dockerfile and a stand-in hadolint reporting `version` and printing `json` (exit `status`). */
function fixture(options: { version?: string; json?: string; status?: number; dockerfile?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hadolint-tier-'));
  dirs.push(dir);
  if (options.dockerfile !== false) writeFileSync(join(dir, 'Dockerfile'), 'FROM node:24\n');
  writeFileSync(join(dir, '.hadolint.yaml'), 'failure-threshold: style\n');
  const binary = join(dir, 'hadolint');
  const args = join(dir, 'args');
  writeFileSync(
    binary,
    [
      '#!/bin/sh',
      `if [ "$1" = "--version" ]; then echo "Haskell Dockerfile Linter ${options.version ?? HADOLINT_VERSION}"; exit 0; fi`,
      `echo "$@" > '${args}'`,
      `echo '${options.json ?? '[]'}'`,
      `exit ${options.status ?? 0}`,
    ].join('\n'),
  );
  chmodSync(binary, 0o755);
  const context = (hadolint: string | undefined): VerifyContext => ({
    repoRoot: dir,
    synthDir: join(dir, 'cdktf.out'),
    workDir: join(dir, '.verify'),
    tools: { cacheDir: dir, ...(hadolint ? { hadolint } : {}) },
    versions: {},
    env: {},
    emulatedEnvironment: environments[0]!,
    log: () => undefined,
  });
  return { dir, binary, args, context };
}

describe('tier hadolint', () => {
  it('passes a clean Dockerfile, linted with the repository config in JSON', () => {
    const { dir, binary, args, context } = fixture();
    const report = runHadolintTier(context(binary));
    expect(tierPassed({ ...report, seconds: 0 })).toBe(true);
    expect(report.proved).toEqual([`Dockerfile linted by hadolint ${HADOLINT_VERSION} with .hadolint.yaml (failure threshold: style): 0 findings`]);
    expect(readFileSync(args, 'utf8').trim()).toBe(`--config ${join(dir, '.hadolint.yaml')} --format json --no-color ${join(dir, 'Dockerfile')}`);
  });

  it('fails on each finding, reported with its rule, line and level', () => {
    const json = '[{"code":"DL3007","level":"warning","line":3,"column":1,"file":"Dockerfile","message":"Using latest is prone to errors"}]';
    const { binary, context } = fixture({ json, status: 1 });
    const report = runHadolintTier(context(binary));
    expect(tierPassed({ ...report, seconds: 0 })).toBe(false);
    expect(report.errors).toEqual([]);
    expect(report.findings).toEqual([{ tool: 'hadolint', rule: 'DL3007', target: 'Dockerfile', location: 'Dockerfile:3', message: 'Using latest is prone to errors', severity: 'warning' }]);
  });

  it('fails when hadolint fails without findings, or is another version than the pin, or is missing', () => {
    const broken = fixture({ json: '', status: 2 });
    expect(runHadolintTier(broken.context(broken.binary)).errors).toEqual([expect.stringContaining('hadolint failed (exit 2)')]);
    const other = fixture({ version: '2.12.0' });
    expect(runHadolintTier(other.context(other.binary)).errors).toEqual([expect.stringContaining(`hadolint 2.12.0, not the pinned ${HADOLINT_VERSION}`)]);
    const missing = fixture();
    expect(runHadolintTier(missing.context(undefined)).errors).toEqual([expect.stringContaining('npm run lint:dockerfile -- --install')]);
    const noDockerfile = fixture({ dockerfile: false });
    expect(runHadolintTier(noDockerfile.context(noDockerfile.binary)).errors).toEqual(['no Dockerfile at the repository root']);
  });
});
