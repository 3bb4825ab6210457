/**
 * Which task images this repository builds, read from the catalog alone: every task whose command
 * runs a bundle (`node dist/<bundle>.js`, core/task-bundles.ts) is built from the TypeScript file
 * its `local.command` runs; tasks sharing an ECR repository share one image holding all their
 * bundles. And where the images go: each managed environment's ECR registry, through the role the
 * images workflow assumes there. Pure; `npm run build:tasks` (delivery/build-tasks.ts), the
 * Dockerfile's tests and `npm run images:targets` (the workflow's matrix) all read these.
 */
import type { Catalog, TaskSpec } from '../catalog/types';
import { line, quote } from '../catalog/fields';
import type { EnvironmentConfig, ManagedBaseConfig } from '../environments/types';
import { ecrRegistry, imageBuildTarget, taskKey } from '../core/naming';
import { BUNDLE_DIR, bundleFile, bundleOfCommand } from '../core/task-bundles';

/** One `dist/<name>.js`, built from one TypeScript entry point. */
export interface TaskBundle {
  readonly name: string;
  /** `dist/<name>.js`, relative to the repository root (and to the image's WORKDIR). */
  readonly file: string;
  /** The entry point, relative to the repository root: the `.ts` file of the tasks' `local.command`. */
  readonly source: string;
  /** `service/task` of every task whose default command runs it. */
  readonly tasks: readonly string[];
}

/** One image: an ECR repository of the catalog, built by one Dockerfile stage. */
export interface TaskImage {
  readonly repository: string;
  /** The Dockerfile stage (`docker build --target`), core/naming.ts `imageBuildTarget`. */
  readonly target: string;
  /** The image's CMD: the default command of its first task (ECS passes each task definition's own command anyway). */
  readonly command: readonly string[];
  /** Names of the bundles the image holds: its tasks' default commands and the rule commands that target them. */
  readonly bundles: readonly string[];
  readonly tasks: readonly string[];
}

export interface TaskImages {
  readonly bundles: readonly TaskBundle[];
  readonly images: readonly TaskImage[];
  /** Tasks whose command runs no bundle: their images are built elsewhere. */
  readonly external: readonly string[];
}

export class TaskImageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The catalog's task images cannot be built (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TaskImageError';
  }
}

const where = (service: string, kind: 'task' | 'rule' | 'flow', name: string) => `catalog: service ${quote(service)}, ${kind} ${quote(name)}`;

/** A command that names a `dist/….js` file without being `node dist/<name>.js`: probably meant to run a bundle. */
const mentionsBundleDir = (command: readonly string[]): boolean => command.some((part) => part.startsWith(`${BUNDLE_DIR}/`) && part.endsWith('.js'));

/** The `.ts` entry point of a task's local command, or a problem. */
function sourceOf(service: string, task: TaskSpec): string | { problem: string } {
  const sources = (task.local?.command ?? []).filter((part) => part.endsWith('.ts'));
  if (sources.length === 1) return sources[0]!;
  const found = sources.length === 0 ? 'none' : sources.map((s) => quote(s)).join(', ');
  return {
    problem: line(
      where(service, 'task', task.name),
      'local.command',
      `runs ${bundleFile(bundleOfCommand(task.command)!)} in its image, so local.command must name exactly one TypeScript file to bundle it from (found ${found})`,
    ),
  };
}

/** The bundles and images of a catalog; throws `TaskImageError` listing every problem. */
export function taskImages(catalog: Catalog): TaskImages {
  const problems: string[] = [];
  const bundles = new Map<string, { source: string; tasks: string[] }>();
  const images = new Map<string, { command: readonly string[]; bundles: Set<string>; tasks: string[]; external: string[] }>();
  const imageOfTask = new Map<string, string>();
  const external: string[] = [];

  for (const service of catalog.services) {
    for (const task of service.tasks) {
      const key = taskKey(service.name, task.name);
      const bundle = bundleOfCommand(task.command);
      const image = images.get(task.imageRepository) ?? { command: task.command, bundles: new Set<string>(), tasks: [], external: [] };
      images.set(task.imageRepository, image);
      imageOfTask.set(key, task.imageRepository);
      if (bundle === undefined) {
        if (mentionsBundleDir(task.command)) {
          problems.push(
            line(
              where(service.name, 'task', task.name),
              'command',
              `${quote(task.command)} names a bundle but does not run it as ["node", "${BUNDLE_DIR}/<name>.js", ...arguments] (Node options go in NODE_OPTIONS)`,
            ),
          );
        }
        external.push(key);
        image.external.push(key);
        continue;
      }
      image.tasks.push(key);
      image.bundles.add(bundle);
      const source = sourceOf(service.name, task);
      if (typeof source !== 'string') {
        problems.push(source.problem);
        continue;
      }
      const known = bundles.get(bundle);
      if (known && known.source !== source) {
        problems.push(
          line(
            where(service.name, 'task', task.name),
            'local.command',
            `builds ${bundleFile(bundle)} from ${quote(source)}, but ${known.tasks.join(', ')} builds it from ${quote(known.source)}; one bundle has one source`,
          ),
        );
        continue;
      }
      if (known) known.tasks.push(key);
      else bundles.set(bundle, { source, tasks: [key] });
    }
  }

  for (const [repository, image] of images) {
    if (image.tasks.length > 0 && image.external.length > 0) {
      problems.push(
        `catalog: image repository ${quote(repository)}: tasks ${image.tasks.join(', ')} run bundles built here but ${image.external.join(', ')} run(s) something else; one repository holds one image, so give them separate repositories`,
      );
    }
  }

  // A rule's command (or a flow step's) runs in its task's image: the bundle it names must be in there.
  const commands = catalog.services.flatMap((service) => [
    ...service.rules.flatMap((rule) =>
      'task' in rule.target && rule.target.command
        ? [{ where: where(service.name, 'rule', rule.name), field: 'target.command', service: rule.target.service, task: rule.target.task, command: rule.target.command }]
        : [],
    ),
    ...(service.flows ?? []).flatMap((flow) =>
      flow.steps.flatMap((step, index) =>
        (['run', 'compensate'] as const).flatMap((part) => {
          const run = step[part];
          return run?.command
            ? [{ where: where(service.name, 'flow', flow.name), field: `steps[${index}].${part}.command`, service: run.service, task: run.task, command: run.command }]
            : [];
        }),
      ),
    ),
  ]);
  for (const { where: at, field, service, task, command } of commands) {
    const repository = imageOfTask.get(taskKey(service, task));
    const image = repository === undefined ? undefined : images.get(repository);
    if (!image || image.tasks.length === 0) continue; // an unknown target is catalog validation's finding; an external image is not ours
    const bundle = bundleOfCommand(command);
    if (bundle === undefined) {
      if (mentionsBundleDir(command)) problems.push(line(at, field, `${quote(command)} names a bundle but does not run it as ["node", "${BUNDLE_DIR}/<name>.js", ...arguments]`));
      continue;
    }
    if (!image.bundles.has(bundle)) {
      problems.push(
        line(
          at,
          field,
          `runs ${bundleFile(bundle)}, which image ${quote(repository)} of task ${taskKey(service, task)} does not hold (it holds ${[...image.bundles].sort().map(bundleFile).join(', ')})`,
        ),
      );
    }
  }

  // imageBuildTarget gives each repository its own stage; Docker only adds that a stage starts with a letter.
  for (const repository of images.keys()) {
    const target = imageBuildTarget(repository);
    if (!/^[a-z]/.test(target)) {
      problems.push(`catalog: image repository ${quote(repository)}: its Dockerfile stage ${quote(target)} must start with a letter (Docker stage names are [a-z][a-z0-9._-]*)`);
    }
  }

  if (problems.length > 0) throw new TaskImageError(problems);
  return {
    bundles: [...bundles].map(([name, b]) => ({ name, file: bundleFile(name), source: b.source, tasks: b.tasks })).sort((a, b) => a.name.localeCompare(b.name)),
    images: [...images]
      .filter(([, image]) => image.tasks.length > 0)
      .map(([repository, image]) => ({ repository, target: imageBuildTarget(repository), command: image.command, bundles: [...image.bundles].sort(), tasks: image.tasks }))
      .sort((a, b) => a.repository.localeCompare(b.repository)),
    external,
  };
}

/**
 * The role the images workflow assumes in each environment's account (OIDC). Its policy:
 * core/iam-policies.ts `imagePushPolicy`; its trust: docs/images.md.
 */
export const IMAGE_PUSH_ROLE_NAME = 'event-driven-ecs-infra-images';

/**
 * A tag the workflow moves to every new build, besides the commit SHA, in environments whose
 * configuration runs it: `latest` means "the newest build of main" (such an environment's
 * repositories are MUTABLE; environments/validate.ts refuses `latest` with IMMUTABLE ones).
 */
export const MOVING_TAG = 'latest';

/** One environment's registry, as a row of the workflow's push matrix (strings only). */
export interface ImageRegistry {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly registry: string;
  readonly role: string;
  /** Space-separated tags moved to each new build; empty for none. */
  readonly 'moving-tags': string;
}

const namesMovingTag = (base: ManagedBaseConfig): boolean =>
  base.defaultImageTag === MOVING_TAG || Object.values(base.taskOverrides ?? {}).some((override) => override.imageTag === MOVING_TAG);

/**
 * Every environment whose base this repository manages (hence whose ECR repositories it creates);
 * an environment on an existing base runs task definitions, and images, made elsewhere.
 */
export function imageRegistries(environments: readonly EnvironmentConfig[]): ImageRegistry[] {
  return environments.flatMap((env) =>
    env.base.kind === 'managed'
      ? [
          {
            environment: env.name,
            account: env.accountId,
            region: env.region,
            registry: ecrRegistry(env.region, env.accountId),
            role: `arn:aws:iam::${env.accountId}:role/${IMAGE_PUSH_ROLE_NAME}`,
            'moving-tags': namesMovingTag(env.base) ? MOVING_TAG : '',
          },
        ]
      : [],
  );
}
