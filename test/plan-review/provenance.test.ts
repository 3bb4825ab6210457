/**
 * plan-review/provenance.ts on its own: which commit and workflow run a summary names, from GitHub's
 * default variables, and every value that does not look like GitHub's left out rather than printed
 * (each ends up in a link or in a hidden HTML comment). Each pattern is checked at both ends, so a
 * value GitHub's would only start or end with is refused.
 */
import { COMMIT_MARKER_PREFIX, commitMarker, commitOfSummary, provenanceFromEnv } from '../../plan-review/provenance';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const SHA256 = `${SHA}${'89abcdef'.repeat(3)}`;
const GITHUB = { GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' };
const COMMIT_URL = `https://github.com/acme/infra/commit/${SHA}`;

describe('the hidden commit marker', () => {
  test('written and read back, for SHA-1 and SHA-256 commits', () => {
    expect(COMMIT_MARKER_PREFIX).toBe('plan-review-commit:');
    expect(commitMarker(SHA)).toBe(`<!-- plan-review-commit: ${SHA} -->`);
    expect(commitOfSummary(`# plan\n${commitMarker(SHA)}\ntext`)).toBe(SHA);
    expect(commitOfSummary(commitMarker(SHA256))).toBe(SHA256);
  });

  test('only a whole commit id in exactly that comment', () => {
    expect(commitOfSummary('no marker')).toBeUndefined();
    expect(commitOfSummary(`<!-- plan-review-commit: ${SHA.slice(1)} -->`)).toBeUndefined();
    expect(commitOfSummary(`<!-- plan-review-commit: ${SHA}0 -->`)).toBeUndefined();
    expect(commitOfSummary(`<!-- plan-review-commit: ${SHA.toUpperCase()} -->`)).toBeUndefined();
    expect(commitOfSummary(`<!-- plan-review-commit:${SHA} -->`)).toBeUndefined();
  });
});

describe('provenanceFromEnv', () => {
  test("GitHub's variables: the commit, its page, the run's page and id", () => {
    expect(provenanceFromEnv(GITHUB)).toStrictEqual({ sha: SHA, commitUrl: COMMIT_URL, runUrl: 'https://github.com/acme/infra/actions/runs/4242', runId: '4242' });
  });

  test('a second attempt links to its attempt; the first does not', () => {
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: '2' })!.runUrl).toBe('https://github.com/acme/infra/actions/runs/4242/attempts/2');
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: undefined })!.runUrl).toBe('https://github.com/acme/infra/actions/runs/4242');
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: '2 -->' })!.runUrl).toBe('https://github.com/acme/infra/actions/runs/4242');
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: 'x2' })!.runUrl).toBe('https://github.com/acme/infra/actions/runs/4242');
  });

  test('the commit id is lower-cased, SHA-256 ids are taken; anything else means no provenance at all', () => {
    expect(provenanceFromEnv({ GITHUB_SHA: SHA.toUpperCase() })).toStrictEqual({ sha: SHA });
    expect(provenanceFromEnv({ GITHUB_SHA: SHA256 })).toStrictEqual({ sha: SHA256 });
    expect(provenanceFromEnv({})).toBeUndefined();
    expect(provenanceFromEnv({ GITHUB_SHA: '' })).toBeUndefined();
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_SHA: 'main' })).toBeUndefined();
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_SHA: `x${SHA}` })).toBeUndefined();
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_SHA: `${SHA}x` })).toBeUndefined();
  });

  test('a server or repository that is not GitHub-shaped: no links, the run id still', () => {
    for (const bad of [
      { GITHUB_SERVER_URL: 'javascript:alert(1)//' },
      { GITHUB_SERVER_URL: 'https://github.com/x' },
      { GITHUB_SERVER_URL: 'xhttps://github.com' },
      { GITHUB_SERVER_URL: '' },
    ]) {
      expect(provenanceFromEnv({ ...GITHUB, ...bad })).toStrictEqual({ sha: SHA, runId: '4242' });
    }
    for (const bad of [{ GITHUB_REPOSITORY: 'acme/infra) [x](https://evil' }, { GITHUB_REPOSITORY: '(acme/infra' }, { GITHUB_REPOSITORY: 'acme' }, { GITHUB_REPOSITORY: undefined }]) {
      expect(provenanceFromEnv({ ...GITHUB, ...bad })).toStrictEqual({ sha: SHA, runId: '4242' });
    }
  });

  test('a GitHub Enterprise server with a port is taken', () => {
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_SERVER_URL: 'https://git.example.com:8443' })!.commitUrl).toBe(`https://git.example.com:8443/acme/infra/commit/${SHA}`);
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_SERVER_URL: 'https://git.example.com:' })).toStrictEqual({ sha: SHA, runId: '4242' });
  });

  test('a run id that is not digits (or longer than 20): no run link and no run id', () => {
    for (const runId of ['42 -->', 'x42', '42x', '1'.repeat(21), '', undefined]) {
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ID: runId })).toStrictEqual({ sha: SHA, commitUrl: COMMIT_URL });
    }
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ID: '1'.repeat(20) })!.runId).toBe('1'.repeat(20));
  });
});
