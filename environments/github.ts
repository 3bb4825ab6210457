import type { GitHubRepository } from '../core/ci-roles';

/**
 * The GitHub repository whose workflows may assume this repository's CI roles (stacks/ci-roles-stack.ts).
 * Set it to yours before applying the CI roles. For a repository created after 2026-07-15 (or opted
 * in to immutable OIDC subjects) add `ownerId` and `repositoryId`: GitHub then puts them in the token's
 * `sub`, and a recycled owner or repository name can no longer match.
 */
export const githubRepository: GitHubRepository = { owner: 'acme-bookings', name: 'event-driven-ecs-infra' };
