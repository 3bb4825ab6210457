/**
 * `npm run bootstrap:state -- --env NAME`: creates the environment's state bucket from a working
 * directory with a local backend (delivery/bootstrap-state.ts). Exit codes: docs/cli.md.
 */
import { join } from 'node:path';
import { bootstrapCommands, findStateEnvironment, runBootstrapCommands, type StateEnvironment, writeBootstrapConfig } from '../delivery/bootstrap-state';
import { environments } from '../environments';
import { EXIT, parseCommandLine, runCommand, UsageError } from '../tooling/cli';
import { terraformBinaryName } from '../tooling/preflight';
import { requireTerraformAndCredentials } from '../tooling/terraform';

export const USAGE = `Usage: npm run bootstrap:state -- --env NAME [--print] [--auto-approve] [--workdir DIR]

Creates an environment's S3 state bucket (modules/state-bucket) from a small working directory with
a LOCAL backend: the bucket cannot hold the state that creates it.

  --env NAME          environment whose stateBackend bucket to create (required)
  --print             write the working directory and print the commands without running them
                      (no binary or credentials needed)
  --auto-approve      apply without asking
  --workdir DIR       the working directory (default .state-bootstrap/NAME); keep its terraform.tfstate
  -h, --help          this text

Exit codes: 0 done; 1 terraform failed; 2 usage, an environment without a
stateBackend, or a missing binary or credentials; 3 crash.`;

export interface BootstrapArgs {
  readonly env: string;
  readonly print: boolean;
  readonly autoApprove: boolean;
  readonly workdir: string;
}

export const parseBootstrapArgs = (argv: readonly string[]): BootstrapArgs => {
  const { values } = parseCommandLine(argv, {
    env: { type: 'string' },
    print: { type: 'boolean', default: false },
    'auto-approve': { type: 'boolean', default: false },
    workdir: { type: 'string' },
  });
  if (!values.env) throw new UsageError('--env is required');
  return { env: values.env, print: values.print, autoApprove: values['auto-approve'], workdir: values.workdir ?? join('.state-bootstrap', values.env) };
};

/** The environment of this repository named `name`, which must keep its state in a bucket. */
export const findEnvironment = (name: string): StateEnvironment => findStateEnvironment(name, environments);

export const runBootstrap = (argv: readonly string[], moduleDir = join(__dirname, '..', 'modules', 'state-bucket')): number => {
  const args = parseBootstrapArgs(argv);
  const env = findEnvironment(args.env);
  const binary = args.print ? terraformBinaryName(process.env) : requireTerraformAndCredentials(env.name).binary;

  const configFile = writeBootstrapConfig(env, args.workdir, moduleDir);
  const commands = bootstrapCommands(binary, args.autoApprove);
  if (args.print) {
    console.log(`# ${configFile} written: bucket ${env.stateBackend.bucket} in account ${env.accountId}`);
    console.log(`cd ${args.workdir}`);
    for (const command of commands) console.log(command.join(' '));
    return EXIT.ok;
  }
  const failed = runBootstrapCommands(commands, args.workdir, (line) => console.error(`bootstrap:state (${env.name}): ${line}`));
  if (failed) {
    console.error(`bootstrap:state: "${failed.command.slice(0, 2).join(' ')}" failed (exit ${failed.status}) in ${args.workdir}`);
    return EXIT.finding;
  }
  console.log(`State bucket ${env.stateBackend.bucket} is ready. Keep ${join(args.workdir, 'terraform.tfstate')} (or migrate it, see docs/plan-and-deploy.md).`);
  return EXIT.ok;
};

if (require.main === module) void runCommand({ name: 'bootstrap:state', usage: USAGE, run: (argv) => runBootstrap(argv) });
