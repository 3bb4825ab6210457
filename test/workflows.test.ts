/**
 * The GitHub workflows cannot run here; parse them and check what would break them or make them
 * unsafe: job order, environments, concurrency, OIDC roles and their accounts, pinned actions on
 * Node 24, the npm scripts they call, where state lives, and that no raw plan leaves the runner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CI_ROLE_NAMES, roleArn } from '../core/ci-roles';
import { environments } from '../environments';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
  id?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: Record<string, string>[] } };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOW_FILES = readdirSync(join(ROOT, '.github', 'workflows'))
  .filter((file) => file.endsWith('.yml'))
  .map((file) => `.github/workflows/${file}`);
const ACTION_FILES = ['.github/actions/setup/action.yml'];
const plan = parse(read('.github/workflows/plan.yml')) as Workflow;
const planComment = parse(read('.github/workflows/plan-comment.yml')) as Workflow;
const deploy = parse(read('.github/workflows/deploy.yml')) as Workflow;
const deployEnvironment = parse(read('.github/workflows/deploy-environment.yml')) as Workflow;
const verify = parse(read('.github/workflows/verify.yml')) as Workflow & { jobs: Record<string, Job & { env?: Record<string, string>; 'timeout-minutes'?: number }> };
const setupAction = parse(read('.github/actions/setup/action.yml')) as { runs: { steps: Step[] } };
const envNames = environments.map((e) => e.name);
const byName = (name: string) => environments.find((env) => env.name === name)!;

/** Every `npm run <script>` in a workflow's run steps. */
const npmRuns = (workflow: Workflow): string[] =>
  Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).flatMap((step) => [...(step.run ?? '').matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!)));
const stepsUsing = (steps: readonly Step[], action: string): Step[] => steps.filter((step) => step.uses?.startsWith(`${action}@`));
const allSteps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

/**
 * The first major of each action that runs on Node 24 (`runs.using: node24`), from the actions'
 * release notes: checkout and setup-node v5, configure-aws-credentials v6 (v5 still ran on Node 20),
 * upload-artifact v6 and download-artifact v7 (their v5/v6 only allowed Node 24), github-script v8,
 * setup-terraform v4.
 */
const NODE24_MAJOR: Readonly<Record<string, number>> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'aws-actions/configure-aws-credentials': 6,
  'actions/upload-artifact': 6,
  'actions/download-artifact': 7,
  'actions/github-script': 8,
  'hashicorp/setup-terraform': 4,
  'actions/setup-go': 6,
};

describe.each([...WORKFLOW_FILES, ...ACTION_FILES])('%s', (file) => {
  const text = read(file);
  it('pins every action to a full commit SHA, with its release in a comment, at a major that runs on Node 24', () => {
    const uses = text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line) && !/uses: \.\//.test(line));
    // deploy.yml only calls the reusable workflow; every other file uses actions.
    expect(uses.length > 0).toBe(!file.endsWith('/deploy.yml'));
    for (const line of uses) {
      const match = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # v(\d+)\.\d+\.\d+$/.exec(line);
      expect({ line, pinned: match !== null }).toEqual({ line, pinned: true });
      const [, action, , major] = match!;
      expect({ action, known: action! in NODE24_MAJOR }).toEqual({ action, known: true });
      expect({ action, major: Number(major) >= NODE24_MAJOR[action!]! }).toEqual({ action, major: true });
    }
  });
});

describe('every workflow', () => {
  it('calls only npm scripts that exist; read-only token by default; Node from .nvmrc; Terraform 1.11 without its wrapper', () => {
    for (const workflow of [plan, planComment, deploy, deployEnvironment, verify]) {
      for (const script of npmRuns(workflow)) expect(scripts).toContain(script);
      expect(workflow.permissions).toEqual({ contents: 'read' });
      // Node is set up only through the shared action, which reads the version from .nvmrc.
      expect(stepsUsing(allSteps(workflow), 'actions/setup-node')).toEqual([]);
    }
    expect(read('.nvmrc').trim()).toMatch(/^(2[4-9]|[3-9]\d)$/);
    expect(stepsUsing(setupAction.runs.steps, 'actions/setup-node').map((s) => s.with)).toEqual([{ 'node-version-file': '.nvmrc', cache: 'npm' }]);
    expect(stepsUsing(setupAction.runs.steps, 'hashicorp/setup-terraform').map((s) => s.with)).toEqual([{ terraform_version: '1.11.4', terraform_wrapper: false }]);
  });

  it('never puts an expression into a shell script (values reach run steps through env)', () => {
    for (const workflow of [plan, planComment, deploy, deployEnvironment, verify]) {
      for (const step of allSteps(workflow)) expect({ run: step.run ?? '', expression: (step.run ?? '').includes('${{') }).toEqual({ run: step.run ?? '', expression: false });
    }
  });
});

describe('state that survives CI', () => {
  const planned = () => plan.jobs.plan!.strategy!.matrix.include.map((entry) => entry.environment!);
  const deployed = () => Object.values(deploy.jobs).map((job) => job.with!.environment!);

  it('every environment a workflow plans or deploys keeps its state in S3, and the deploy names its bucket', () => {
    expect(planned()).toEqual(envNames);
    expect(deployed()).toEqual(envNames);
    for (const name of new Set([...planned(), ...deployed()])) {
      expect({ name, stateBackend: byName(name).stateBackend !== undefined }).toEqual({ name, stateBackend: true });
    }
    for (const job of Object.values(deploy.jobs)) {
      const env = byName(job.with!.environment!);
      expect(job.with).toMatchObject({ 'state-bucket': env.stateBackend!.bucket, 'state-region': env.stateBackend!.region ?? env.region });
    }
  });
});

describe('verify.yml', () => {
  const job = verify.jobs.verify!;

  it('runs npm run verify on pull requests, with no AWS credentials (the emulator is on the runner)', () => {
    expect(Object.keys(verify.on)).toEqual(['pull_request']);
    expect(job.permissions).toBeUndefined();
    expect(read('.github/workflows/verify.yml')).not.toMatch(/id-token|configure-aws-credentials|secrets\./);
    expect(job.steps.map((s) => s.run).filter(Boolean)).toEqual(['bash verify/bootstrap-tools.sh', 'npm run verify']);
    expect(job.steps.findIndex((s) => s.uses === './.github/actions/setup')).toBeLessThan(job.steps.findIndex((s) => s.run === 'npm run verify'));
  });

  it('takes the online path: the provider from the registry, never built; Go for the other tools, uncached', () => {
    expect(job.env).toEqual({ VERIFY_PROVIDER_SOURCE: 'registry' });
    expect(stepsUsing(job.steps, 'actions/setup-go').map((s) => s.with)).toEqual([{ 'go-version': '1.26', cache: false }]);
    expect(job['timeout-minutes']).toBeLessThanOrEqual(90);
  });
});

describe('mutation.yml', () => {
  const mutation = parse(read('.github/workflows/mutation.yml')) as Workflow & { jobs: Record<string, Job & { 'timeout-minutes'?: number }> };
  const job = mutation.jobs.mutation!;

  it('tests every module afresh each week and on demand, with a read-only token and no cache, and keeps the report', () => {
    expect(mutation.on).toEqual({ schedule: [{ cron: '17 3 * * 1' }], workflow_dispatch: null });
    expect(mutation.permissions).toEqual({ contents: 'read' });
    expect(job.permissions).toBeUndefined();
    expect(job.steps.map((s) => s.run).filter(Boolean)).toEqual(['npm run test:mutation -- --force']);
    // Nothing kept from an earlier run: no cache action, so --force and a bare runner agree.
    expect(allSteps(mutation).filter((step) => step.uses?.startsWith('actions/cache'))).toEqual([]);
    expect(stepsUsing(job.steps, 'actions/upload-artifact').map((s) => [s.if, s.with])).toEqual([['always()', { name: 'mutation-report', path: 'reports/mutation/', 'retention-days': 30 }]]);
    expect(job['timeout-minutes']).toBeGreaterThanOrEqual(120);
  });
});

describe('plan.yml', () => {
  it('runs on pull requests: tests first, then one plan per environment', () => {
    expect(Object.keys(plan.on)).toEqual(['pull_request']);
    expect(plan.jobs.test!.steps.map((s) => s.run).filter(Boolean)).toEqual(['npm test']);
    expect(plan.jobs.plan!.needs).toBe('test');
  });

  it("assumes the plan role of each environment's account, through OIDC", () => {
    expect(plan.jobs.plan!.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    for (const entry of plan.jobs.plan!.strategy!.matrix.include) {
      const env = byName(entry.environment!);
      expect(entry).toMatchObject({ role: roleArn(env.accountId, CI_ROLE_NAMES.plan), region: env.region });
    }
    expect(stepsUsing(plan.jobs.plan!.steps, 'aws-actions/configure-aws-credentials')[0]!.with).toMatchObject({ 'role-to-assume': '${{ matrix.role }}' });
    expect(plan.jobs.plan!.environment).toBeUndefined(); // the token's sub must stay `…:pull_request`
  });

  it("plans, summarizes below the comment limit with the poster's header, and --fail-on-destroy for prod only", () => {
    const steps = plan.jobs.plan!.steps;
    expect(steps.find((s) => s.id === 'plan')!.run).toBe('npm run plan -- --env "$ENVIRONMENT"');
    const summary = steps.find((s) => s.id === 'summary')!.run!;
    expect(summary).toContain('npm run plan:summary -- plans/*.json');
    // plan-comment.yml caps the summary at 60,000 characters and adds its own marker and header.
    expect(summary).toContain('--max-chars 60000');
    expect(summary).not.toContain('--marker');
    expect(plan.jobs.plan!.strategy!.matrix.include.map((m) => [m.environment, m['summary-flags']])).toEqual([
      ['dev', ''],
      ['staging', ''],
      ['prod', '--fail-on-destroy'],
    ]);
    expect(steps.at(-1)!.if).toBe("${{ steps.plan.outcome == 'failure' || steps.summary.outcome == 'failure' }}");
  });
});

describe("trust boundary: the pull request's code never holds a token that writes to pull requests", () => {
  const WRITE = /write/;
  it("no job of plan.yml (the PR's own copy runs) may write anything but an OIDC token, nor call GitHub's API", () => {
    expect(plan.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(plan.jobs)) {
      const writes = Object.entries(job.permissions ?? {})
        .filter(([, level]) => WRITE.test(level))
        .map(([scope]) => scope);
      expect({ id, writes }).toEqual({ id, writes: id === 'plan' ? ['id-token'] : [] });
      expect({ id, githubScript: stepsUsing(job.steps, 'actions/github-script').length }).toEqual({ id, githubScript: 0 });
    }
  });

  it("no workflow runs on pull_request_target (it would hand the PR's code the write token)", () => {
    for (const file of WORKFLOW_FILES) {
      const on = (parse(read(file)) as Workflow).on;
      expect({ file, target: Object.keys(on).includes('pull_request_target') }).toEqual({ file, target: false });
    }
  });

  it('plan-comment.yml runs from the default branch after plan, and never checks out, installs or runs code', () => {
    expect(planComment.on).toEqual({ workflow_run: { workflows: [(parse(read('.github/workflows/plan.yml')) as { name: string }).name], types: ['requested', 'completed'] } });
    expect(Object.keys(planComment.jobs)).toEqual(['outdated', 'comment']);
    for (const job of Object.values(planComment.jobs)) {
      for (const step of job.steps) {
        expect({ step: step.name ?? step.uses, run: step.run }).toEqual({ step: step.name ?? step.uses, run: undefined });
        const action = step.uses!.split('@')[0]!;
        expect(['actions/github-script', 'actions/download-artifact']).toContain(action);
      }
    }
    expect(planComment.jobs.outdated!.permissions).toEqual({ 'pull-requests': 'write' });
    expect(planComment.jobs.comment!.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    expect(planComment.jobs.outdated!.if).toContain("github.event.action == 'requested'");
    expect(planComment.jobs.comment!.if).toContain("github.event.action == 'completed'");
    for (const job of Object.values(planComment.jobs)) expect(job.if).toContain('github.event.workflow_run.head_repository.full_name == github.repository');
  });

  it('posts only the summaries of the planning run it follows, for exactly the environments plan.yml plans', () => {
    const steps = planComment.jobs.comment!.steps;
    expect(stepsUsing(steps, 'actions/download-artifact').map((s) => s.with)).toEqual([
      { pattern: 'plan-summary-*', path: 'untrusted-summaries', 'run-id': '${{ github.event.workflow_run.id }}', 'github-token': '${{ github.token }}' },
    ]);
    const post = stepsUsing(steps, 'actions/github-script')[0]!;
    expect(post.env!.ENVIRONMENTS!.split(' ')).toEqual(plan.jobs.plan!.strategy!.matrix.include.map((m) => m.environment));
    expect(post.env!.SUMMARY_DIR).toBe('untrusted-summaries');
  });
});

describe('no raw plan leaves a runner', () => {
  it('artifacts hold the rendered summary and the deferred note only, never plans/ nor saved plans', () => {
    const uploads = [...allSteps(plan), ...allSteps(deployEnvironment)].filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.length).toBe(3);
    for (const upload of uploads) {
      const paths = String(upload.with!.path)
        .trim()
        .split('\n')
        .map((p) => p.trim());
      expect(paths).toEqual(['plan-summary.md', 'plans/deferred.md']);
    }
    // Workflows that handle plans never cache or pass files between jobs through artifacts (images.yml
    // passes built images, which hold no plan, and is checked by test/images/workflow.test.ts).
    // plan-comment.yml downloads the rendered summaries only, and runs no code: checked above.
    const planWorkflows = WORKFLOW_FILES.filter((file) => !['.github/workflows/images.yml', '.github/workflows/plan-comment.yml'].includes(file));
    expect(planWorkflows).toEqual(expect.arrayContaining(['.github/workflows/plan.yml', '.github/workflows/deploy-environment.yml']));
    for (const file of planWorkflows) expect(read(file)).not.toMatch(/actions\/(cache|download-artifact)@/);
  });

  it("saved plans go to the environment's state bucket under saved-plans/<env>/<run>/, written by the plan job, read by the apply job", () => {
    const copies = allSteps(deployEnvironment).filter((s) => s.run?.includes('aws s3 cp'));
    expect(copies.map((s) => s.run!.split('\n')[0])).toEqual([
      'aws s3 cp --recursive --only-show-errors --region "$STATE_REGION" saved-plans/ "s3://$STATE_BUCKET/saved-plans/$ENVIRONMENT/$RUN_ID/round-1/"',
      'aws s3 cp --recursive --only-show-errors --region "$STATE_REGION" "s3://$STATE_BUCKET/saved-plans/$ENVIRONMENT/$RUN_ID/round-1/" saved-plans/',
      'aws s3 cp --recursive --only-show-errors --region "$STATE_REGION" saved-plans/ "s3://$STATE_BUCKET/saved-plans/$ENVIRONMENT/$RUN_ID/round-2/"',
      'aws s3 cp --recursive --only-show-errors --region "$STATE_REGION" "s3://$STATE_BUCKET/saved-plans/$ENVIRONMENT/$RUN_ID/round-2/" saved-plans/',
    ]);
  });
});

describe('deploy.yml', () => {
  it('runs on main: dev, then staging, then prod, each holding its own queued concurrency group for plan, approval and apply', () => {
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(Object.keys(deploy.jobs)).toEqual(envNames);
    expect(Object.values(deploy.jobs).map((job) => job.needs)).toEqual([undefined, 'dev', 'staging']);
    for (const [name, job] of Object.entries(deploy.jobs)) {
      const env = byName(name);
      expect(job.uses).toBe('./.github/workflows/deploy-environment.yml');
      expect(job.concurrency).toEqual({ group: `deploy-${name}`, 'cancel-in-progress': false });
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      expect(job.with).toMatchObject({ environment: name, 'account-id': env.accountId, region: env.region });
    }
  });

  it('prod refuses deletes and replaces that lose data unless dispatched with allow-destroy', () => {
    expect(deploy.jobs.prod!.with!['summary-flags']).toBe("${{ !inputs.allow-destroy && '--fail-on-destroy' || '' }}");
    expect([deploy.jobs.dev!.with!['summary-flags'], deploy.jobs.staging!.with!['summary-flags']]).toEqual(['', '']);
  });
});

describe('deploy-environment.yml: plan once, approve, apply exactly those plans', () => {
  const jobs = deployEnvironment.jobs;
  const role = (job: Job) => String(stepsUsing(job.steps, 'aws-actions/configure-aws-credentials')[0]!.with!['role-to-assume']);
  const runs = (job: Job) => job.steps.map((s) => s.run).filter((run): run is string => run !== undefined && /npm run (plan|apply)/.test(run));

  it('plans with the release-plan role outside any environment, then applies with the deploy role inside the environment', () => {
    expect(Object.keys(jobs)).toEqual(['plan', 'apply', 'plan-again', 'apply-again']);
    for (const id of ['plan', 'plan-again']) {
      expect(jobs[id]!.environment).toBeUndefined(); // sub `…:ref:refs/heads/main`
      expect(role(jobs[id]!)).toBe(`arn:aws:iam::\${{ inputs.account-id }}:role/${CI_ROLE_NAMES.releasePlan}`);
      expect(runs(jobs[id]!)).toEqual(['npm run plan -- --env "$ENVIRONMENT" --save saved-plans', expect.stringMatching(/^npm run plan:summary -- plans\/\*\.json \$SUMMARY_FLAGS /)]);
    }
    for (const id of ['apply', 'apply-again']) {
      expect(jobs[id]!.environment).toBe('${{ inputs.environment }}'); // sub `…:environment:<env>`, after approval
      expect(role(jobs[id]!)).toBe(`arn:aws:iam::\${{ inputs.account-id }}:role/${CI_ROLE_NAMES.deploy}`);
      expect(runs(jobs[id]!)).toEqual(['npm run apply -- --env "$ENVIRONMENT" --plans saved-plans']);
      // Right before the apply, every image the task definitions will run must exist.
      const steps = jobs[id]!.steps.map((s) => s.run);
      expect(steps.indexOf('npm run images:check -- --env "$ENVIRONMENT"')).toBe(steps.indexOf('npm run apply -- --env "$ENVIRONMENT" --plans saved-plans') - 1);
    }
    expect(jobs.apply!.needs).toBe('plan');
    expect(jobs['plan-again']).toMatchObject({ needs: ['plan', 'apply'], if: "${{ needs.plan.outputs.deferred == 'true' }}" });
    expect(jobs['apply-again']!.needs).toBe('plan-again');
    expect(jobs.plan!.outputs).toEqual({ deferred: '${{ steps.saved.outputs.deferred }}' });
  });

  it('shows the rendered summary on the run page, where the approval is given', () => {
    for (const id of ['plan', 'plan-again']) {
      expect(jobs[id]!.steps.find((s) => s.name === 'Job summary (what the approver reads)')!.run).toContain('cat plan-summary.md >> "$GITHUB_STEP_SUMMARY"');
    }
  });
});
