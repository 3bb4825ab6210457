/**
 * Tier `validate` with a stand-in Terraform: targets run two at a time, yet the report lists them
 * in target order, and one target that cannot be copied fails alone, named, while the others are
 * validated.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments } from '../../environments';
import type { VerifyContext } from '../../verify/context';
import { runValidateTier } from '../../verify/validate';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const VALID = '{"valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}';
const warning = (summary: string) => `{"valid":true,"error_count":0,"warning_count":1,"diagnostics":[{"severity":"warning","summary":"${summary}"}]}`;

/**
 * A synthesized output with `stacks` (name → what the stand-in's validate prints, or `missing`: no
 * directory), one module, and a stand-in terraform that sleeps in the first stack so it finishes last.
 */
function fixture(stacks: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'validate-tier-'));
  dirs.push(dir);
  const manifest = { version: '0.21.0', stacks: Object.fromEntries(Object.keys(stacks).map((name) => [name, { name, workingDirectory: `stacks/${name}`, dependencies: [] }])) };
  mkdirSync(join(dir, 'cdktf.out'), { recursive: true });
  writeFileSync(join(dir, 'cdktf.out', 'manifest.json'), JSON.stringify(manifest));
  for (const [name, output] of Object.entries(stacks)) {
    if (output === 'missing') continue;
    mkdirSync(join(dir, 'cdktf.out', 'stacks', name), { recursive: true });
    writeFileSync(join(dir, 'cdktf.out', 'stacks', name, 'cdk.tf.json'), '{}');
    writeFileSync(join(dir, 'cdktf.out', 'stacks', name, 'validate.out'), output);
  }
  mkdirSync(join(dir, 'modules', 'network'), { recursive: true });
  writeFileSync(join(dir, 'modules', 'network', 'validate.out'), VALID);
  const first = Object.keys(stacks)[0]!;
  const terraform = join(dir, 'terraform');
  writeFileSync(terraform, ['#!/bin/sh', 'if [ "$1" = "init" ]; then exit 0; fi', `case "$PWD" in */${first}) sleep 1 ;; esac`, 'cat validate.out'].join('\n'));
  chmodSync(terraform, 0o755);
  const logged: string[] = [];
  const context: VerifyContext = {
    repoRoot: dir,
    synthDir: join(dir, 'cdktf.out'),
    workDir: join(dir, '.verify'),
    tools: { cacheDir: dir, terraform },
    versions: { AWS_PROVIDER_PINNED: '6.25.0' },
    env: { PATH: process.env.PATH },
    emulatedEnvironment: environments[0]!,
    log: (line) => logged.push(line),
  };
  return { context, logged };
}

describe('tier validate', () => {
  it('reports in target order whichever target finishes first', async () => {
    const { context, logged } = fixture({ 'dev-a': warning('first'), 'dev-b': warning('second'), 'dev-c': VALID });
    const report = await runValidateTier(context);
    expect(report.errors).toEqual(['dev-a: warning: first', 'dev-b: warning: second']);
    expect(report.proved).toEqual(['terraform validate: 1/3 synthesized stacks and 1/1 HCL modules valid with no warnings (hashicorp/aws 6.25.0 from the registry)']);
    // Two at a time: dev-a (slow) finished after dev-b and dev-c.
    expect(logged.indexOf('validate: dev-a valid (1 diagnostics)')).toBeGreaterThan(logged.indexOf('validate: dev-c valid'));
  });

  it('a target that cannot be copied fails alone, named; the others are validated', async () => {
    const { context } = fixture({ 'dev-a': VALID, 'dev-gone': 'missing', 'dev-c': VALID });
    const report = await runValidateTier(context);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatch(/^dev-gone: ENOENT/);
    expect(report.proved).toEqual(['terraform validate: 2/3 synthesized stacks and 1/1 HCL modules valid with no warnings (hashicorp/aws 6.25.0 from the registry)']);
  });
});
