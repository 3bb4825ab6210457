/**
 * The two commands: exact preflight failures and a full plan run over a hand-made cdktf.out of
 * terraform_data stacks (real Terraform, local backend) when Terraform exists, as processes; the
 * exit codes of plan:summary through its entry point in this process (runCommand, as its program
 * runs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './helpers';
import { runSummary, USAGE } from '../../scripts/plan-summary';
import { TS_NODE_ARGS } from '../../tooling/synth';
import { runInProcess } from '../support/cli';
import { findTerraform, SHORT_LIVED_GO } from '../support/terraform';

const ROOT = join(__dirname, '..', '..');
const hasTerraform = findTerraform() !== undefined;

/** A clean environment: no AWS credentials, HOME without ~/.aws (and the Go settings of short Terraform processes). */
const cleanEnv = (home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, TF_CLI_CONFIG_FILE: '/dev/null', ...SHORT_LIVED_GO };
  return { ...env, ...extra };
};

const run = (script: string, args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [...TS_NODE_ARGS, join(ROOT, 'scripts', script), ...args], { cwd: ROOT, env, encoding: 'utf8' });

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'plan-cli-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('npm run plan: preflight', () => {
  it('no terraform binary: exact message, exit 2, before synthesizing', () => {
    const result = run('plan.ts', ['--env', 'dev'], cleanEnv(home, { TERRAFORM_BINARY_NAME: 'definitely-not-terraform', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }));
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'plan: Terraform binary "definitely-not-terraform" (from TERRAFORM_BINARY_NAME) was not found on PATH. Install it, or unset TERRAFORM_BINARY_NAME to use "terraform".',
    );
    expect(result.stdout).toBe('');
  });

  it('no terraform on PATH at all: exact message, exit 2', () => {
    const result = spawnSync(process.execPath, [...TS_NODE_ARGS, join(ROOT, 'scripts', 'plan.ts'), '--env', 'dev'], {
      cwd: ROOT,
      env: { PATH: home, HOME: home },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'plan: Terraform binary "terraform" was not found on PATH. Install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BINARY_NAME=tofu to use OpenTofu.',
    );
  });

  (hasTerraform ? it : it.skip)('no AWS credentials: exit 2 naming the environment', () => {
    const result = run('plan.ts', ['--env', 'staging'], cleanEnv(home));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^plan: No AWS credentials found for environment staging\. Provide one of: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY;/);
  });

  it('usage errors exit 2', () => {
    const result = run('plan.ts', [], cleanEnv(home));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('plan: --env is required');
  });
});

(hasTerraform ? describe : describe.skip)('npm run plan over a synthesized output (real terraform, terraform_data)', () => {
  it('plans in dependency order, keeps going past a failed stack, and the summary shows it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-run-'));
    try {
      const stacks: Record<string, { deps: string[]; body: unknown }> = {
        'dev-seat': { deps: ['dev-base'], body: { resource: { terraform_data: { machine: { input: 'asl-v1' } } } } },
        'dev-broken': { deps: ['dev-base'], body: { resource: { terraform_data: { x: { input: '${var.missing}' } } } } },
        'dev-base': { deps: [], body: { terraform: { backend: { local: { path: 'base.tfstate' } } }, resource: { terraform_data: { net: { input: '10.10.0.0/16' } } } } },
        'prod-base': { deps: [], body: {} },
      };
      const out = join(dir, 'cdktf.out');
      for (const [name, stack] of Object.entries(stacks)) {
        mkdirSync(join(out, 'stacks', name), { recursive: true });
        // Each stack records its environment, as stacks/app.ts writes it; selection is by that record.
        writeFileSync(join(out, 'stacks', name, 'cdk.tf.json'), JSON.stringify({ '//': { metadata: { environment: name.split('-')[0] } }, ...(stack.body as object) }));
      }
      writeFileSync(
        join(out, 'manifest.json'),
        JSON.stringify({
          version: '0.21.0',
          stacks: Object.fromEntries(
            Object.entries(stacks).map(([name, s]) => [
              name,
              { name, constructPath: name, workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, annotations: [], dependencies: s.deps },
            ]),
          ),
        }),
      );
      const plans = join(dir, 'plans');
      const result = run('plan.ts', ['--env', 'dev', '--no-synth', '--cdktf-out', out, '--out', plans], cleanEnv(home, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }));
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(`Plans for dev in ${plans}:\n  ok     dev-base\n  ok     dev-seat\n  FAILED dev-broken (terraform plan)\n`);
      expect(result.stderr.indexOf('[dev-base] ')).toBeLessThan(result.stderr.indexOf('[dev-seat] '));
      expect(existsSync(join(plans, 'prod-base.json'))).toBe(false);
      const marker = JSON.parse(readFileSync(join(plans, 'dev-broken.error.json'), 'utf8'));
      expect(marker).toMatchObject({ kind: 'stack-error', stack: 'dev-broken', step: 'plan', exitCode: 1 });
      expect(marker.message).toContain('Reference to undeclared input variable');

      const files = ['dev-base', 'dev-seat', 'dev-broken'].flatMap((s) => [join(plans, `${s}.json`), join(plans, `${s}.error.json`)]).filter(existsSync);
      const summary = run('plan-summary.ts', [...files, '--title', 'dev', '--marker', 'plan-review:dev'], cleanEnv(home));
      expect(summary.status).toBe(1); // a stack failed to plan: written first, then a non-zero exit
      expect(summary.stdout.split('\n').slice(0, 4)).toEqual(['<!-- plan-review:dev -->', '## Terraform plan: dev', '', '❌ **Plan failed** for `dev-broken`: this summary is incomplete.']);
      expect(summary.stdout).toContain('| `dev-base` | 1 | · | · | · | ✅ |');
      expect(summary.stdout).toContain('- `dev-broken` (`terraform plan`, exit 1)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run plan:summary: exit codes', () => {
  const tf = (name: string) => join(FIXTURES, 'terraform', `${name}.json`);
  const summarize = (args: string[]) => runInProcess((io) => ({ name: 'plan:summary', usage: USAGE, run: (argv) => runSummary(argv, {}, io) }), args);
  it('--fail-on-destroy: 0 when deletes and replaces lose no data (terraform_data, an IAM role, a security group rule)', async () => {
    const aws = (name: string) => join(FIXTURES, 'aws', `${name}.json`);
    const result = await summarize([tf('update'), tf('replace'), tf('delete'), aws('dev-base'), aws('dev-seat'), '--fail-on-destroy']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
  it('a failed stack: 1 with or without --fail-on-destroy, nothing can be proven', async () => {
    for (const flags of [['--fail-on-destroy'], []]) {
      const result = await summarize([tf('update'), tf('errored'), ...flags]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('plan:summary: these stacks failed to plan, the summary is incomplete: errored\n');
    }
  });
  it('--out writes the file; bad input exits 2 naming the file', async () => {
    const out = join(home, 'summary.md');
    expect((await summarize([tf('create'), '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('✅ **Safe to apply**: 2 to create');
    const notPlan = join(home, 'x.json');
    writeFileSync(notPlan, '{"hello": 1}');
    const bad = await summarize([notPlan]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`plan:summary: ${notPlan}: x: missing "format_version"`);
    expect((await summarize([])).stderr).toContain('no plan files given');
  });
});
