/**
 * The repository the CI roles trust (environments/github.ts) against the repository a GitHub
 * Actions run belongs to: refused when they differ, so no plan or deploy goes on with roles that
 * trust another owner's workflows.
 */
import { githubRepository, repositoryProblem, runningRepository } from '../../environments/github';

describe('runningRepository', () => {
  const actions = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/infra', GITHUB_REPOSITORY_OWNER_ID: '123', GITHUB_REPOSITORY_ID: '456' };

  test("in GitHub Actions: the workflow's repository and its ids", () => {
    expect(runningRepository(actions)).toStrictEqual({ fullName: 'acme/infra', ownerId: 123, repositoryId: 456 });
  });

  test('ids that are not whole numbers are left out', () => {
    expect(runningRepository({ ...actions, GITHUB_REPOSITORY_OWNER_ID: '', GITHUB_REPOSITORY_ID: '4x' })).toStrictEqual({ fullName: 'acme/infra' });
    expect(runningRepository({ ...actions, GITHUB_REPOSITORY_OWNER_ID: '12 ', GITHUB_REPOSITORY_ID: '-4' })).toStrictEqual({ fullName: 'acme/infra' });
  });

  test('elsewhere, nothing: a checkout cannot tell whose it is', () => {
    expect(runningRepository({ GITHUB_REPOSITORY: 'acme/infra' })).toBeUndefined();
    expect(runningRepository({ ...actions, GITHUB_ACTIONS: 'false' })).toBeUndefined();
    expect(runningRepository({ GITHUB_ACTIONS: 'true' })).toBeUndefined();
    expect(runningRepository({ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: '' })).toBeUndefined();
  });
});

describe('repositoryProblem', () => {
  const configured = { owner: 'acme', name: 'infra' };
  const fix = 'set owner and name (and ownerId, repositoryId) in environments/github.ts to this repository';

  test('the configured repository, in any case, is no problem; outside Actions nothing is refused', () => {
    expect(repositoryProblem(configured, { fullName: 'acme/infra' })).toBeUndefined();
    expect(repositoryProblem(configured, { fullName: 'ACME/Infra' })).toBeUndefined();
    expect(repositoryProblem(configured, undefined)).toBeUndefined();
  });

  test('another repository is refused, naming both and what to set', () => {
    expect(repositoryProblem(githubRepository, { fullName: 'octo/bookings-infra' })).toBe(
      `environments/github.ts: githubRepository is ${githubRepository.owner}/${githubRepository.name}, but this workflow runs in octo/bookings-infra (GITHUB_REPOSITORY): ` +
        `the CI roles would trust another repository's workflows; ${fix}`,
    );
    // Owner and name are compared whole.
    expect(repositoryProblem(configured, { fullName: 'acme/infr' })).toContain('but this workflow runs in acme/infr');
    expect(repositoryProblem(configured, { fullName: 'acm/einfra' })).toContain('but this workflow runs in acm/einfra');
  });

  test('ids, where both sides have them, must be the same: a recycled owner or name', () => {
    const withIds = { ...configured, ownerId: 1, repositoryId: 2 };
    expect(repositoryProblem(withIds, { fullName: 'acme/infra', ownerId: 1, repositoryId: 2 })).toBeUndefined();
    expect(repositoryProblem(withIds, { fullName: 'acme/infra' })).toBeUndefined();
    expect(repositoryProblem(configured, { fullName: 'acme/infra', ownerId: 9, repositoryId: 9 })).toBeUndefined();
    expect(repositoryProblem(withIds, { fullName: 'acme/infra', ownerId: 7, repositoryId: 2 })).toBe(
      `environments/github.ts: githubRepository.ownerId is 1, but acme/infra has 7 (GITHUB_REPOSITORY_OWNER_ID): a recycled name; ${fix}`,
    );
    expect(repositoryProblem(withIds, { fullName: 'acme/infra', ownerId: 1, repositoryId: 3 })).toBe(
      `environments/github.ts: githubRepository.repositoryId is 2, but acme/infra has 3 (GITHUB_REPOSITORY_ID): a recycled name; ${fix}`,
    );
  });
});
