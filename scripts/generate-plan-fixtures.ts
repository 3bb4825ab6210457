/**
 * Generates genuine `terraform show -json` plans for the plan-review tests, using only the built-in
 * `terraform_data` resource and `terraform_remote_state` data source (no provider plugin needed) and a
 * local backend. Each scenario applies a "before" configuration (if any), then plans an "after" one.
 *
 *   node --import tsx scripts/generate-plan-fixtures.ts [--out test/fixtures/plans/terraform]
 *   node --import tsx scripts/generate-plan-fixtures.ts --sample   (rewrites docs/sample-plan-summary.md)
 *
 * The tests call `generatePlan` again into a temp dir and compare the normalized structure with the
 * committed files, so a change of Terraform's output format shows up as a failing test.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parsePlan, provenanceFromEnv, renderSummary } from '../plan-review';
import { EXIT, parseCommandLine, runCommand } from '../tooling/cli';
import { terraformBinaryName } from '../tooling/preflight';
import { mustSucceed, runTerraform } from '../tooling/terraform';

export interface PlanScenario {
  /** File name of the fixture, without `.json`. */
  readonly name: string;
  /** What the plan demonstrates. */
  readonly description: string;
  /** Configuration applied first (state the plan starts from); absent → empty state. */
  readonly before?: string;
  /** Configuration that is planned. */
  readonly after: string;
  /** `-var` values for apply and plan. */
  readonly beforeVars?: Readonly<Record<string, string>>;
  readonly afterVars?: Readonly<Record<string, string>>;
  /** The plan is expected to fail (saved as an errored plan). */
  readonly expectPlanError?: boolean;
}

const sensitiveVariable = `
variable "db_password" {
  type      = string
  sensitive = true
}
`;

export const planScenarios: readonly PlanScenario[] = [
  {
    name: 'create',
    description: "two resources created; the second one takes the first one's unknown output",
    after: `
resource "terraform_data" "bus_config" {
  input = { name = "dev-booking", archive_days = 7 }
}

resource "terraform_data" "rule_config" {
  input = terraform_data.bus_config.output
}
`,
  },
  {
    name: 'update',
    description: 'in-place update of an input; output becomes unknown',
    before: `
resource "terraform_data" "image_tag" {
  input = "1.0.0"
}
`,
    after: `
resource "terraform_data" "image_tag" {
  input = "1.1.0"
}
`,
  },
  {
    name: 'delete',
    description: 'one resource removed from the configuration',
    before: `
resource "terraform_data" "keep" {
  input = "kept"
}

resource "terraform_data" "legacy_queue" {
  input = "dev-legacy"
}
`,
    after: `
resource "terraform_data" "keep" {
  input = "kept"
}
`,
  },
  {
    name: 'replace',
    description: 'triggers_replace changes: destroy-then-create and create-before-destroy',
    before: `
resource "terraform_data" "task_definition" {
  triggers_replace = ["rev-1"]
}

resource "terraform_data" "blue_green" {
  triggers_replace = ["rev-1"]
  lifecycle {
    create_before_destroy = true
  }
}
`,
    after: `
resource "terraform_data" "task_definition" {
  triggers_replace = ["rev-2"]
}

resource "terraform_data" "blue_green" {
  triggers_replace = ["rev-2"]
  lifecycle {
    create_before_destroy = true
  }
}
`,
  },
  {
    name: 'sensitive',
    description: 'a sensitive variable flows into an input and a sensitive output',
    before: `${sensitiveVariable}
resource "terraform_data" "db_credentials" {
  input = var.db_password
}

output "connection" {
  value     = "postgres://app:\${var.db_password}@db"
  sensitive = true
}
`,
    beforeVars: { db_password: 'hunter2-old-secret' },
    after: `${sensitiveVariable}
resource "terraform_data" "db_credentials" {
  input = var.db_password
}

output "connection" {
  value     = "postgres://app:\${var.db_password}@db"
  sensitive = true
}
`,
    afterVars: { db_password: 'hunter2-new-secret' },
  },
  {
    name: 'moved',
    description: 'a resource renamed with a moved block, another renamed and updated',
    before: `
resource "terraform_data" "old_name" {
  input = "same"
}

resource "terraform_data" "old_changed" {
  input = "v1"
}
`,
    after: `
moved {
  from = terraform_data.old_name
  to   = terraform_data.new_name
}

moved {
  from = terraform_data.old_changed
  to   = terraform_data.renamed_and_changed
}

resource "terraform_data" "new_name" {
  input = "same"
}

resource "terraform_data" "renamed_and_changed" {
  input = "v2"
}
`,
  },
  {
    name: 'import',
    description: 'an existing object imported with an import block',
    after: `
import {
  to = terraform_data.imported
  id = "booking-table"
}

resource "terraform_data" "imported" {
}
`,
  },
  {
    name: 'noop',
    description: 'configuration matches state: nothing to do',
    before: `
resource "terraform_data" "stable" {
  input = "unchanged"
}
`,
    after: `
resource "terraform_data" "stable" {
  input = "unchanged"
}
`,
  },
  {
    name: 'data-read',
    description: 'a data source read deferred to apply because its configuration is unknown',
    after: `
resource "terraform_data" "state_path" {
  input = "network"
}

data "terraform_remote_state" "network" {
  backend = "local"
  config = {
    path = "\${terraform_data.state_path.output}.tfstate"
  }
}
`,
  },
  {
    name: 'check-failed',
    description: 'a check block whose assertion fails: Terraform warns, the plan is not errored',
    after: `
resource "terraform_data" "booking_endpoint" {
  input = "http://booking.internal"
}

check "booking_endpoint_uses_tls" {
  assert {
    condition     = startswith(terraform_data.booking_endpoint.input, "https://")
    error_message = "The booking endpoint must use HTTPS."
  }
}
`,
  },
  {
    name: 'errored',
    description: 'a failing precondition: Terraform saves an errored, non-applyable plan',
    after: `
variable "allow_public" {
  type    = bool
  default = false
}

resource "terraform_data" "public_endpoint" {
  input = "0.0.0.0/0"
  lifecycle {
    precondition {
      condition     = var.allow_public
      error_message = "Public endpoints need allow_public = true."
    }
  }
}
`,
    expectPlanError: true,
  },
];

const varArgs = (vars: Readonly<Record<string, string>> | undefined): string[] => Object.entries(vars ?? {}).map(([key, value]) => `-var=${key}=${value}`);

/** Runs one scenario in `workDir` (created if missing) and returns the parsed `show -json` output. */
export const generatePlan = (scenario: PlanScenario, workDir: string, binary = 'terraform'): unknown => {
  mkdirSync(workDir, { recursive: true });
  const tf = (args: string[], what: string) => mustSucceed(runTerraform(binary, args, { cwd: workDir }), `${scenario.name}: ${what}`);
  const writeConfig = (hcl: string) => writeFileSync(join(workDir, 'main.tf'), hcl.trimStart());

  // No `terraform init`: Terraform's built-in provider and the default local backend need none
  // (init finds nothing to install or configure here). A scenario that ever needs a provider, a
  // module or a backend block fails its plan with Terraform's own "run terraform init" error.
  writeConfig(scenario.before ?? '');
  if (scenario.before) tf(['apply', '-input=false', '-no-color', '-auto-approve', ...varArgs(scenario.beforeVars)], 'apply before');

  writeConfig(scenario.after);
  const plan = runTerraform(binary, ['plan', '-input=false', '-no-color', '-out=tfplan', ...varArgs(scenario.afterVars)], { cwd: workDir });
  if (scenario.expectPlanError ? plan.status === 0 : plan.status !== 0) {
    throw new Error(`${scenario.name}: plan exited ${plan.status}, expected ${scenario.expectPlanError ? 'an error' : 'success'}:\n${plan.stderr}`);
  }
  const shown = tf(['show', '-json', 'tfplan'], 'show -json');
  return JSON.parse(shown.stdout);
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VOLATILE_KEYS = new Set(['timestamp', 'terraform_version']);

/**
 * What must stay equal between two generations: everything except timestamps, Terraform versions
 * and the random UUIDs `terraform_data` uses as ids.
 */
export const normalizePlan = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(normalizePlan);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !VOLATILE_KEYS.has(key))
        .map(([key, inner]) => [key, normalizePlan(inner)]),
    );
  }
  if (typeof value === 'string' && UUID.test(value)) return '<uuid>';
  return value;
};

/** Stacks of the committed sample summary and the fixture each one shows: a PR touching base and seat. */
export const SAMPLE_STACKS: readonly (readonly [stack: string, fixture: string])[] = [
  ['dev-base', 'aws/dev-base.json'],
  ['dev-booking', 'terraform/noop.json'],
  ['dev-payment', 'terraform/noop.json'],
  ['dev-seat', 'aws/dev-seat.json'],
  ['dev-notification', 'terraform/noop.json'],
  ['dev-compensation', 'terraform/noop.json'],
];

/** The Markdown of docs/sample-plan-summary.md, rendered from the committed fixtures. */
export const renderSample = (fixturesDir = join(__dirname, '..', 'test', 'fixtures', 'plans')): string => {
  const plans = SAMPLE_STACKS.map(([stack, fixture]) => parsePlan(JSON.parse(readFileSync(join(fixturesDir, fixture), 'utf8')), stack));
  // What a pull request's workflow run passes in (GitHub's default variables), with made-up values.
  const provenance = provenanceFromEnv({
    GITHUB_SHA: '3f2c9a7e5b1d4c8a9e0f6b2d7c4a1e8f5b3d9c6a',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/event-driven-ecs-infra',
    GITHUB_RUN_ID: '9876543210',
  });
  return renderSummary({ title: 'dev', marker: 'plan-review:dev', plans, errors: [], ...(provenance ? { provenance } : {}) }).markdown;
};

export const USAGE = `Usage: node --import tsx scripts/generate-plan-fixtures.ts [--out DIR] [--sample]

Generates genuine terraform show -json plans (terraform_data, local backend) for the plan-review tests.

  --out DIR     where the fixtures go (default test/fixtures/plans/terraform)
  --sample      instead, rewrite docs/sample-plan-summary.md from the committed fixtures
  -h, --help    this text

Exit codes: 0 written; 2 usage; 3 crash (Terraform failed: its output is shown).`;

const main = (argv: readonly string[]): number => {
  const { values } = parseCommandLine(argv, { out: { type: 'string', default: 'test/fixtures/plans/terraform' }, sample: { type: 'boolean', default: false } });
  if (values.sample) {
    writeFileSync(join(__dirname, '..', 'docs', 'sample-plan-summary.md'), renderSample());
    console.log('docs/sample-plan-summary.md written');
    return EXIT.ok;
  }
  const outDir = resolve(values.out);
  const binary = terraformBinaryName(process.env);
  const scratch = mkdtempSync(join(tmpdir(), 'plan-fixtures-'));
  mkdirSync(outDir, { recursive: true });
  try {
    for (const scenario of planScenarios) {
      const plan = generatePlan(scenario, join(scratch, scenario.name), binary);
      writeFileSync(join(outDir, `${scenario.name}.json`), `${JSON.stringify(plan, null, 2)}\n`);
      console.log(`${scenario.name}.json  ${scenario.description}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return EXIT.ok;
};

if (require.main === module) void runCommand({ name: 'generate-plan-fixtures', usage: USAGE, run: main });
