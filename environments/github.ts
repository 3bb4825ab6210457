import type { GitHubRepository } from '../core/ci-roles';

/**
 * The GitHub repository whose workflows may assume this repository's CI roles (stacks/ci-roles-stack.ts).
 * Set it to yours before applying the CI roles. For a repository created after 2026-07-15 (or opted
 * in to immutable OIDC subjects) add `ownerId` and `repositoryId`: GitHub then puts them in the token's
 * `sub`, and a recycled owner or repository name can no longer match.
 *
 * Until it names yours, the roles trust another owner's repository: anyone who registers that owner
 * on GitHub could assume them. So in a GitHub Actions run, where the repository is known, the app
 * refuses to synthesize when it is another (`repositoryProblem`): the first workflow of a copy of
 * this repository says what to set, and no plan or deploy goes on.
 */
export const githubRepository: GitHubRepository = { owner: 'acme-bookings', name: 'event-driven-ecs-infra' };

/** The repository a GitHub Actions run belongs to. */
export interface RunningRepository {
  /** `owner/name`. */
  readonly fullName: string;
  readonly ownerId?: number;
  readonly repositoryId?: number;
}

const numericId = (value: string | undefined): number | undefined => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);

/**
 * In GitHub Actions (`GITHUB_ACTIONS=true`), the repository the workflow runs in, with its ids
 * (GitHub's default variables); elsewhere undefined: a checkout cannot tell whose it is.
 */
export function runningRepository(env: NodeJS.ProcessEnv): RunningRepository | undefined {
  if (env.GITHUB_ACTIONS !== 'true' || !env.GITHUB_REPOSITORY) return undefined;
  const ownerId = numericId(env.GITHUB_REPOSITORY_OWNER_ID);
  const repositoryId = numericId(env.GITHUB_REPOSITORY_ID);
  return { fullName: env.GITHUB_REPOSITORY, ...(ownerId !== undefined ? { ownerId } : {}), ...(repositoryId !== undefined ? { repositoryId } : {}) };
}

/**
 * Why the CI roles must not be synthesized for `configured`, or undefined: it names another
 * repository than the workflow's (GitHub compares owner and name without case), or ids other than
 * its. Outside GitHub Actions nothing can be told, and nothing is refused.
 */
export function repositoryProblem(configured: GitHubRepository, running: RunningRepository | undefined): string | undefined {
  if (!running) return undefined;
  const wanted = `${configured.owner}/${configured.name}`;
  const fix = 'set owner and name (and ownerId, repositoryId) in environments/github.ts to this repository';
  if (wanted.toLowerCase() !== running.fullName.toLowerCase()) {
    return `environments/github.ts: githubRepository is ${wanted}, but this workflow runs in ${running.fullName} (GITHUB_REPOSITORY): the CI roles would trust another repository's workflows; ${fix}`;
  }
  for (const key of ['ownerId', 'repositoryId'] as const) {
    const want = configured[key];
    const have = running[key];
    if (want !== undefined && have !== undefined && want !== have) {
      return `environments/github.ts: githubRepository.${key} is ${want}, but ${running.fullName} has ${have} (GITHUB_REPOSITORY_${key === 'ownerId' ? 'OWNER_ID' : 'ID'}): a recycled name; ${fix}`;
    }
  }
  return undefined;
}
