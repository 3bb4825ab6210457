/** npm run bootstrap:state: the generated working directory, --print, and the failures. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapCommands, bootstrapConfig, findStateEnvironment, moduleSource } from '../../delivery/bootstrap-state';
import { findEnvironment, parseBootstrapArgs } from '../../scripts/bootstrap-state';
import { runTerraform, terraformEnvironment } from '../../tooling/terraform';
import { TS_NODE_ARGS } from '../../tooling/synth';
import { findTerraform } from '../support/terraform';

const ROOT = join(__dirname, '..', '..');
const hasTerraform = findTerraform() !== undefined;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const run = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [...TS_NODE_ARGS, join(ROOT, 'scripts', 'bootstrap-state.ts'), ...args], { cwd: ROOT, env, encoding: 'utf8' });

describe('bootstrap:state', () => {
  it('prod: bucket, KMS key, account guard and a local backend', () => {
    const config = bootstrapConfig(findEnvironment('prod'), '../../modules/state-bucket') as Json;
    expect(config.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(config.provider.aws[0]).toMatchObject({ region: 'ap-southeast-1', allowed_account_ids: ['333333333333'] });
    expect(config.module.state_bucket).toEqual({
      source: '../../modules/state-bucket',
      bucket_name: 'booking-saga-tfstate-333333333333',
      saved_plans_prefix: 'saved-plans/',
      saved_plan_expiration_days: 14,
      kms_key_arn: 'arn:aws:kms:ap-southeast-1:333333333333:alias/terraform-state',
    });
    expect(findEnvironment('staging').stateBackend.kmsKeyId).toBeUndefined();
    expect((bootstrapConfig(findEnvironment('staging'), './m') as Json).module.state_bucket).not.toHaveProperty('kms_key_arn');
  });

  it('dev has its bucket too (in its own account and region); an environment without one has none to create; unknown environments are named', () => {
    const dev = findEnvironment('dev');
    expect(bootstrapConfig(dev, './m') as Json).toMatchObject({
      provider: { aws: [{ region: 'ap-southeast-1', allowed_account_ids: ['111111111111'] }] },
      module: { state_bucket: { bucket_name: 'booking-saga-tfstate-111111111111' } },
    });
    const { stateBackend: _bucket, ...sandbox } = { ...dev, name: 'sandbox' };
    expect(() => findStateEnvironment('sandbox', [sandbox])).toThrow('environment sandbox has no stateBackend: its state stays in a local backend, there is no bucket to create');
    expect(() => findEnvironment('qa')).toThrow('unknown environment "qa" (known: dev, staging, prod)');
  });

  it('arguments, module source and commands', () => {
    expect(parseBootstrapArgs(['--env', 'staging'])).toEqual({ env: 'staging', print: false, autoApprove: false, workdir: join('.state-bootstrap', 'staging') });
    expect(() => parseBootstrapArgs(['--env'])).toThrow('--env needs a value');
    expect(moduleSource('/repo/.state-bootstrap/prod', '/repo/modules/state-bucket')).toBe('../../modules/state-bucket');
    expect(moduleSource('/repo', '/repo/modules/state-bucket')).toBe('./modules/state-bucket');
    expect(bootstrapCommands('tofu', true)).toEqual([
      ['tofu', 'init', '-input=false'],
      ['tofu', 'apply', '-auto-approve'],
    ]);
  });

  it('--print works without terraform or credentials and writes a config terraform can resolve', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootstrap-'));
    try {
      const workdir = join(dir, 'staging');
      const result = run(['--env', 'staging', '--print', '--workdir', workdir], { PATH: dir, HOME: dir });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(
        `# ${join(workdir, 'main.tf.json')} written: bucket booking-saga-tfstate-222222222222 in account 222222222222\ncd ${workdir}\nterraform init -input=false\nterraform apply\n`,
      );
      const config = JSON.parse(readFileSync(join(workdir, 'main.tf.json'), 'utf8'));
      expect(config.module.state_bucket.bucket_name).toBe('booking-saga-tfstate-222222222222');
      if (hasTerraform) {
        // `terraform get` parses the configuration and resolves the module without any provider.
        const get = runTerraform('terraform', ['get', '-no-color'], { cwd: workdir, env: terraformEnvironment({ ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' }) });
        expect(get.stderr).toBe('');
        expect(get.status).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without --print: the same preflight as plan (exit 2)', () => {
    const result = run(['--env', 'prod'], { PATH: ROOT, HOME: ROOT, TERRAFORM_BINARY_NAME: 'definitely-not-terraform' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'bootstrap:state: Terraform binary "definitely-not-terraform" (from TERRAFORM_BINARY_NAME) was not found on PATH. Install it, or unset TERRAFORM_BINARY_NAME to use "terraform".',
    );
  });
});
