/**
 * `npm run images:check -- --env NAME`: before a deploy applies, every image the environment's task
 * definitions run must exist in its ECR repositories (delivery/deployed-images.ts). Asks ECR through
 * the AWS CLI (`aws ecr describe-images`), which every GitHub-hosted runner has. Exit codes: docs/cli.md.
 */
import { spawnSync } from 'node:child_process';
import { bookingSaga } from '../catalog/booking-saga';
import { checkDeployedImages, type ImageLookup, interpretDescribeImages } from '../delivery/deployed-images';
import { environments } from '../environments';
import type { EnvironmentConfig } from '../environments/types';
import { EXIT, parseCommandLine, PrerequisiteError, runCommand, UsageError } from '../tooling/cli';

export const USAGE = `Usage: npm run images:check -- --env NAME

Checks that every image the environment's task definitions run (each task's repository with its
imageTag, or the base's defaultImageTag) exists in the environment's ECR registry, before a deploy
applies them: a missing image is otherwise found only when a task fails to start. A repository that
does not exist yet (the environment's first deploy creates it) is reported, not refused. An
environment on an existing base has no images of ours to check.

  --env NAME   environment to check (required)
  -h, --help   this text

Needs the AWS CLI and credentials that may call ecr:DescribeImages in the environment's account.
Exit codes: 0 every image exists; 1 an image is missing (each names the environment, service, task
and tag); 2 usage, an unknown environment, no AWS CLI, or ECR could not be asked; 3 crash.`;

export const parseImagesCheckArgs = (argv: readonly string[]): { readonly env: string } => {
  const { values } = parseCommandLine(argv, { env: { type: 'string' } });
  if (!values.env) throw new UsageError('--env is required');
  return { env: values.env };
};

/** The lookup of the command line: one `aws ecr describe-images` call per distinct image. */
export const awsCliLookup =
  (env: EnvironmentConfig, run: typeof spawnSync = spawnSync): ImageLookup =>
  (repository, tag) => {
    const args = ['ecr', 'describe-images', '--region', env.region, '--registry-id', env.accountId, '--repository-name', repository, '--image-ids', `imageTag=${tag}`, '--output', 'json'];
    const result = run('aws', args, { encoding: 'utf8' });
    if (result.error) throw new PrerequisiteError(`images:check: cannot run the AWS CLI (aws): ${result.error.message}`);
    const answer = interpretDescribeImages(result.status, String(result.stderr ?? ''));
    if (answer.kind === 'error') throw new PrerequisiteError(`images:check: environment ${env.name}: could not ask ECR about ${repository}:${tag}: ${answer.message}`);
    return answer;
  };

export function runImagesCheck(argv: readonly string[], lookupFor: (env: EnvironmentConfig) => ImageLookup = awsCliLookup): number {
  const args = parseImagesCheckArgs(argv);
  const env = environments.find((e) => e.name === args.env);
  if (!env) throw new PrerequisiteError(`unknown environment "${args.env}" (known: ${environments.map((e) => e.name).join(', ')})`);
  const { problems, notes } = checkDeployedImages(env, bookingSaga, lookupFor(env));
  for (const note of notes) console.error(`note: ${note}`);
  for (const problem of problems) console.error(`missing: ${problem}`);
  if (problems.length > 0) return EXIT.finding;
  console.error(`images:check: every image environment ${env.name} runs exists`);
  return EXIT.ok;
}

if (require.main === module) void runCommand({ name: 'images:check', usage: USAGE, run: (argv) => runImagesCheck(argv) });
