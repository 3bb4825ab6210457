/**
 * Before a deploy applies task definitions, every image they will run must exist: ECS registers a
 * task definition whatever its image, and a task whose image is missing fails only at RunTask
 * (CannotPullContainerError), one execution at a time. `npm run images:check` runs this check in
 * the deploy's apply job, before `npm run apply`. Pure: the lookup is given (the command line asks
 * ECR through the AWS CLI).
 */
import type { Catalog } from '../catalog/types';
import { ecrRegistry, taskKey } from '../core/naming';
import { taskImageTag } from '../environments/image-tags';
import type { EnvironmentConfig } from '../environments/types';

/** One image a task definition of the environment runs. */
export interface DeployedImage {
  readonly service: string;
  readonly task: string;
  readonly repository: string;
  readonly tag: string;
}

/** What ECR says of one repository and tag. */
export type ImageLookupResult =
  | { readonly kind: 'found' }
  | { readonly kind: 'missing' }
  /** The repository does not exist yet: `<env>-base` creates it, on the environment's first deploy. */
  | { readonly kind: 'no-repository' };

export type ImageLookup = (repository: string, tag: string) => ImageLookupResult;

/** Every (service, task, repository, tag) the environment runs; none for an existing base (its images are made elsewhere). */
export function deployedImages(env: EnvironmentConfig, catalog: Catalog): DeployedImage[] {
  const base = env.base;
  if (base.kind !== 'managed') return [];
  return catalog.services.flatMap((service) =>
    service.tasks.map((task) => ({ service: service.name, task: task.name, repository: task.imageRepository, tag: taskImageTag(base, taskKey(service.name, task.name)) })),
  );
}

export interface ImageCheck {
  /** Images that do not exist: each names the environment, service, task, image and where to fix it. */
  readonly problems: readonly string[];
  /** Repositories not created yet (first deploy): said, not refused. */
  readonly notes: readonly string[];
}

/** Looks every distinct image up once and reports each task whose image is missing. */
export function checkDeployedImages(env: EnvironmentConfig, catalog: Catalog, lookup: ImageLookup): ImageCheck {
  const results = new Map<string, ImageLookupResult>();
  const problems: string[] = [];
  const notes = new Set<string>();
  const registry = ecrRegistry(env.region, env.accountId);
  for (const image of deployedImages(env, catalog)) {
    const id = `${image.repository}:${image.tag}`;
    let result = results.get(id);
    if (!result) {
      result = lookup(image.repository, image.tag);
      results.set(id, result);
    }
    const key = taskKey(image.service, image.task);
    if (result.kind === 'missing') {
      problems.push(
        `environment ${env.name}, service ${image.service}, task ${image.task}: image tag ${JSON.stringify(image.tag)} does not exist in ${registry}/${image.repository}; ` +
          `push it (the images workflow pushes every commit of main) or name a tag that exists (base.taskOverrides["${key}"].imageTag or base.defaultImageTag)`,
      );
    } else if (result.kind === 'no-repository') {
      notes.add(`environment ${env.name}: repository ${registry}/${image.repository} does not exist yet (this deploy's ${env.name}-base creates it); push ${id} before its tasks run`);
    }
  }
  return { problems, notes: [...notes] };
}

/**
 * What `aws ecr describe-images --image-ids imageTag=<tag>` said: exit 0 is found; its error codes
 * ImageNotFoundException and RepositoryNotFoundException (ECR API reference, DescribeImages) are
 * answers; anything else (credentials, throttling, network) is no answer, and the caller stops.
 */
export function interpretDescribeImages(status: number | null, stderr: string): ImageLookupResult | { readonly kind: 'error'; readonly message: string } {
  if (status === 0) return { kind: 'found' };
  if (/\bImageNotFoundException\b/.test(stderr)) return { kind: 'missing' };
  if (/\bRepositoryNotFoundException\b/.test(stderr)) return { kind: 'no-repository' };
  return { kind: 'error', message: stderr.trim() || `exit code ${status}` };
}
