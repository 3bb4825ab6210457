/**
 * `npm run images:targets`: the images the Dockerfile builds and the registries the images
 * workflow pushes them to, from the catalog and the environments (delivery/task-images.ts). The
 * workflow reads it as its build list and push matrix. Exit codes: docs/cli.md.
 */
import { bookingSaga } from '../catalog/booking-saga';
import { imageRegistries, TaskImageError, taskImages } from '../delivery/task-images';
import { environments } from '../environments';
import { configurationProblems } from '../environments/validate';
import { EXIT, parseCommandLine, PrerequisiteError, runCommand } from '../tooling/cli';

export const USAGE = `Usage: npm run images:targets [-- --github-output]

Prints, as JSON, the task images the Dockerfile builds (one per ECR repository of the catalog: its
stage, the bundles it holds, its CMD) and the registries the images workflow pushes them to (every
environment with a managed base: account, region, registry host, the role to assume, the tags
moved to each build). The configuration is validated first; nothing is printed when it is invalid.

  --github-output   print the lines images=<json> and registries=<json> for $GITHUB_OUTPUT
  -h, --help        this text

Exit codes: 0 printed; 2 usage, an invalid configuration, or a catalog whose images cannot be
built (each problem is named); 3 crash.`;

export const parseImageTargetsArgs = (argv: readonly string[]): { readonly githubOutput: boolean } => {
  const { values } = parseCommandLine(argv, { 'github-output': { type: 'boolean', default: false } });
  return { githubOutput: values['github-output'] };
};

export function imageTargets(): { images: ReturnType<typeof taskImages>['images']; registries: ReturnType<typeof imageRegistries> } {
  const problems = configurationProblems(bookingSaga, environments);
  if (problems.length > 0) throw new PrerequisiteError(`invalid configuration; no image targets:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  try {
    return { images: taskImages(bookingSaga).images, registries: imageRegistries(environments) };
  } catch (error) {
    if (error instanceof TaskImageError) throw new PrerequisiteError(error.message);
    throw error;
  }
}

export function runImageTargets(argv: readonly string[]): number {
  const { githubOutput } = parseImageTargetsArgs(argv);
  const targets = imageTargets();
  process.stdout.write(githubOutput ? `images=${JSON.stringify(targets.images)}\nregistries=${JSON.stringify(targets.registries)}\n` : `${JSON.stringify(targets, null, 2)}\n`);
  return EXIT.ok;
}

if (require.main === module) void runCommand({ name: 'images:targets', usage: USAGE, run: runImageTargets });
