/**
 * The modules' input validations, run by Terraform itself: `terraform plan` over calls of a copy of
 * a module's variables.tf alone needs no provider, so each bad input must fail with the module's
 * own error message and each good one must plan. Skipped (with a warning) without terraform.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTerraformAsync } from '../../tooling/terraform';
import { findTerraform, shortLivedTerraformProcesses } from '../support/terraform';

const REPO_ROOT = join(__dirname, '..', '..');

type Inputs = Record<string, unknown>;
interface Case {
  readonly module: 'network' | 'ecs-cluster' | 'task-definitions';
  readonly title: string;
  readonly inputs: Inputs;
  /** The validation's error_message, or undefined when the inputs are valid. */
  readonly error?: string;
}

const NETWORK: Inputs = { name: 'dev', cidr_block: '10.0.0.0/16', az_count: 3, nat_mode: 'single' };
const CLUSTER: Inputs = {
  name: 'dev-services',
  container_insights: 'enhanced',
  capacity_provider_strategy: [
    { capacity_provider: 'FARGATE', weight: 1, base: 1 },
    { capacity_provider: 'FARGATE_SPOT', weight: 3 },
  ],
  ecr_repositories: ['booking-saga/payment', 'booking-saga/booking'],
};
const CHARGE = {
  service: 'payment',
  family: 'dev-payment-charge',
  container_name: 'payment',
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/booking-saga/payment:1.0.0',
  cpu: 256,
  memory: 512,
  command: ['node', 'charge.js'],
};
const TASKS: Inputs = { name_prefix: 'dev', tasks: { 'payment/charge': CHARGE } };
const withTask = (task: Partial<typeof CHARGE> & { environment?: Record<string, string> }, key = 'payment/charge'): Inputs => ({
  ...TASKS,
  tasks: { [key]: { ...CHARGE, ...task } },
});
const strategy = (...entries: object[]): Inputs => ({ ...CLUSTER, capacity_provider_strategy: entries });

const CIDR_PREFIX = 'cidr_block prefix length must be between /16 and /24.';
const CPU_MEMORY =
  'tasks: cpu/memory must be a Fargate combination: 256 → 512, 1024 or 2048; 512 → 1024-4096; 1024 → 2048-8192; 2048 → 4096-16384; 4096 → 8192-30720 (steps of 1024); 8192 → 16384-61440 (steps of 4096); 16384 → 32768-122880 (steps of 8192).';

const CASES: readonly Case[] = [
  // network
  { module: 'network', title: 'a /16 over three zones with one NAT', inputs: NETWORK },
  { module: 'network', title: 'a /24 in one zone without NAT', inputs: { ...NETWORK, cidr_block: '10.1.2.0/24', az_count: 1, nat_mode: 'none' } },
  { module: 'network', title: 'six zones with NAT per zone', inputs: { ...NETWORK, az_count: 6, nat_mode: 'per-az' } },
  { module: 'network', title: 'a /25', inputs: { ...NETWORK, cidr_block: '10.0.0.0/25' }, error: CIDR_PREFIX },
  { module: 'network', title: 'a /15', inputs: { ...NETWORK, cidr_block: '10.0.0.0/15' }, error: CIDR_PREFIX },
  {
    module: 'network',
    title: 'host bits set',
    inputs: { ...NETWORK, cidr_block: '10.0.0.1/16' },
    error: 'cidr_block must be a network address: its host bits must be zero (for example "10.0.0.0/16", not "10.0.0.1/16").',
  },
  { module: 'network', title: 'not a CIDR', inputs: { ...NETWORK, cidr_block: '10.0.0.0' }, error: 'cidr_block must be an IPv4 CIDR block such as "10.0.0.0/16".' },
  { module: 'network', title: 'zero zones', inputs: { ...NETWORK, az_count: 0 }, error: 'az_count must be a whole number from 1 to 6.' },
  { module: 'network', title: 'seven zones', inputs: { ...NETWORK, az_count: 7 }, error: 'az_count must be a whole number from 1 to 6.' },
  { module: 'network', title: 'a fractional zone count', inputs: { ...NETWORK, az_count: 2.5 }, error: 'az_count must be a whole number from 1 to 6.' },
  { module: 'network', title: 'an unknown NAT mode', inputs: { ...NETWORK, nat_mode: 'per_az' }, error: 'nat_mode must be one of "none", "single" or "per-az".' },
  {
    module: 'network',
    title: 'an upper-case name',
    inputs: { ...NETWORK, name: 'Dev' },
    error: 'name must be 2-32 lower-case letters, digits or dashes, starting and ending with a letter or digit.',
  },
  {
    module: 'network',
    title: 's3 as an interface endpoint',
    inputs: { ...NETWORK, interface_endpoint_services: ['logs', 's3'] },
    error: 'interface_endpoint_services must not contain "s3": without NAT the module creates an S3 gateway endpoint.',
  },
  {
    module: 'network',
    title: 'a full endpoint service name',
    inputs: { ...NETWORK, interface_endpoint_services: ['com.amazonaws.eu-west-1.logs'] },
    error: 'interface_endpoint_services must be short service names (lower-case letters, digits, dots, dashes), such as "ecr.api"; not full names like "com.amazonaws.eu-west-1.ecr.api".',
  },
  {
    module: 'network',
    title: 'a flow log retention CloudWatch rejects',
    inputs: { ...NETWORK, enable_flow_logs: true, flow_logs_retention_days: 10 },
    error: 'flow_logs_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.',
  },
  // ecs-cluster
  { module: 'ecs-cluster', title: 'Fargate with a base and Spot', inputs: CLUSTER },
  { module: 'ecs-cluster', title: 'defaults and no repository', inputs: { name: 'dev-services', ecr_repositories: [] } },
  {
    module: 'ecs-cluster',
    title: 'an EC2 capacity provider',
    inputs: strategy({ capacity_provider: 'my-asg', weight: 1 }),
    error: 'capacity_provider_strategy: capacity_provider must be "FARGATE" or "FARGATE_SPOT".',
  },
  {
    module: 'ecs-cluster',
    title: 'two bases',
    inputs: strategy({ capacity_provider: 'FARGATE', weight: 1, base: 1 }, { capacity_provider: 'FARGATE_SPOT', weight: 1, base: 2 }),
    error: 'capacity_provider_strategy: only one entry may have a base greater than 0.',
  },
  {
    module: 'ecs-cluster',
    title: 'only zero weights',
    inputs: strategy({ capacity_provider: 'FARGATE', weight: 0, base: 1 }),
    error: 'capacity_provider_strategy: at least one entry must have a weight greater than 0.',
  },
  {
    module: 'ecs-cluster',
    title: 'a negative weight',
    inputs: strategy({ capacity_provider: 'FARGATE', weight: -1 }, { capacity_provider: 'FARGATE_SPOT', weight: 2 }),
    error: 'capacity_provider_strategy: weight must be a whole number from 0 to 1000.',
  },
  {
    module: 'ecs-cluster',
    title: 'a provider listed twice',
    inputs: strategy({ capacity_provider: 'FARGATE', weight: 1 }, { capacity_provider: 'FARGATE', weight: 2 }),
    error: 'capacity_provider_strategy must not list a capacity provider twice.',
  },
  { module: 'ecs-cluster', title: 'an empty strategy', inputs: strategy(), error: 'capacity_provider_strategy must have at least one entry.' },
  {
    module: 'ecs-cluster',
    title: 'an unknown Container Insights level',
    inputs: { ...CLUSTER, container_insights: 'on' },
    error: 'container_insights must be one of "enabled", "enhanced" or "disabled".',
  },
  {
    module: 'ecs-cluster',
    title: 'an upper-case repository name',
    inputs: { ...CLUSTER, ecr_repositories: ['Booking/payment'] },
    error: 'ecr_repositories: each name must be 2-256 characters of lower-case letters and digits, separated by single ".", "_", "-" or "/" (for example "booking-saga/payment").',
  },
  { module: 'ecs-cluster', title: 'lower-case mutability', inputs: { ...CLUSTER, image_tag_mutability: 'immutable' }, error: 'image_tag_mutability must be "MUTABLE" or "IMMUTABLE".' },
  { module: 'ecs-cluster', title: 'keeping no image', inputs: { ...CLUSTER, ecr_keep_last_images: 0 }, error: 'ecr_keep_last_images must be a whole number from 1 to 10000.' },
  // task-definitions
  { module: 'task-definitions', title: 'the smallest Fargate task', inputs: TASKS },
  { module: 'task-definitions', title: 'the largest Fargate task', inputs: withTask({ cpu: 16384, memory: 122880 }) },
  { module: 'task-definitions', title: '8 vCPU with 20 GiB', inputs: withTask({ cpu: 8192, memory: 20480 }) },
  { module: 'task-definitions', title: '4 vCPU with 30 GiB', inputs: withTask({ cpu: 4096, memory: 30720 }) },
  { module: 'task-definitions', title: '0.25 vCPU with 4 GiB', inputs: withTask({ cpu: 256, memory: 4096 }), error: CPU_MEMORY },
  { module: 'task-definitions', title: '1 vCPU with 1.5 GiB', inputs: withTask({ cpu: 1024, memory: 1536 }), error: CPU_MEMORY },
  { module: 'task-definitions', title: '8 vCPU with 18 GiB (not a 4 GiB step)', inputs: withTask({ cpu: 8192, memory: 18432 }), error: CPU_MEMORY },
  { module: 'task-definitions', title: 'cpu 300', inputs: withTask({ cpu: 300, memory: 1024 }), error: CPU_MEMORY },
  {
    module: 'task-definitions',
    title: 'an upper-case key',
    inputs: withTask({}, 'Payment/charge'),
    error: 'tasks keys must be "<service>/<task>" in lower-case letters, digits and dashes, for example "payment/charge".',
  },
  {
    module: 'task-definitions',
    title: "a key whose service is not the task's",
    inputs: withTask({}, 'booking/charge'),
    error: 'tasks: the service of each task must be the part of its key before "/".',
  },
  {
    module: 'task-definitions',
    title: 'two tasks with one family',
    inputs: { ...TASKS, tasks: { 'payment/charge': CHARGE, 'payment/refund': CHARGE } },
    error: 'tasks: two tasks must not share a family.',
  },
  {
    module: 'task-definitions',
    title: 'an environment variable starting with a digit',
    inputs: withTask({ environment: { '1LEVEL': 'x' } }),
    error: 'tasks: environment variable names must be letters, digits and underscores, not starting with a digit.',
  },
  { module: 'task-definitions', title: 'an empty command', inputs: withTask({ command: [] }), error: 'tasks: command must have at least one element.' },
  {
    module: 'task-definitions',
    title: 'a log retention CloudWatch rejects',
    inputs: { ...TASKS, log_retention_days: 2 },
    error: 'log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.',
  },
  { module: 'task-definitions', title: 'a lower-case architecture', inputs: { ...TASKS, cpu_architecture: 'arm64' }, error: 'cpu_architecture must be "X86_64" or "ARM64".' },
  {
    module: 'task-definitions',
    title: 'role names given by the caller',
    inputs: { ...TASKS, execution_role_name: 'dev-ecs-task-execution', task_role_names: { payment: 'dev-payment-task' } },
  },
  {
    module: 'task-definitions',
    title: 'a task role name over 64 characters',
    inputs: { ...TASKS, task_role_names: { payment: 'r'.repeat(65) } },
    error: 'task_role_names values must be 1-64 letters, digits or + = , . @ _ - (IAM role names).',
  },
  {
    module: 'task-definitions',
    title: 'an execution role name with a slash',
    inputs: { ...TASKS, execution_role_name: 'path/role' },
    error: 'execution_role_name must be 1-64 letters, digits or + = , . @ _ - (an IAM role name).',
  },
  {
    module: 'task-definitions',
    title: 'a KMS alias instead of a key ARN',
    inputs: { ...TASKS, log_kms_key_id: 'alias/logs' },
    error: 'log_kms_key_id must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>).',
  },
];

const collapse = (text: string) => text.replace(/\s+/g, ' ');

/** What `terraform plan -json` said about one case: the diagnostics in its module call. */
interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
}

interface PlanResult {
  readonly status: number;
  /** By module call (`case_<index>`); `''` for a diagnostic that names no case. */
  readonly diagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
  /** The plan's change summary, when it got that far. */
  readonly changes?: Record<string, unknown>;
}

/** A case's inputs as literal values of a module call in JSON syntax, where strings are templates: `${` and `%{` escaped. */
const literal = (value: unknown): unknown =>
  typeof value === 'string'
    ? value.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')
    : Array.isArray(value)
      ? value.map(literal)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, literal(item)]))
        : value;

const callName = (index: number) => `case_${index}`;

const terraform = findTerraform();
shortLivedTerraformProcesses();

if (!terraform) {
  test('input validations are skipped: no terraform binary on the PATH', () => {
    console.warn('module input validation checks SKIPPED: no `terraform` binary on the PATH');
  });
} else {
  describe(`module input validations (terraform ${terraform.version})`, () => {
    /*
     * Each case is a call of a copy of its module's variables.tf, so Terraform checks its inputs as
     * it checks any caller's: the valid cases are called from one root that must plan with no
     * changes, the invalid ones from another, where Terraform reports every failed validation, each
     * in the module call it belongs to (four terraform processes instead of two per case).
     */
    const plans = new Map<'accepted' | 'rejected', PlanResult>();
    let workDir: string;

    beforeAll(async () => {
      workDir = mkdtempSync(join(tmpdir(), 'module-variables-'));
      const plan = async (kind: 'accepted' | 'rejected'): Promise<void> => {
        const root = join(workDir, kind);
        for (const module of new Set(CASES.map((c) => c.module))) {
          mkdirSync(join(root, module), { recursive: true });
          copyFileSync(join(REPO_ROOT, 'modules', module, 'variables.tf'), join(root, module, 'variables.tf'));
        }
        const calls = CASES.flatMap((testCase, index) =>
          (testCase.error === undefined) === (kind === 'accepted') ? [[callName(index), { source: `./${testCase.module}`, ...(literal(testCase.inputs) as Inputs) }] as const] : [],
        );
        writeFileSync(join(root, 'main.tf.json'), JSON.stringify({ module: Object.fromEntries(calls) }, null, 1));
        const init = await runTerraformAsync(terraform.binary, ['init', '-input=false', '-no-color'], { cwd: root });
        if (init.status !== 0) throw new Error(`terraform init (${kind}) failed:\n${init.stdout}${init.stderr}`);
        const run = await runTerraformAsync(terraform.binary, ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-json'], { cwd: root });
        const diagnostics = new Map<string, Diagnostic[]>();
        let changes: Record<string, unknown> | undefined;
        for (const line of run.stdout.split('\n').filter((text) => text.startsWith('{'))) {
          const message = JSON.parse(line) as { type: string; diagnostic?: Diagnostic & { snippet?: { context?: string | null } }; changes?: Record<string, unknown> };
          if (message.type === 'change_summary') changes = message.changes;
          if (message.type !== 'diagnostic' || !message.diagnostic) continue;
          const call = /^module\.(case_\d+)$/.exec(message.diagnostic.snippet?.context ?? '')?.[1] ?? '';
          diagnostics.set(call, [...(diagnostics.get(call) ?? []), message.diagnostic]);
        }
        plans.set(kind, { status: run.status ?? 1, diagnostics, ...(changes ? { changes } : {}) });
      };
      await Promise.all([plan('accepted'), plan('rejected')]);
    });

    afterAll(() => rmSync(workDir, { recursive: true, force: true }));

    const errors = (diagnostics: readonly Diagnostic[] = []) => diagnostics.filter((d) => d.severity === 'error');

    test('the valid inputs plan with no changes, and every error Terraform reports names its case', () => {
      const accepted = plans.get('accepted')!;
      expect({ status: accepted.status, errors: [...accepted.diagnostics.values()].flatMap(errors) }).toEqual({ status: 0, errors: [] });
      // "No changes.": nothing to add, change, import or remove.
      expect(accepted.changes).toMatchObject({ add: 0, change: 0, remove: 0, operation: 'plan' });
      expect(Object.entries(accepted.changes!).filter(([key, count]) => key !== 'operation' && count !== 0)).toEqual([]);
      const rejected = plans.get('rejected')!;
      expect(rejected.status).not.toBe(0);
      expect(errors(rejected.diagnostics.get(''))).toEqual([]);
    });

    test.each(CASES.flatMap((c, index) => (c.error ? [] : [[c.module, c.title, index] as const])))('%s accepts %s', (_module, _title, index) => {
      // That the whole plan succeeded is the test above; this names the case that did not.
      expect(plans.get('accepted')!.diagnostics.get(callName(index)) ?? []).toEqual([]);
    });

    test.each(CASES.flatMap((c, index) => (c.error ? [[c.module, c.title, index] as const] : [])))('%s rejects %s', (module, _title, index) => {
      const found = errors(plans.get('rejected')!.diagnostics.get(callName(index))).map((d) => collapse(`${d.summary}: ${d.detail}`));
      // The module's own validation message, from a rule of its own variables.tf.
      expect(found).toContainEqual(expect.stringContaining(collapse(CASES[index]!.error!)));
      expect(found.find((text) => text.includes(collapse(CASES[index]!.error!)))).toContain(`checked by the validation rule at ${module}/variables.tf:`);
    });
  });
}
