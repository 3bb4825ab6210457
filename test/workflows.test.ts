/**
 * The GitHub workflows cannot run here; parse them and check what would break them or make them
 * unsafe: job order, environments, concurrency, OIDC permissions, pinned actions, the npm scripts
 * they call, and that the role accounts match the environment configs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { environments } from '../environments';

const ROOT = join(__dirname, '..');
const read = (name: string) => readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8');
const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>);

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; if?: string; id?: string; env?: Record<string, string> }
interface Job {
  needs?: string | string[];
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: Record<string, string>[] } };
  steps: Step[];
}
interface Workflow { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> }

const planText = read('plan.yml');
const deployText = read('deploy.yml');
const plan = parse(planText) as Workflow;
const deploy = parse(deployText) as Workflow;
const envNames = environments.map((e) => e.name);

/** Every `npm run <script>` in a workflow's run steps. */
const npmRuns = (workflow: Workflow): string[] =>
  Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => [...(step.run ?? '').matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!)));

const usesOf = (workflow: Workflow, action: string): Step[] =>
  Object.values(workflow.jobs).flatMap((job) => job.steps.filter((step) => step.uses?.startsWith(`${action}@`)));

describe.each([
  ['plan.yml', planText, plan],
  ['deploy.yml', deployText, deploy],
] as const)('%s', (_name, text, workflow) => {
  it('pins every action to a full commit SHA with the tag in a comment', () => {
    const uses = text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(3);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('calls only npm scripts that exist', () => {
    const called = npmRuns(workflow);
    expect(called.length).toBeGreaterThan(0);
    for (const script of called) expect(scripts).toContain(script);
  });

  it('read-only token by default; Node 20 with the npm cache; Terraform 1.11 without its wrapper', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const step of usesOf(workflow, 'actions/setup-node')) expect(step.with).toEqual({ 'node-version': 20, cache: 'npm' });
    for (const step of usesOf(workflow, 'hashicorp/setup-terraform')) expect(step.with).toEqual({ terraform_version: '1.11.4', terraform_wrapper: false });
  });
});

describe('plan.yml', () => {
  it('runs on pull requests: tests first, then one plan per environment', () => {
    expect(Object.keys(plan.on)).toEqual(['pull_request']);
    expect(plan.jobs.test!.steps.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm test']);
    expect(plan.jobs.plan!.needs).toBe('test');
    expect(plan.jobs.plan!.strategy!.matrix.include.map((m) => m.environment)).toEqual(envNames);
  });

  it('assumes a role per environment in that environment\'s account, through OIDC', () => {
    expect(plan.jobs.plan!.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    for (const entry of plan.jobs.plan!.strategy!.matrix.include) {
      const env = environments.find((e) => e.name === entry.environment)!;
      expect(entry.role).toBe(`arn:aws:iam::${env.accountId}:role/event-driven-ecs-infra-plan`);
    }
    expect(usesOf(plan, 'aws-actions/configure-aws-credentials')[0]!.with).toMatchObject({ 'role-to-assume': '${{ matrix.role }}' });
    expect(planText).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
  });

  it('plans, summarizes with the marker the sticky comment looks for, and --fail-on-destroy for prod only', () => {
    const steps = plan.jobs.plan!.steps;
    expect(steps.find((s) => s.id === 'plan')!.run).toBe('npm run plan -- --env ${{ matrix.environment }}');
    const summary = steps.find((s) => s.id === 'summary')!.run!;
    expect(summary).toContain('npm run plan:summary -- plans/*.json');
    expect(summary).toContain('--marker plan-review:${{ matrix.environment }}');
    const comment = steps.find((s) => s.name === 'Sticky comment')!;
    expect(comment.env!.MARKER).toBe('<!-- plan-review:${{ matrix.environment }} -->');
    expect(String(comment.with!.script)).toContain('updateComment');
    expect(plan.jobs.plan!.strategy!.matrix.include.map((m) => [m.environment, m['summary-flags']])).toEqual([
      ['dev', ''],
      ['staging', ''],
      ['prod', '--fail-on-destroy'],
    ]);
    expect(steps.at(-1)!.if).toBe("${{ steps.plan.outcome == 'failure' || steps.summary.outcome == 'failure' }}");
  });
});

describe('deploy.yml', () => {
  it('runs on main: dev, then staging, then prod', () => {
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(Object.keys(deploy.jobs)).toEqual(envNames);
    expect(deploy.jobs.dev!.needs).toBeUndefined();
    expect(deploy.jobs.staging!.needs).toBe('dev');
    expect(deploy.jobs.prod!.needs).toBe('staging');
  });

  it.each(envNames)('%s: own environment, queued concurrency group, OIDC role of its account, deploys only its stacks', (name) => {
    const job = deploy.jobs[name]!;
    const env = environments.find((e) => e.name === name)!;
    expect(job.environment).toBe(name);
    expect(job.concurrency).toEqual({ group: `deploy-${name}`, 'cancel-in-progress': false });
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!.with).toMatchObject({
      'role-to-assume': `arn:aws:iam::${env.accountId}:role/event-driven-ecs-infra-deploy`,
      'aws-region': env.region,
    });
    expect(job.steps.at(-1)!.run).toBe(`npx cdktf deploy '${name}-*' --auto-approve --outputs-file cdktf-outputs.json`);
  });

  it('prod refuses deletes and replaces unless dispatched with allow-destroy', () => {
    const guard = deploy.jobs.prod!.steps.find((s) => s.name === 'Refuse destroys');
    expect(guard).toBeDefined();
    expect(guard!.if).toBe('${{ !inputs.allow-destroy }}');
    expect(guard!.run).toContain('npm run plan:summary -- plans/*.json --fail-on-destroy');
  });
});
