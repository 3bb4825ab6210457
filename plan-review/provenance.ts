/**
 * Which commit a summary is about and which workflow run made it, from GitHub Actions' default
 * variables (GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT).
 * For `pull_request` events GITHUB_SHA is the merge commit GitHub made of the PR head and its base,
 * which is what was checked out and planned. Values that do not look like GitHub's are ignored
 * rather than printed: they end up in links and in a hidden HTML comment.
 */

export interface Provenance {
  readonly sha: string;
  readonly commitUrl?: string;
  readonly runUrl?: string;
  readonly runId?: string;
}

/** Hidden comment naming the planned commit; the workflow's sticky-comment step reads it back. */
export const COMMIT_MARKER_PREFIX = 'plan-review-commit:';

export const commitMarker = (sha: string): string => `<!-- ${COMMIT_MARKER_PREFIX} ${sha} -->`;

/** The commit a summary's markdown names in its hidden marker, if any. */
export const commitOfSummary = (markdown: string): string | undefined => new RegExp(`<!-- ${COMMIT_MARKER_PREFIX} ([0-9a-f]{40}|[0-9a-f]{64}) -->`).exec(markdown)?.[1];

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const SERVER = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const DIGITS = /^\d{1,20}$/;

export const provenanceFromEnv = (env: Readonly<Record<string, string | undefined>>): Provenance | undefined => {
  const sha = env.GITHUB_SHA?.toLowerCase();
  if (!sha || !SHA.test(sha)) return undefined;
  const server = env.GITHUB_SERVER_URL;
  const repository = env.GITHUB_REPOSITORY;
  const runId = env.GITHUB_RUN_ID;
  const attempt = env.GITHUB_RUN_ATTEMPT;
  const base = server && SERVER.test(server) && repository && REPOSITORY.test(repository) ? `${server}/${repository}` : undefined;
  const run = runId && DIGITS.test(runId) ? runId : undefined;
  return {
    sha,
    ...(base ? { commitUrl: `${base}/commit/${sha}` } : {}),
    ...(base && run ? { runUrl: `${base}/actions/runs/${run}${attempt && DIGITS.test(attempt) && attempt !== '1' ? `/attempts/${attempt}` : ''}` } : {}),
    ...(run ? { runId: run } : {}),
  };
};
