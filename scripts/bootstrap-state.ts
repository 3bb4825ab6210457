/**
 * npm run bootstrap:state -- --env staging [--print] [--auto-approve] [--workdir .state-bootstrap/staging]
 *
 * Creates an environment's state bucket (modules/state-bucket) from a small working directory with
 * a LOCAL backend: the bucket cannot hold the state that creates it. --print writes the working
 * directory and prints the commands without running them (no binary or credentials needed).
 * Exit codes: 0 done; 1 terraform failed; 2 usage, configuration or preflight error.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { environments, type EnvironmentConfig } from '../environments';
import { preflight, PREFLIGHT_EXIT_CODE } from '../plan-review';
import { relativeModuleSource } from '../stacks/modules';

export interface BootstrapArgs {
  readonly env: string;
  readonly print: boolean;
  readonly autoApprove: boolean;
  readonly workdir: string;
}

export class BootstrapError extends Error {}

const USAGE = 'usage: npm run bootstrap:state -- --env <staging|prod> [--print] [--auto-approve] [--workdir dir]';

export const parseBootstrapArgs = (argv: readonly string[]): BootstrapArgs => {
  let env: string | undefined;
  let workdir: string | undefined;
  let print = false;
  let autoApprove = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--env' || arg === '--workdir') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new BootstrapError(`${arg} needs a value\n${USAGE}`);
      if (arg === '--env') env = value;
      else workdir = value;
    } else if (arg === '--print') print = true;
    else if (arg === '--auto-approve') autoApprove = true;
    else throw new BootstrapError(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!env) throw new BootstrapError(`--env is required\n${USAGE}`);
  return { env, print, autoApprove, workdir: workdir ?? join('.state-bootstrap', env) };
};

export const findEnvironment = (name: string, all: readonly EnvironmentConfig[] = environments): EnvironmentConfig & { stateBackend: NonNullable<EnvironmentConfig['stateBackend']> } => {
  const env = all.find((e) => e.name === name);
  if (!env) throw new BootstrapError(`unknown environment "${name}" (known: ${all.map((e) => e.name).join(', ')})`);
  if (!env.stateBackend) {
    throw new BootstrapError(`environment ${name} has no stateBackend: its state stays in a local backend, there is no bucket to create`);
  }
  return env as EnvironmentConfig & { stateBackend: NonNullable<EnvironmentConfig['stateBackend']> };
};

/** `source` of the module as Terraform wants it, seen from the bootstrap working directory. */
export const moduleSource = (workdir: string, moduleDir: string): string => relativeModuleSource(workdir, moduleDir);

/** The bootstrap configuration (`main.tf.json`): local backend, AWS provider pinned to the account. */
export const bootstrapConfig = (env: ReturnType<typeof findEnvironment>, source: string): Record<string, unknown> => ({
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

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export const runBootstrap = (argv: readonly string[], moduleDir = join(__dirname, '..', 'modules', 'state-bucket')): number => {
  let args: BootstrapArgs;
  let env: ReturnType<typeof findEnvironment>;
  try {
    args = parseBootstrapArgs(argv);
    env = findEnvironment(args.env);
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    console.error(`bootstrap:state: ${error.message}`);
    return PREFLIGHT_EXIT_CODE;
  }

  let binary = process.env.TERRAFORM_BINARY_NAME?.trim() || 'terraform';
  if (!args.print) {
    const check = preflight(env.name, { env: process.env, isExecutableFile, fileExists: existsSync, homeDirectory: homedir() });
    if (!check.ok) {
      console.error(`bootstrap:state: ${check.message}`);
      return PREFLIGHT_EXIT_CODE;
    }
    binary = check.binary;
  }

  mkdirSync(args.workdir, { recursive: true });
  const configFile = join(args.workdir, 'main.tf.json');
  writeFileSync(configFile, `${JSON.stringify(bootstrapConfig(env, moduleSource(args.workdir, moduleDir)), null, 2)}\n`);
  const commands = bootstrapCommands(binary, args.autoApprove);

  if (args.print) {
    console.log(`# ${configFile} written: bucket ${env.stateBackend.bucket} in account ${env.accountId}`);
    console.log(`cd ${args.workdir}`);
    for (const command of commands) console.log(command.join(' '));
    return 0;
  }
  for (const command of commands) {
    console.error(`bootstrap:state (${env.name}): ${command.join(' ')}`);
    const run = spawnSync(command[0]!, command.slice(1), { cwd: args.workdir, stdio: 'inherit', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    if (run.status !== 0) {
      console.error(`bootstrap:state: "${command.slice(0, 2).join(' ')}" failed (exit ${run.status ?? run.error?.message}) in ${args.workdir}`);
      return 1;
    }
  }
  console.log(`State bucket ${env.stateBackend.bucket} is ready. Keep ${join(args.workdir, 'terraform.tfstate')} (or migrate it, see docs/plan-and-deploy.md).`);
  return 0;
};

if (require.main === module) process.exitCode = runBootstrap(process.argv.slice(2));
