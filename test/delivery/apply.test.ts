/**
 * npm run apply applies exactly what was reviewed. With the real Terraform, on a synthesized-like
 * output of two stacks (a base whose output a service reads through terraform_remote_state, local
 * backends, only Terraform's built-in provider): the first deploy applies the base and defers the
 * service, the second round applies the service, and every saved plan that was not made from this
 * commit, for this stack, from this configuration is refused before anything is applied.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEnvironment, SavedPlanError } from '../../delivery/apply';
import { planEnvironment } from '../../delivery/plan';
import {
  ageProblem,
  changedOutputs,
  DEFERRED_NOTE_FILE,
  deferrals,
  PLAN_SET_FILE,
  planFilePath,
  planRecordPath,
  recordProblems,
  remoteOutputsRead,
  SAVED_PLAN_MAX_AGE_DAYS,
} from '../../delivery/saved-plans';
import { parseApplyArgs, runApply, USAGE } from '../../scripts/apply';
import { EXIT } from '../../tooling/cli';
import { runInProcess } from '../support/cli';
import { findTerraform, shortLivedTerraformProcesses } from '../support/terraform';

const terraform = findTerraform();
shortLivedTerraformProcesses();
const itWithTerraform = terraform ? it : it.skip;
if (!terraform) console.warn('apply.test: terraform not on PATH; the end-to-end cases are skipped');

const COMMIT = 'a'.repeat(40);

/** A stack as cdktf writes it: environment recorded, a local backend outside the output, resources of the built-in provider. */
function stackJson(env: string, name: string, body: Record<string, unknown>): Record<string, unknown> {
  return {
    '//': { metadata: { backend: 'local', stackName: name, version: '0.21.0', environment: env } },
    terraform: { backend: { local: { path: `../../state/${name}.tfstate` } } },
    ...body,
  };
}

/** demo-base (output `endpoint` from `value`), demo-svc (reads it), and other-base of another environment. */
function writeOutput(root: string, value: string): string {
  const out = join(root, 'cdktf.out');
  const stacks: Record<string, Record<string, unknown>> = {
    'demo-base': stackJson('demo', 'demo-base', {
      resource: { terraform_data: { endpoint: { input: value } } },
      output: { endpoint: { value: '${terraform_data.endpoint.output}' }, unchanged: { value: 'always' } },
    }),
    'demo-svc': stackJson('demo', 'demo-svc', {
      data: { terraform_remote_state: { base: { backend: 'local', config: { path: '../../state/demo-base.tfstate' } } } },
      resource: { terraform_data: { consumer: { input: '${data.terraform_remote_state.base.outputs.endpoint}' } } },
    }),
    'demo-eu-base': stackJson('demo-eu', 'demo-eu-base', { resource: { terraform_data: { x: { input: 'eu' } } } }),
  };
  const manifest = { version: '0.21.0', stacks: {} as Record<string, unknown> };
  for (const [name, json] of Object.entries(stacks)) {
    mkdirSync(join(out, 'stacks', name), { recursive: true });
    writeFileSync(join(out, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json, null, 2));
    manifest.stacks[name] = {
      name,
      constructPath: name,
      workingDirectory: `stacks/${name}`,
      synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
      dependencies: name === 'demo-svc' ? ['demo-base'] : [],
    };
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
  return out;
}

const quiet = () => undefined;
let root: string;
let errorSpy: jest.SpyInstance;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'apply-'));
  errorSpy = jest.spyOn(console, 'error').mockImplementation(quiet);
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

const plan = (out: string, saveDir: string, commit = COMMIT) => planEnvironment({ env: 'demo', binary: terraform!.binary, cdktfOut: out, outDir: join(root, 'plans'), saveDir, commit });
const apply = (out: string, plansDir: string, overrides: Partial<Parameters<typeof applyEnvironment>[0]> = {}) =>
  applyEnvironment({ env: 'demo', binary: terraform!.binary, cdktfOut: out, plansDir, commit: COMMIT, onCiRunner: false, ...overrides }, quiet);
const stateOf = (stack: string) => JSON.parse(readFileSync(join(root, 'cdktf.out', 'state', `${stack}.tfstate`), 'utf8'));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/**
 * The second round's starting point, copied into a test's root: the output at "v1", planned and
 * applied (the base; the service deferred), then planned again into `planned` (both applicable).
 * The first test passes through it and keeps it; without that test (a filtered run), it is made
 * here. Everything in it is relative to the root: state paths, plan records, plan files.
 */
let secondRound: string | undefined;
afterAll(() => secondRound && rmSync(secondRound, { recursive: true, force: true }));
function keepSecondRound(from: string, plannedDir: string): void {
  if (secondRound) return;
  const kept = mkdtempSync(join(tmpdir(), 'apply-second-round-'));
  cpSync(from, kept, { recursive: true });
  renameSync(join(kept, plannedDir), join(kept, 'planned'));
  secondRound = kept;
}
function startSecondRound(planned: string): string {
  if (!secondRound) {
    const made = mkdtempSync(join(tmpdir(), 'apply-second-round-'));
    const out = writeOutput(made, 'v1');
    const planInto = (saveDir: string) => planEnvironment({ env: 'demo', binary: terraform!.binary, cdktfOut: out, outDir: join(made, 'plans'), saveDir, commit: COMMIT });
    planInto(join(made, 'first'));
    applyEnvironment({ env: 'demo', binary: terraform!.binary, cdktfOut: out, plansDir: join(made, 'first'), commit: COMMIT, onCiRunner: false }, quiet);
    planInto(join(made, 'planned'));
    secondRound = made;
  }
  cpSync(secondRound, root, { recursive: true });
  renameSync(join(root, 'planned'), planned);
  return join(root, 'cdktf.out');
}

describe('first deploy, then the second round', () => {
  itWithTerraform(
    'applies the base, defers the service that reads its new output, then applies the service against it',
    () => {
      const out = writeOutput(root, 'v1');
      const round1 = join(root, 'round1');
      const planned = plan(out, round1);
      expect(planned.map((r) => [r.stack, r.deferredBy.map((d) => d.stack), r.error?.step])).toEqual([
        ['demo-base', [], undefined],
        // Its preview fails (no base state yet): expected for a deferred stack, so no error marker.
        ['demo-svc', ['demo-base'], 'plan'],
      ]);
      expect(existsSync(join(root, 'plans', 'demo-svc.error.json'))).toBe(false);
      expect(readFileSync(join(root, 'plans', DEFERRED_NOTE_FILE), 'utf8')).toContain('- `demo-svc`: `demo-base` — its plan changes output endpoint, read here');
      expect(readJson(join(round1, PLAN_SET_FILE))).toEqual({
        format: 1,
        environment: 'demo',
        commit: COMMIT,
        stacks: [
          { stack: 'demo-base', applicable: true },
          { stack: 'demo-svc', applicable: false },
        ],
        deferred: ['demo-svc'],
      });
      expect(existsSync(planFilePath(round1, 'demo-svc'))).toBe(false);

      const first = apply(out, round1);
      expect(first).toEqual({
        applied: ['demo-base'],
        deferred: [{ stack: 'demo-svc', deferredBy: [{ stack: 'demo-base', reason: 'its plan changes output endpoint, read here' }] }],
        notApplied: ['demo-svc'],
      });
      expect(existsSync(join(root, 'cdktf.out', 'state', 'demo-svc.tfstate'))).toBe(false);

      const round2 = join(root, 'round2');
      expect(plan(out, round2).map((r) => [r.stack, r.deferredBy.length, r.error])).toEqual([
        ['demo-base', 0, undefined],
        ['demo-svc', 0, undefined],
      ]);
      expect(existsSync(join(root, 'plans', DEFERRED_NOTE_FILE))).toBe(false);
      keepSecondRound(root, 'round2');
      expect(apply(out, round2)).toEqual({ applied: ['demo-base', 'demo-svc'], deferred: [], notApplied: [] });
      expect(stateOf('demo-svc').resources.find((r: { type: string }) => r.type === 'terraform_data').instances[0].attributes.output.value).toBe('v1');
      // The other environment's stack was neither planned nor applied.
      expect(existsSync(join(root, 'cdktf.out', 'state', 'demo-eu-base.tfstate'))).toBe(false);

      // A change of the output the service reads defers it again; its preview is shown, but not saved.
      writeOutput(root, 'v2');
      const round3 = join(root, 'round3');
      const third = plan(out, round3);
      expect(third.map((r) => [r.stack, r.deferredBy.length, r.error])).toEqual([
        ['demo-base', 0, undefined],
        ['demo-svc', 1, undefined],
      ]);
      // The preview read the old output: applied after the base, it would keep "v1". That is why it is never applied.
      expect(
        readJson(join(root, 'plans', 'demo-svc.json')).resource_changes.map((r: { change: { actions: string[]; after: { input: string } } }) => [r.change.actions, r.change.after.input]),
      ).toEqual([[['no-op'], 'v1']]);
      expect(readJson(planRecordPath(round3, 'demo-svc'))).toMatchObject({ applicable: false, deferredBy: [{ stack: 'demo-base' }] });
    },
    120_000,
  );

  itWithTerraform(
    'a plan made before another apply changed the state is refused by Terraform, and nothing after it runs',
    () => {
      const out = startSecondRound(join(root, 'r2'));
      writeOutput(root, 'v2');
      // The base changes again and is applied (its service deferred) before r2 is applied: r2's base plan is stale.
      plan(out, join(root, 'r3'));
      apply(out, join(root, 'r3'));
      writeOutput(root, 'v1');
      const stale = apply(out, join(root, 'r2'));
      expect(stale.failed).toMatchObject({ stack: 'demo-base', step: 'apply' });
      expect(stale.failed!.message).toMatch(/Saved plan is stale/);
      expect(stale.applied).toEqual([]);
      expect(stale.notApplied).toEqual(['demo-base', 'demo-svc']);
    },
    120_000,
  );
});

describe('refusals: nothing is applied', () => {
  const refused = (run: () => unknown): string[] => {
    try {
      run();
    } catch (error) {
      if (error instanceof SavedPlanError) return [...error.problems];
      throw error;
    }
    throw new Error('expected a SavedPlanError');
  };

  itWithTerraform(
    'a plan of another commit, of another stack, a changed plan file, a changed configuration, a missing record',
    () => {
      // The base exists, so the service is applicable in this plan.
      const saved = join(root, 'saved2');
      const out = startSecondRound(saved);
      const baseState = readFileSync(join(root, 'cdktf.out', 'state', 'demo-base.tfstate'), 'utf8');

      expect(refused(() => apply(out, saved, { commit: 'b'.repeat(40) }))).toEqual([
        `stack demo-base: the saved plan was made from commit "${COMMIT}"; this checkout is ${'b'.repeat(40)}`,
        `stack demo-svc: the saved plan was made from commit "${COMMIT}"; this checkout is ${'b'.repeat(40)}`,
      ]);

      const swapped = join(root, 'swapped');
      mkdirSync(swapped);
      for (const [from, to] of [
        ['demo-base', 'demo-svc'],
        ['demo-svc', 'demo-base'],
      ]) {
        copyFileSync(planFilePath(saved, from!), planFilePath(swapped, to!));
        copyFileSync(planRecordPath(saved, from!), planRecordPath(swapped, to!));
      }
      expect(refused(() => apply(out, swapped))).toEqual([
        'stack demo-base: the saved plan was made for stack "demo-svc", not this one',
        'stack demo-base: its synthesized configuration (cdk.tf.json) differs from the one that was planned',
        'stack demo-svc: the saved plan was made for stack "demo-base", not this one',
        'stack demo-svc: its synthesized configuration (cdk.tf.json) differs from the one that was planned',
      ]);

      copyFileSync(planFilePath(saved, 'demo-base'), join(root, 'base.tfplan'));
      writeFileSync(planFilePath(saved, 'demo-base'), Buffer.concat([readFileSync(join(root, 'base.tfplan')), Buffer.from('x')]));
      expect(refused(() => apply(out, saved))).toEqual(['stack demo-base: the plan file is not the one that was recorded (SHA-256 differs)']);
      copyFileSync(join(root, 'base.tfplan'), planFilePath(saved, 'demo-base'));

      const svcJson = join(out, 'stacks', 'demo-svc', 'cdk.tf.json');
      const original = readFileSync(svcJson, 'utf8');
      writeFileSync(svcJson, original.replace('"consumer"', '"consumer2"'));
      expect(refused(() => apply(out, saved))).toEqual(['stack demo-svc: its synthesized configuration (cdk.tf.json) differs from the one that was planned']);
      writeFileSync(svcJson, original);

      // Older than the state bucket keeps saved plans: refused, whoever kept a copy.
      const later = (days: number) => () => new Date(Date.now() + days * 24 * 60 * 60 * 1000);
      expect(refused(() => apply(out, saved, { now: later(SAVED_PLAN_MAX_AGE_DAYS + 1) }))).toEqual(
        ['demo-base', 'demo-svc'].map((stack) =>
          expect.stringMatching(
            new RegExp(`^stack ${stack}: the saved plan was made \\S+Z, ${SAVED_PLAN_MAX_AGE_DAYS + 1} days ago; saved plans expire after ${SAVED_PLAN_MAX_AGE_DAYS} days`),
          ),
        ),
      );

      rmSync(planRecordPath(saved, 'demo-svc'));
      expect(refused(() => apply(out, saved))).toEqual([`stack demo-svc: no saved plan in ${saved} (make one with npm run plan -- --env demo --save ${saved})`]);

      expect(refused(() => apply(out, saved, { onCiRunner: true }))).toEqual([
        'stack demo-base: keeps its state in a local backend, which a CI runner loses when the job ends; give environment demo a stateBackend (docs/plan-and-deploy.md)',
        'stack demo-svc: keeps its state in a local backend, which a CI runner loses when the job ends; give environment demo a stateBackend (docs/plan-and-deploy.md)',
      ]);
      expect(readFileSync(join(root, 'cdktf.out', 'state', 'demo-base.tfstate'), 'utf8')).toBe(baseState);
    },
    120_000,
  );
});

describe('the rules, one by one', () => {
  it('reads which outputs of which stacks a stack reads, from S3 keys and local paths', () => {
    const reads = remoteOutputsRead({
      data: {
        terraform_remote_state: {
          base: { backend: 's3', config: { bucket: 'b', key: 'dev/dev-base.tfstate' } },
          'cross-stack-reference-input-dev-monitoring': { backend: 'local', config: { path: '../../../.terraform-state/dev-monitoring.tfstate' } },
          whole: { backend: 's3', config: { key: 'dev/dev-other.tfstate' } },
          unused: { backend: 's3', config: { key: 'dev/dev-unused.tfstate' } },
        },
      },
      resource: {
        x: { a: { arn: '${data.terraform_remote_state.base.outputs.cluster_arn}', subnets: '${element(data.terraform_remote_state.base.outputs.private_subnet_ids, 0)}' } },
        y: { b: { topic: '${data.terraform_remote_state.cross-stack-reference-input-dev-monitoring.outputs.cross-stack-output-aws_sns_topicalarmsarn}' } },
        z: { c: { all: '${jsonencode(data.terraform_remote_state.whole.outputs)}' } },
      },
    });
    expect(Object.fromEntries([...reads].map(([stack, outputs]) => [stack, [...outputs].sort()]))).toEqual({
      'dev-base': ['cluster_arn', 'private_subnet_ids'],
      'dev-monitoring': ['cross-stack-output-aws_sns_topicalarmsarn'],
      'dev-other': ['*'],
      'dev-unused': [],
    });
  });

  it('changed outputs: every output change that is not a no-op', () => {
    expect(
      changedOutputs({
        output_changes: {
          same: { actions: ['no-op'] },
          new: { actions: ['create'] },
          moved: { actions: ['update'] },
          gone: { actions: ['delete'] },
          odd: {},
        },
      }),
    ).toEqual(['gone', 'moved', 'new', 'odd']);
    expect(changedOutputs({})).toEqual([]);
  });

  it('defers a stack only for what it reads: a changed output it reads, a failed or deferred dependency', () => {
    const reads = new Map([
      ['dev-base', new Set(['cluster_arn'])],
      ['dev-monitoring', new Set(['*'])],
    ]);
    expect(deferrals(reads, new Map([['dev-base', { kind: 'planned', changedOutputs: ['vpc_id'] }]]))).toEqual([]);
    expect(deferrals(reads, new Map([['dev-base', { kind: 'planned', changedOutputs: ['cluster_arn', 'vpc_id'] }]]))).toEqual([
      { stack: 'dev-base', reason: 'its plan changes output cluster_arn, read here' },
    ]);
    expect(deferrals(reads, new Map([['dev-monitoring', { kind: 'planned', changedOutputs: ['a', 'b'] }]]))).toEqual([
      { stack: 'dev-monitoring', reason: 'its plan changes outputs a, b, read here' },
    ]);
    expect(deferrals(reads, new Map([['dev-monitoring', { kind: 'planned', changedOutputs: [] }]]))).toEqual([]);
    expect(deferrals(reads, new Map([['dev-base', { kind: 'failed' }]]))).toEqual([{ stack: 'dev-base', reason: 'its plan failed' }]);
    expect(deferrals(reads, new Map([['dev-base', { kind: 'deferred' }]]))).toEqual([{ stack: 'dev-base', reason: 'it is planned again after its own dependencies are applied' }]);
    expect(deferrals(reads, new Map([['dev-other', { kind: 'failed' }]]))).toEqual([]);
  });

  it('record problems name the stack and what differs', () => {
    const now = new Date('2026-03-15T12:00:00.000Z');
    const expected = { stack: 's', environment: 'dev', commit: 'c', configSha256: 'x', planSha256: 'p' };
    const record = { format: 1, stack: 's', environment: 'dev', commit: 'c', createdAt: '2026-03-14T12:00:00.000Z', configSha256: 'x', planSha256: 'p', applicable: true, deferredBy: [] };
    expect(recordProblems(record, expected, now)).toEqual([]);
    expect(recordProblems({ ...record, environment: 'prod' }, expected, now)).toEqual(['stack s: the saved plan was made for environment "prod", not dev']);
    expect(recordProblems({ ...record, format: 2 }, expected, now)).toEqual(['stack s: the plan record is not one written by npm run plan --save (format 1)']);
    expect(recordProblems(null, expected, now)).toEqual(['stack s: the plan record is not one written by npm run plan --save (format 1)']);
    const { planSha256: _plan, ...withoutPlan } = expected;
    expect(recordProblems({ ...record, planSha256: 'other' }, withoutPlan, now)).toEqual([]);
    const { createdAt: _created, ...undated } = record;
    expect(recordProblems(undated, expected, now)).toEqual(['stack s: the plan record does not say when the plan was made (createdAt): plan again']);
  });

  it('a saved plan may be applied up to SAVED_PLAN_MAX_AGE_DAYS after it was made, not a moment later, and not from the future', () => {
    expect(SAVED_PLAN_MAX_AGE_DAYS).toBe(14);
    const made = '2026-03-01T08:00:00.000Z';
    const at = (iso: string) => new Date(iso);
    expect(ageProblem(made, at('2026-03-01T08:00:00.000Z'))).toBeUndefined();
    expect(ageProblem(made, at('2026-03-15T08:00:00.000Z'))).toBeUndefined();
    expect(ageProblem(made, at('2026-03-15T08:00:00.001Z'))).toBe(
      'the saved plan was made 2026-03-01T08:00:00.000Z, 14 days ago; saved plans expire after 14 days (they hold secrets, and the state has moved on): plan again and review the new plan',
    );
    expect(ageProblem(made, at('2026-04-01T08:00:00.000Z'))).toMatch(/, 31 days ago;/);
    expect(ageProblem(made, at('2026-03-01T07:55:00.000Z'))).toBeUndefined();
    expect(ageProblem(made, at('2026-03-01T07:54:59.999Z'))).toBe("the saved plan says it was made 2026-03-01T08:00:00.000Z, in the future: check this machine's clock, or plan again");
    for (const bad of [undefined, 42, '', 'yesterday', '2026-03-01', '2026-03-01T08:00:00+01:00']) {
      expect(ageProblem(bad, at(made))).toBe('the plan record does not say when the plan was made (createdAt): plan again');
    }
  });
});

describe('the command line', () => {
  const run = (argv: string[], env: NodeJS.ProcessEnv) => runInProcess(() => ({ name: 'apply', usage: USAGE, run: (a) => runApply(a, env) }), argv);

  it('needs --env and --plans', () => {
    expect(parseApplyArgs(['--env=dev', '--plans=p'])).toEqual({ env: 'dev', plansDir: 'p', synth: true, cdktfOut: 'cdktf.out' });
    expect(() => parseApplyArgs(['--env', 'dev'])).toThrow('--plans is required: the directory npm run plan -- --save wrote');
    expect(() => parseApplyArgs(['--plans', 'p'])).toThrow('--env is required');
  });

  it("exit 2 with the shared preflight's message when the binary is missing, before anything else", async () => {
    const result = await run(['--env', 'dev', '--plans', 'p'], { PATH: root, HOME: root, TERRAFORM_BINARY_NAME: 'no-such-terraform' });
    expect(result).toEqual({
      code: EXIT.usage,
      stdout: '',
      stderr: 'apply: Terraform binary "no-such-terraform" (from TERRAFORM_BINARY_NAME) was not found on PATH. Install it, or unset TERRAFORM_BINARY_NAME to use "terraform".\n',
    });
  });

  itWithTerraform('exit 2 when AWS credentials are missing', async () => {
    const bin = join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'terraform'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const result = await run(['--env', 'dev', '--plans', 'p'], { PATH: bin, HOME: root });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/^apply: No AWS credentials found for environment dev\. /);
    expect(errorSpy).not.toHaveBeenCalledWith(expect.stringContaining('synthesizing'));
  });
});
