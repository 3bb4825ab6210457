/**
 * Tier `validate`: `terraform init -backend=false` and `terraform validate` of every synthesized
 * stack and every HCL module, with the provider that deploys them (its own schema and validators,
 * not our copy of them). Warnings fail too: a deprecated argument today is an error next major.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mirroredProviderVersion, readManifest, stackDir, stackNames, terraformEnv, type VerifyContext } from './context';
import { runScheduled } from '../tooling/stack-schedule';
import { runTerraformAsync } from '../tooling/terraform';
import { failureText } from './exec';
import type { TierReport } from './report';
import { copyTarget, providerConstraint, withAwsProviderConstraint } from './scratch';
import { missingTool, requireVersion } from './tools';

export interface ValidateDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/** `terraform validate -json` output → its diagnostics; throws on anything that is not that output. */
export const parseValidateOutput = (stdout: string): { valid: boolean; diagnostics: ValidateDiagnostic[] } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`terraform validate -json printed no JSON: ${stdout.slice(0, 200)}`);
  }
  const output = parsed as { valid?: unknown; diagnostics?: unknown };
  if (typeof output.valid !== 'boolean' || !Array.isArray(output.diagnostics)) {
    throw new Error('terraform validate -json: expected "valid" and "diagnostics"');
  }
  return { valid: output.valid, diagnostics: output.diagnostics as ValidateDiagnostic[] };
};

export const describeDiagnostic = (target: string, diagnostic: ValidateDiagnostic): string => {
  const where = diagnostic.range ? ` ${diagnostic.range.filename}:${diagnostic.range.start.line}` : '';
  const detail = diagnostic.detail ? ` — ${diagnostic.detail.replace(/\s+/g, ' ').trim()}` : '';
  return `${target}${where}: ${diagnostic.severity}: ${diagnostic.summary}${detail}`;
};

export const moduleNames = (repoRoot: string): string[] =>
  readdirSync(join(repoRoot, 'modules'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** Targets validated at once: `terraform validate` is CPU-bound (the provider's schema), and CI has 2 cores. */
export const VALIDATE_CONCURRENCY = 2;

export const runValidateTier = async (context: VerifyContext): Promise<Omit<TierReport, 'seconds'>> => {
  const terraform = context.tools.terraform;
  if (!terraform) return { tier: 'validate', proved: [], errors: [missingTool('terraform (or tofu)')], findings: [], notes: [] };
  const manifest = readManifest(context);
  const pinned = requireVersion(context.versions, 'AWS_PROVIDER_PINNED');
  const available = mirroredProviderVersion(context);
  const { constraint, relaxed } = providerConstraint(pinned, available);
  const env = terraformEnv(context);
  const errors: string[] = [];
  const notes: string[] = [];
  if (relaxed) {
    notes.push(
      `hashicorp/aws ${pinned} (the pin) is not what the local mirror holds: validated a copy pinned to "${constraint}" ` +
        `with ${available} (${requireVersion(context.versions, 'AWS_PROVIDER_GO_VERSION')}), the nearest 6.x the Go module proxy serves`,
    );
  }
  const targets = [
    ...stackNames(manifest).map((stack) => ({ name: stack, source: stackDir(context, manifest, stack), scratch: join(context.workDir, 'validate', 'stacks', stack), stack: true })),
    ...moduleNames(context.repoRoot).map((name) => ({
      name: `modules/${name}`,
      source: join(context.repoRoot, 'modules', name),
      scratch: join(context.workDir, 'validate', 'modules', name),
      stack: false,
    })),
  ];
  // Each target's outcome, reported in target order whichever finishes first.
  const outcomes = new Map<string, { errors: string[]; valid: boolean }>();
  const validateOne = async (target: (typeof targets)[number]): Promise<void> => {
    copyTarget(target.source, target.scratch, target.stack && relaxed ? (stack) => withAwsProviderConstraint(stack, constraint) : undefined);
    const init = await runTerraformAsync(terraform, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: target.scratch, env });
    if (init.status !== 0) {
      outcomes.set(target.name, { errors: [`${target.name}: ${failureText(init)}`], valid: false });
      return;
    }
    const validate = await runTerraformAsync(terraform, ['validate', '-json', '-no-color'], { cwd: target.scratch, env });
    let result: ReturnType<typeof parseValidateOutput>;
    try {
      result = parseValidateOutput(validate.stdout);
    } catch (error) {
      outcomes.set(target.name, { errors: [`${target.name}: ${(error as Error).message}; ${failureText(validate)}`], valid: false });
      return;
    }
    outcomes.set(target.name, { errors: result.diagnostics.map((diagnostic) => describeDiagnostic(target.name, diagnostic)), valid: result.valid && result.diagnostics.length === 0 });
    context.log(`validate: ${target.name} ${result.valid ? 'valid' : 'INVALID'}${result.diagnostics.length ? ` (${result.diagnostics.length} diagnostics)` : ''}`);
  };
  const byName = new Map(targets.map((target) => [target.name, target]));
  // Validate loads the provider's schema, CPU-bound: one per core.
  await runScheduled(
    targets.map((target) => ({ name: target.name, dependsOn: [] })),
    { concurrency: VALIDATE_CONCURRENCY },
    async (name) => {
      try {
        await validateOne(byName.get(name)!);
      } catch (error) {
        // A target that could not be copied (or run) is reported as such; the others still run.
        outcomes.set(name, { errors: [`${name}: ${(error as Error).message}`], valid: false });
      }
      return true;
    },
  );
  const inOrder = targets.map((target) => ({ target, outcome: outcomes.get(target.name)! }));
  errors.push(...inOrder.flatMap(({ outcome }) => outcome.errors));
  const validStacks = inOrder.filter(({ target, outcome }) => target.stack && outcome.valid).length;
  const validModules = inOrder.filter(({ target, outcome }) => !target.stack && outcome.valid).length;
  const provider = available ? `hashicorp/aws ${available} from the local mirror` : `hashicorp/aws ${pinned} from the registry`;
  const stackCount = targets.filter((t) => t.stack).length;
  return {
    tier: 'validate',
    proved: [`terraform validate: ${validStacks}/${stackCount} synthesized stacks and ${validModules}/${targets.length - stackCount} HCL modules valid with no warnings (${provider})`],
    errors,
    findings: [],
    notes,
  };
};
