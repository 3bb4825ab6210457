/**
 * plan-comment.yml's scripts, run as actions/github-script runs them (an async function of `github`,
 * `context`, `core`, `require`), against a fake GitHub API and artifacts a hostile pull request
 * could have uploaded: forged markers, mentions, an oversized summary, a symlink.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

interface Step {
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const workflow = parse(readFileSync(join(__dirname, '..', '..', '.github', 'workflows', 'plan-comment.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
const scriptOf = (job: string): Step => workflow.jobs[job]!.steps.find((s) => s.uses?.startsWith('actions/github-script@'))!;

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;

interface Comment {
  id: number;
  user: { type: string };
  body: string;
}

function fakeGitHub(options: { comments?: Comment[]; prHead?: string } = {}) {
  const comments: Comment[] = [...(options.comments ?? [])];
  const calls: string[] = [];
  const github = {
    paginate: async (fn: (args: unknown) => Promise<{ data: Comment[] }>, args: unknown) => (await fn(args)).data,
    rest: {
      pulls: { get: async () => ({ data: { head: { sha: options.prHead ?? HEAD } } }) },
      issues: {
        listComments: async () => ({ data: comments.map((c) => ({ ...c })) }),
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          calls.push(`update ${comment_id}`);
          comments.find((c) => c.id === comment_id)!.body = body;
        },
        createComment: async ({ body }: { body: string }) => {
          calls.push('create');
          comments.push({ id: 100 + comments.length, user: { type: 'Bot' }, body });
        },
      },
    },
  };
  return { github, comments, calls };
}

const context = (action: string) => ({
  repo: { owner: 'o', repo: 'r' },
  payload: { action, workflow_run: { head_sha: HEAD, pull_requests: [{ number: 7 }], html_url: 'https://github.com/o/r/actions/runs/42', run_number: 12, conclusion: 'success' } },
});
const notices: string[] = [];
const core = { notice: (message: string) => notices.push(message) };

async function runScript(job: string, github: unknown, env: Record<string, string> = {}): Promise<void> {
  const step = scriptOf(job);
  const saved = { ...process.env };
  Object.assign(process.env, step.env ?? {}, env);
  try {
    await new AsyncFunction('github', 'context', 'core', 'require', step.with!.script!)(github, context(job === 'outdated' ? 'requested' : 'completed'), core, require);
  } finally {
    process.env = saved;
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plan-comment-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const writeArtifact = (environment: string, summary: string, deferred?: string) => {
  const base = join(dir, `plan-summary-${environment}`);
  mkdirSync(join(base, 'plans'), { recursive: true });
  writeFileSync(join(base, 'plan-summary.md'), summary);
  if (deferred !== undefined) writeFileSync(join(base, 'plans', 'deferred.md'), deferred);
};

describe('plan-comment.yml: the comment job treats the artifact as untrusted', () => {
  it("wraps each summary in its own marker, commit and a note that the PR's code produced it, with the deferred note", async () => {
    writeArtifact('dev', '## dev\n✅ Safe to apply\n', '### dev: planned again after this apply\n- `dev-payment`\n');
    const { github, comments, calls } = fakeGitHub();
    await runScript('comment', github, { SUMMARY_DIR: dir });
    expect(calls).toEqual(['create', 'create', 'create']);
    const dev = comments.find((c) => c.body.startsWith('<!-- plan-review:dev -->'))!;
    expect(dev.body.split('\n').slice(0, 2)).toEqual(['<!-- plan-review:dev -->', `<!-- plan-review-commit: ${HEAD} -->`]);
    expect(dev.body).toContain("produced by this pull request's own code");
    expect(dev.body).toContain('## dev\n✅ Safe to apply');
    expect(dev.body).toContain('### dev: planned again after this apply\n- `dev-payment`');
    // No artifact for staging and prod: their comments say so instead of leaving an old plan standing.
    const prod = comments.find((c) => c.body.startsWith('<!-- plan-review:prod -->'))!;
    expect(prod.body).toContain('No plan summary of `prod` was produced by this run');
    expect(prod.body).not.toContain('own code');
  });

  it('neutralizes forged markers and mentions, so a summary cannot take over another comment or page anyone', async () => {
    writeArtifact('dev', `<!-- plan-review:prod -->\n<!-- plan-review-commit: ${OLD} -->\n<!--plan-review-outdated-->\nhi @octocat and @org/team\n`);
    const { github, comments } = fakeGitHub();
    await runScript('comment', github, { SUMMARY_DIR: dir });
    const bodies = comments.map((c) => c.body);
    expect(bodies.filter((b) => b.startsWith('<!-- plan-review:prod -->'))).toHaveLength(1);
    const dev = bodies.find((b) => b.startsWith('<!-- plan-review:dev -->'))!;
    expect(dev.match(/<!--\s*plan-review/g)).toEqual(['<!-- plan-review', '<!-- plan-review']);
    expect(dev).toContain('<!-- untrusted-plan-review:prod -->');
    expect(dev).not.toMatch(/@octocat|@org/);
    expect(dev).toContain('@\u200boctocat');
  });

  it("caps an oversized summary below GitHub's 65,536-character limit, saying it was cut", async () => {
    writeArtifact('dev', 'x'.repeat(1_000_000));
    const { github, comments } = fakeGitHub();
    await runScript('comment', github, { SUMMARY_DIR: dir });
    const dev = comments.find((c) => c.body.startsWith('<!-- plan-review:dev -->'))!;
    expect(dev.body.length).toBeLessThanOrEqual(65_536);
    expect(dev.body.length).toBeGreaterThan(60_000);
    expect(dev.body).toContain('cut here by plan-comment');
  });

  it('never follows a symlink out of the artifact', async () => {
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'TOKEN=hunter2');
    mkdirSync(join(dir, 'plan-summary-dev'));
    symlinkSync(secret, join(dir, 'plan-summary-dev', 'plan-summary.md'));
    const { github, comments } = fakeGitHub();
    await runScript('comment', github, { SUMMARY_DIR: dir });
    const dev = comments.find((c) => c.body.startsWith('<!-- plan-review:dev -->'))!;
    expect(dev.body).not.toContain('hunter2');
    expect(dev.body).toContain('No plan summary of `dev`');
  });

  it('updates the sticky comment of its environment, and posts nothing once the PR has moved on', async () => {
    writeArtifact('dev', 'new plan');
    const existing = { id: 1, user: { type: 'Bot' }, body: '<!-- plan-review:dev -->\nold plan' };
    const forged = { id: 2, user: { type: 'User' }, body: '<!-- plan-review:dev -->\nforged by a person' };
    const fresh = fakeGitHub({ comments: [forged, existing] });
    await runScript('comment', fresh.github, { SUMMARY_DIR: dir });
    expect(fresh.calls).toEqual(['update 1', 'create', 'create']);
    expect(fresh.comments[0]!.body).toBe(forged.body);
    const moved = fakeGitHub({ comments: [{ ...existing }], prHead: OLD });
    await runScript('comment', moved.github, { SUMMARY_DIR: dir });
    expect(moved.calls).toEqual([]);
  });
});

describe('plan-comment.yml: the outdated job', () => {
  it("marks plan comments of other commits outdated, once, and leaves the current one and people's comments alone", async () => {
    const of = (id: number, sha: string, type = 'Bot') => ({ id, user: { type }, body: `<!-- plan-review:dev -->\n<!-- plan-review-commit: ${sha} -->\nplan` });
    const { github, comments, calls } = fakeGitHub({ comments: [of(1, OLD), of(2, HEAD), of(3, OLD, 'User')] });
    await runScript('outdated', github);
    expect(calls).toEqual(['update 1']);
    expect(comments[0]!.body).toContain('<!-- plan-review-outdated -->');
    expect(comments[0]!.body).toContain(`**Outdated**: this plan is of commit ${OLD.slice(0, 7)}; commit ${HEAD.slice(0, 7)} is being planned`);
    await runScript('outdated', github);
    expect(calls).toEqual(['update 1']);
  });
});
