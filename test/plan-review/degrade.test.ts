/**
 * Big and odd plans still give a summary: a 3.5 MB plan rewriting 40 state machines, plans nested
 * 20,000 levels deep or with malformed output_changes (a clear error and exit 2, not the finding
 * code 1), failing check blocks, and failed plans (exit 1 after the summary is written).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan, PlanFormatError } from '../../plan-review';
import { FIXTURES, fixturePlan, render } from './helpers';
import { runSummary, USAGE } from '../../scripts/plan-summary';
import { TS_NODE_ARGS } from '../../tooling/synth';
import { runInProcess } from '../support/cli';

const ROOT = join(__dirname, '..', '..');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plan-degrade-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

/** plan:summary's entry point in this process (runCommand with runSummary), outside GitHub Actions. */
const summarize = (args: string[]) => runInProcess((io) => ({ name: 'plan:summary', usage: USAGE, run: (argv) => runSummary(argv, {}, io) }), args);

/** An ASL document of `states` Task states; `version` changes every state. */
const asl = (version: string, states: number): string =>
  JSON.stringify({
    Comment: `booking saga ${version}`,
    StartAt: 's0',
    States: Object.fromEntries(
      Array.from({ length: states }, (_, i) => [
        `s${i}`,
        {
          Type: 'Task',
          Resource: 'arn:aws:states:::ecs:runTask.sync',
          Arguments: {
            Cluster: `arn:aws:ecs:ap-southeast-1:111111111111:cluster/dev-${version}`,
            TaskDefinition: `arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-seat-${i}:${version}`,
          },
          ...(i + 1 < states ? { Next: `s${i + 1}` } : { End: true }),
        },
      ]),
    ),
  });

/** 40 state machines whose definitions are rewritten from first line to last. */
const bigPlan = {
  format_version: '1.2',
  resource_changes: Array.from({ length: 40 }, (_, k) => ({
    address: `module.saga.aws_sfn_state_machine.machine_${k}`,
    mode: 'managed',
    type: 'aws_sfn_state_machine',
    name: `machine_${k}`,
    change: { actions: ['update'], before: { definition: asl('v1', 200) }, after: { definition: asl('v2', 200) }, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
  })),
};

describe('a 3.5 MB plan rewriting 40 state machines', () => {
  const text = JSON.stringify(bigPlan);
  // One run of the command, as CI runs it, read by both tests below. A process, not this one:
  // rendering this plan costs about three times the CPU inside Jest's module sandbox.
  let run: { status: number | null; stderr: string; markdown: string };
  beforeAll(() => {
    const out = join(dir, 'big.md');
    const result = spawnSync(process.execPath, [...TS_NODE_ARGS, join(ROOT, 'scripts', 'plan-summary.ts'), write('dev-saga.json', text), '--out', out, '--title', 'dev'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: dir },
      encoding: 'utf8',
    });
    run = { status: result.status, stderr: result.stderr, markdown: existsSync(out) ? readFileSync(out, 'utf8') : '' };
  }, 60_000);

  it('is the size the issue reports', () => {
    expect(text.length).toBeGreaterThan(3_500_000);
  });

  it('gives a summary that fits, lists every machine, and says what was cut', () => {
    const summary = run.markdown;
    expect(summary.length).toBeLessThanOrEqual(65_000);
    expect(summary).toContain("> ℹ️ **Shortened** to fit GitHub's comment size limit: diffs cut to 25 lines");
    for (let k = 0; k < 40; k++) expect(summary).toContain(`\`module.saga.aws_sfn_state_machine.machine_${k}\``);
    expect(summary).toContain('(first 25 of ');
    expect(summary).toContain('more diff lines not shown (comment size limit)');
    expect(summary.split('\n')[2]).toBe('⚠️ **Review**: 40 state machine definition changes.');
  });

  it('plan:summary writes it and exits 0', () => {
    expect(run.stderr).toMatch(/^plan summary written to .*big\.md \(\d+ characters, shortened to fit\)\n$/);
    expect(run.status).toBe(0);
    expect(run.markdown.length).toBeGreaterThan(0);
  });
});

describe('unusable plans: a clear error, exit 2 (not the finding code 1), and the summary still written', () => {
  const nested = (depth: number): string =>
    `{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["update"],"before":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}]}`;

  it('20,000 levels of nesting', async () => {
    expect(() => parsePlan(JSON.parse(nested(20_000)), 'dev-deep')).toThrow(
      new PlanFormatError('dev-deep: the plan nests deeper than 256 levels; no Terraform plan does, refusing to read it'),
    );
    const out = join(dir, 'deep.md');
    const result = await summarize([write('dev-deep.json', nested(20_000)), fixtureFile('update'), '--out', out, '--fail-on-destroy']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`plan:summary: ${join(dir, 'dev-deep.json')}: dev-deep: the plan nests deeper than 256 levels`);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('❌ **Plan failed** for `dev-deep`');
    expect(markdown).toContain(`- \`dev-deep\`: plan file \`${join(dir, 'dev-deep.json')}\` could not be used`);
    expect(markdown).toContain('| `update` | · | 1 | · | · | ✅ |');
  });

  it('a plan nested as deep as real ones is read', () => {
    expect(parsePlan(JSON.parse(nested(200)), 'dev-ok').changes).toHaveLength(1);
  });

  it.each([
    ['a change without actions', { x: {} }, 'dev-out: output_changes.x: expected "change.actions" to be a list of strings'],
    ['a null change', { x: null }, 'dev-out: output_changes.x: expected "change.actions" to be a list of strings'],
    ['a list instead of an object', [], 'dev-out: "output_changes" must be an object of output names to changes'],
    ['actions that are not strings', { x: { actions: [1] } }, 'dev-out: output_changes.x: expected "change.actions" to be a list of strings'],
  ])('malformed output_changes: %s', async (_what, outputChanges, message) => {
    const plan = { format_version: '1.2', resource_changes: [], output_changes: outputChanges };
    expect(() => parsePlan(plan, 'dev-out')).toThrow(new PlanFormatError(message));
    const result = await summarize([write('dev-out.json', plan)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`plan:summary: ${join(dir, 'dev-out.json')}: ${message}\n`);
    expect(result.stdout).toContain('❌ **Plan failed** for `dev-out`');
  });

  it('malformed fields of a resource change are errors, not crashes', async () => {
    const change = (extra: object) => ({ format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['delete'] }, ...extra }] });
    expect(() => parsePlan(change({ deposed: {} }), 'x')).toThrow('x: resource_changes[0] (a.b): "deposed" must be a string');
    expect(() => parsePlan({ format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['delete'], replace_paths: 'name' } }] }, 'x')).toThrow(
      'x: resource_changes[0] (a.b): "change.replace_paths" must be a list of paths (lists of names and indexes)',
    );
    const marker = write('dev-marker.error.json', { kind: 'stack-error', stack: 'dev-marker', step: {}, exitCode: 'x', message: 1 });
    const result = await summarize([marker]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a stack error marker needs "stack", "step" and "message" strings and an integer or null "exitCode"');
  });

  it('a file that is not JSON', async () => {
    const result = await summarize([write('dev-text.json', 'Error: not a plan'), fixtureFile('create')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('- `dev-text`: plan file');
    expect(result.stderr).toContain('not valid JSON');
  });
});

const fixtureFile = (name: string) => join(FIXTURES, 'terraform', `${name}.json`);

describe('failing checks and failed plans', () => {
  it('a failing check block is shown and changes the verdict (real Terraform plan)', () => {
    const { markdown } = render([fixturePlan('terraform/check-failed.json', 'dev-check')]);
    expect(markdown.split('\n')[2]).toBe('❌ **1 check failing** in `dev-check`.');
    expect(markdown).not.toContain('Safe to apply');
    expect(markdown).toContain('### ❌ Failing checks\n\n- `dev-check`: `check.booking_endpoint_uses_tls` (check block, failed)\n\n  ```\n  The booking endpoint must use HTTPS.\n  ```');
    expect(markdown).toContain('| `dev-check` | 1 | · | · | · | ✅ (1 check failing) |');
  });

  it('a failed plan makes plan:summary exit 1 after writing the summary', async () => {
    const out = join(dir, 'errored.md');
    const result = await summarize([fixtureFile('create'), fixtureFile('errored'), '--out', out]);
    expect(result.code).toBe(1);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('❌ **Plan failed** for `errored`');
    expect(result.stderr).toContain('plan:summary: these stacks failed to plan, the summary is incomplete: errored');
  });

  it('a passing plan exits 0; a failing check alone is not a failed plan', async () => {
    expect((await summarize([fixtureFile('create')])).code).toBe(0);
    expect((await summarize([fixtureFile('check-failed')])).code).toBe(0);
  });
});
