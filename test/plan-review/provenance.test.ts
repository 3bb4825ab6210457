/**
 * plan-review/provenance.ts on its own: which commit and workflow run a summary names, from GitHub's
 * default variables, and every value that does not look like GitHub's left out rather than printed
 * (each ends up in a link or in a hidden HTML comment). Each pattern is checked at both ends, so a
 * value GitHub's would only start or end with is refused.
 */
import { COMMIT_MARKER_PREFIX, commitMarker, commitOfSummary, provenanceFromEnv } from '../../plan-review/provenance';

describe('each rule on its smallest input', () => {
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
});

describe('each message exact, each bound on both sides', () => {
  const SHA = '0123456789abcdef0123456789abcdef01234567';
  const SHA256 = `${SHA}${'89abcdef'.repeat(3)}`;
  const GITHUB = { GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' };
  const COMMIT_URL = `https://github.com/acme/infra/commit/${SHA}`;
  const RUN_URL = 'https://github.com/acme/infra/actions/runs/4242';

  describe('commitMarker and commitOfSummary', () => {
    it('writes the marker as a hidden HTML comment and reads back a 40- or 64-digit sha', () => {
      expect(COMMIT_MARKER_PREFIX).toBe('plan-review-commit:');
      expect(commitMarker(SHA)).toBe(`<!-- plan-review-commit: ${SHA} -->`);
      expect(commitOfSummary(`# plan\n${commitMarker(SHA)}\nrest`)).toBe(SHA);
      expect(commitOfSummary(commitMarker(SHA256))).toBe(SHA256);
    });

    it('reads back nothing that is not exactly a lowercase sha in the marker', () => {
      expect(commitOfSummary('no marker here')).toBeUndefined();
      expect(commitOfSummary(commitMarker(SHA.slice(1)))).toBeUndefined();
      expect(commitOfSummary(commitMarker(`${SHA}0`))).toBeUndefined();
      expect(commitOfSummary(commitMarker(SHA.toUpperCase()))).toBeUndefined();
      expect(commitOfSummary(commitMarker(`${SHA.slice(1)}g`))).toBeUndefined();
      expect(commitOfSummary(`<!-- plan-review-commit:${SHA} -->`)).toBeUndefined();
      expect(commitOfSummary(`<!-- other-commit: ${SHA} -->`)).toBeUndefined();
    });
  });

  describe('provenanceFromEnv', () => {
    it("builds commit and run links from GitHub's variables", () => {
      expect(provenanceFromEnv(GITHUB)).toStrictEqual({ sha: SHA, commitUrl: COMMIT_URL, runUrl: RUN_URL, runId: '4242' });
      expect(provenanceFromEnv({ GITHUB_SHA: SHA })).toStrictEqual({ sha: SHA });
      expect(provenanceFromEnv({ GITHUB_SHA: SHA, GITHUB_RUN_ID: '7' })).toStrictEqual({ sha: SHA, runId: '7' });
      expect(provenanceFromEnv({})).toBeUndefined();
    });

    it('lowercases the sha and accepts a SHA-256 one', () => {
      expect(provenanceFromEnv({ GITHUB_SHA: SHA.toUpperCase() })).toStrictEqual({ sha: SHA });
      expect(provenanceFromEnv({ GITHUB_SHA: SHA256 })).toStrictEqual({ sha: SHA256 });
    });

    it.each([['main'], [''], [SHA.slice(1)], [`${SHA}0`], [`${SHA.slice(1)}g`], [` ${SHA}`], [`${SHA} `], [`${SHA256}0`]])('refuses the sha %j', (sha) => {
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_SHA: sha })).toBeUndefined();
    });

    it('names the attempt only from the second one on, and only when it is digits', () => {
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: '2' })?.runUrl).toBe(`${RUN_URL}/attempts/2`);
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: '12345678901234567890' })?.runUrl).toBe(`${RUN_URL}/attempts/12345678901234567890`);
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: '123456789012345678901' })?.runUrl).toBe(RUN_URL);
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: '2 -->' })?.runUrl).toBe(RUN_URL);
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: 'x2' })?.runUrl).toBe(RUN_URL);
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: '' })?.runUrl).toBe(RUN_URL);
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: undefined })?.runUrl).toBe(RUN_URL);
    });

    it('accepts a GitHub Enterprise server with a port, and repository names with _ . -', () => {
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_SERVER_URL: 'https://ghe.example-corp.com:8443', GITHUB_REPOSITORY: 'Acme_9.x/infra-live_2.0' })).toStrictEqual({
        sha: SHA,
        commitUrl: `https://ghe.example-corp.com:8443/Acme_9.x/infra-live_2.0/commit/${SHA}`,
        runUrl: `https://ghe.example-corp.com:8443/Acme_9.x/infra-live_2.0/actions/runs/4242`,
        runId: '4242',
      });
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_SERVER_URL: 'https://ghe.example.com:1' })?.commitUrl).toBe(`https://ghe.example.com:1/acme/infra/commit/${SHA}`);
    });

    it.each([
      ['javascript:alert(1)//'],
      ['http://github.com'],
      ['https://github.com/'],
      ['https://github.com:123456'],
      ['https://github.com:'],
      ['https://github.com:80a'],
      ['https://'],
      [' https://github.com'],
      ['xhttps://github.com'],
      ['https://git hub.com'],
      ['https://github.com) [x](https://evil'],
      [''],
    ])('links nothing to the server %j', (server) => {
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_SERVER_URL: server })).toStrictEqual({ sha: SHA, runId: '4242' });
    });

    it.each([['acme/infra) [x](https://evil'], ['acme/infra/x'], ['acme'], ['/infra'], ['acme/'], [' acme/infra'], ['acme/infra '], ['ac me/infra'], ['acme/in fra'], ['']])(
      'links nothing to the repository %j',
      (repository) => {
        expect(provenanceFromEnv({ ...GITHUB, GITHUB_REPOSITORY: repository })).toStrictEqual({ sha: SHA, runId: '4242' });
      },
    );

    it('links nothing to a missing server or repository', () => {
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_SERVER_URL: undefined })).toStrictEqual({ sha: SHA, runId: '4242' });
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_REPOSITORY: undefined })).toStrictEqual({ sha: SHA, runId: '4242' });
    });

    it.each([['42 -->'], ['x42'], ['42x'], [''], ['123456789012345678901'], ['-1']])('names no run for the run id %j', (runId) => {
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ID: runId })).toStrictEqual({ sha: SHA, commitUrl: COMMIT_URL });
    });

    it('accepts a run id of 20 digits', () => {
      expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ID: '12345678901234567890' })).toStrictEqual({
        sha: SHA,
        commitUrl: COMMIT_URL,
        runUrl: 'https://github.com/acme/infra/actions/runs/12345678901234567890',
        runId: '12345678901234567890',
      });
    });
  });
});
