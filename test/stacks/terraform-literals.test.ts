/**
 * Every string of a `.tf.json` file is a Terraform template: `${...}` is evaluated and `%{...}` is a
 * directive. Configuration strings are literals, so they must reach Terraform escaped (`$${`,
 * `%%{`). Proven with Terraform itself: the synthesized strings are rendered by `terraform apply`
 * (outputs only, no provider) and must come back exactly as configured.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import type { Catalog, RuleSpec } from '../../catalog/types';
import { environments } from '../../environments';
import { findInterpolations, replaceInterpolations } from '../../local/terraform-expressions';
import { synthesize } from '../../stacks/app';
import { escapeTemplateSequences } from '../../stacks/terraform-literals';
import { mustSucceed, runTerraformAsync } from '../../tooling/terraform';
import { findTerraform } from '../support/terraform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const terraform = findTerraform();
const withTerraform = terraform ? test : test.skip;
if (!terraform) console.warn('template escaping checks SKIPPED: no `terraform` binary on the PATH');

const DESCRIPTION = 'Runs in ${path.cwd} for %{ if true }everyone%{ endif }: costs $5, 100% sure, $${already} %%{escaped}';
const COMMAND = ['sh', '-c', 'echo ${HOME} %{x} $$ 50%'];
const PATTERN_VALUE = '${aws:username}';

/** The booking saga with hostile text in a description, a pattern, a rule's command and a task's command. */
const hostile: Catalog = {
  ...bookingSaga,
  services: bookingSaga.services.map((service) => ({
    ...service,
    tasks: service.tasks.map((task) => (task.name === 'notify' ? { ...task, command: ['node', 'dist/notify.js', '${HOME}'] } : task)),
    rules: service.rules.map((rule): RuleSpec =>
      rule.name === 'charge-payment' && 'task' in rule.target
        ? {
            ...rule,
            description: DESCRIPTION,
            eventPattern: { ...rule.eventPattern, detail: { note: [PATTERN_VALUE, { prefix: '%{' }] } },
            target: { ...rule.target, command: COMMAND },
          }
        : rule,
    ),
  })),
};

let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'literals-'));
  synthesize({ catalog: hostile, environments, outdir, selection: 'dev' });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const stack = (name: string): Json => JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));

/**
 * The definition also holds real interpolations (the base's outputs, which an outputs-only config
 * cannot evaluate): each becomes the literal REMOTE; escaped sequences stay as they are.
 */
function withoutRealInterpolations(text: string): string {
  let out = '';
  let last = 0;
  for (const interpolation of findInterpolations(text)) {
    out += `${text.slice(last, interpolation.start)}REMOTE`;
    last = interpolation.end;
  }
  return out + text.slice(last);
}

/** What Terraform makes of these strings, as the values of outputs (templates, like any attribute). */
async function rendered(values: Record<string, string>): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'render-literals-'));
  try {
    const output = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value }]));
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ output }));
    const state = join(dir, 'terraform.tfstate');
    const apply = ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false', `-state=${state}`];
    mustSucceed(await runTerraformAsync(terraform!.binary, apply, { cwd: dir }), 'render the literals');
    const { stdout } = mustSucceed(await runTerraformAsync(terraform!.binary, ['output', '-json', `-state=${state}`], { cwd: dir }), 'read the literals');
    return Object.fromEntries(Object.entries(JSON.parse(stdout) as Record<string, { value: string }>).map(([name, { value }]) => [name, value]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

withTerraform('a description, a pattern, a rule command and a task command come out of Terraform exactly as configured', async () => {
  const booking = stack('dev-booking');
  const rule = Object.values(booking.resource.aws_cloudwatch_event_rule as Record<string, Json>).find((r) => r.name === 'dev-booking-charge-payment')!;
  const machine = Object.values(booking.resource.aws_sfn_state_machine as Record<string, Json>).find((m) => m.name === 'dev-booking-charge-payment')!;
  const tasks = stack('dev-base').module.task_definitions.tasks as Record<string, { command: string[] }>;

  const out = await rendered({
    description: rule.description as string,
    pattern: rule.event_pattern as string,
    definition: withoutRealInterpolations(machine.definition as string),
    notify: tasks['notification/notify']!.command[2]!,
  });
  expect(out.description).toBe(DESCRIPTION);
  expect(JSON.parse(out.pattern!).detail).toEqual({ note: [PATTERN_VALUE, { prefix: '%{' }] });
  expect(JSON.parse(out.definition!).States.RunTask.Parameters.Overrides.ContainerOverrides[0].Command).toEqual(COMMAND);
  expect(out.notify).toBe('${HOME}');
});

test('the local runner reads the synthesized strings as Terraform would render them', () => {
  expect(replaceInterpolations(escapeTemplateSequences(DESCRIPTION), () => 'X')).toBe(DESCRIPTION);
  expect(replaceInterpolations('a ${x} $${y} %%{z}', () => 'X')).toBe('a X ${y} %{z}');
});

test('one function escapes: $${ for ${, %%{ for %{, and nothing else changes', () => {
  expect(escapeTemplateSequences('${a} %{b} $ % {c} $${d} %%{e}')).toBe('$${a} %%{b} $ % {c} $$${d} %%%{e}');
  expect(escapeTemplateSequences('arn:aws:ecs:eu-west-1:123456789012:cluster/x')).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/x');
});
