/**
 * Creating an environment's state bucket (modules/state-bucket) from a small working directory with
 * a LOCAL backend: the bucket cannot hold the state that creates it. `npm run bootstrap:state` is
 * the command line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAVED_PLANS_PREFIX } from '../core/naming';
import type { EnvironmentConfig } from '../environments/types';
import { PrerequisiteError } from '../tooling/cli';
import { relativeModuleSource } from '../tooling/hcl-modules';
import { runTerraform } from '../tooling/terraform';
import { SAVED_PLAN_MAX_AGE_DAYS } from './saved-plans';

export type StateEnvironment = EnvironmentConfig & { stateBackend: NonNullable<EnvironmentConfig['stateBackend']> };

/** The environment named `name` among `all`, which must keep its state in a bucket. */
export const findStateEnvironment = (name: string, all: readonly EnvironmentConfig[]): StateEnvironment => {
  const env = all.find((e) => e.name === name);
  if (!env) throw new PrerequisiteError(`unknown environment "${name}" (known: ${all.map((e) => e.name).join(', ')})`);
  if (!env.stateBackend) {
    throw new PrerequisiteError(`environment ${name} has no stateBackend: its state stays in a local backend, there is no bucket to create`);
  }
  return env as StateEnvironment;
};

/** `source` of the module as Terraform wants it, seen from the bootstrap working directory. */
export const moduleSource = (workdir: string, moduleDir: string): string => relativeModuleSource(workdir, moduleDir);

/** The bootstrap configuration (`main.tf.json`): local backend, AWS provider pinned to the account. */
export const bootstrapConfig = (env: StateEnvironment, source: string): Record<string, unknown> => ({
  terraform: {
    required_version: '>= 1.10',
    required_providers: { aws: { source: 'hashicorp/aws', version: '~> 6.0' } },
    backend: { local: { path: 'terraform.tfstate' } },
  },
  provider: {
    aws: [
      {
        region: env.stateBackend.region ?? env.region,
        // A wrong profile or role must not create the bucket in another account.
        allowed_account_ids: [env.accountId],
        default_tags: [{ tags: { ...env.defaultTags, Purpose: 'terraform-state' } }],
      },
    ],
  },
  module: {
    state_bucket: {
      source,
      bucket_name: env.stateBackend.bucket,
      // The rule that deletes saved plans, and the age npm run apply refuses, from one home.
      saved_plans_prefix: `${SAVED_PLANS_PREFIX}/`,
      saved_plan_expiration_days: SAVED_PLAN_MAX_AGE_DAYS,
      ...(env.stateBackend.kmsKeyId ? { kms_key_arn: env.stateBackend.kmsKeyId } : {}),
    },
  },
  output: {
    bucket_name: { value: '${module.state_bucket.bucket_name}' },
    bucket_arn: { value: '${module.state_bucket.bucket_arn}' },
  },
});

export const bootstrapCommands = (binary: string, autoApprove: boolean): string[][] => [
  [binary, 'init', '-input=false'],
  [binary, 'apply', ...(autoApprove ? ['-auto-approve'] : [])],
];

/** Writes `<workdir>/main.tf.json` for the environment's bucket; returns the file's path. */
export const writeBootstrapConfig = (env: StateEnvironment, workdir: string, moduleDir: string): string => {
  mkdirSync(workdir, { recursive: true });
  const configFile = join(workdir, 'main.tf.json');
  writeFileSync(configFile, `${JSON.stringify(bootstrapConfig(env, moduleSource(workdir, moduleDir)), null, 2)}\n`);
  return configFile;
};

/**
 * Runs the commands in `workdir`, talking to this terminal (apply asks for "yes" unless
 * auto-approved). Returns the first command that failed, or undefined when all succeeded.
 */
export const runBootstrapCommands = (commands: readonly (readonly string[])[], workdir: string, log: (line: string) => void): { command: readonly string[]; status: string } | undefined => {
  for (const command of commands) {
    log(command.join(' '));
    const run = runTerraform(command[0]!, command.slice(1), { cwd: workdir, stdio: 'inherit' });
    if (run.status !== 0 || run.error) return { command, status: run.error ?? String(run.status) };
  }
  return undefined;
};
