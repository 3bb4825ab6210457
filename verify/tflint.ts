/**
 * Tier `tflint`: tflint with its bundled Terraform rules and tflint-ruleset-aws (built locally into
 * tflint's plugin directory) over each HCL module and each synthesized stack. Modules get every
 * Terraform rule (`preset = "all"`: documented and typed variables, naming, standard structure);
 * synthesized JSON gets the recommended set, since its names are cdktf's, not ours.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, stackDir, stackNames, type VerifyContext } from './context';
import { failureText, runCommand } from './exec';
import type { Finding } from './findings';
import type { TierReport } from './report';
import { missingTool } from './tools';
import { moduleNames } from './validate';

export type TflintPreset = 'all' | 'recommended';

/** tflint's config: local modules are evaluated where they are called; the AWS plugin when built. */
export const tflintConfig = (preset: TflintPreset, withAwsRuleset: boolean): string =>
  [
    'config {',
    '  call_module_type = "local"',
    '}',
    '',
    'plugin "terraform" {',
    '  enabled = true',
    `  preset  = "${preset}"`,
    '}',
    ...(withAwsRuleset ? ['', '# Built from the Go module proxy into TFLINT_PLUGIN_DIR by verify/bootstrap-tools.sh.', 'plugin "aws" {', '  enabled = true', '}'] : []),
    '',
  ].join('\n');

interface TflintIssue {
  readonly rule: { readonly name: string; readonly severity: string };
  readonly message: string;
  readonly range: { readonly filename: string; readonly start: { readonly line: number } };
}

interface TflintError {
  readonly message: string;
  readonly summary?: string;
  readonly severity?: string;
}

/** `tflint --format json` output → findings for `target`, and the errors tflint itself hit. */
export const parseTflintOutput = (stdout: string, target: string): { findings: Finding[]; errors: string[] } => {
  let parsed: { issues?: TflintIssue[]; errors?: TflintError[] };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new Error(`tflint printed no JSON: ${stdout.slice(0, 200)}`);
  }
  if (!Array.isArray(parsed.issues) || !Array.isArray(parsed.errors)) throw new Error('tflint JSON: expected "issues" and "errors"');
  return {
    findings: parsed.issues.map((issue) => ({
      tool: 'tflint' as const,
      rule: issue.rule.name,
      target,
      location: `${issue.range.filename.split('/').pop()}:${issue.range.start.line}`,
      message: issue.message,
      severity: issue.rule.severity,
    })),
    errors: parsed.errors.map((error) => `${target}: tflint: ${error.summary ?? error.message}`),
  };
};

export const runTflintTier = (context: VerifyContext): Omit<TierReport, 'seconds'> => {
  const tflint = context.tools.tflint;
  if (!tflint) return { tier: 'tflint', proved: [], errors: [missingTool('tflint')], findings: [], notes: [] };
  const pluginDir = context.tools.tflintPluginDir;
  const errors: string[] = [];
  const findings: Finding[] = [];
  const notes: string[] = [];
  if (!pluginDir) {
    errors.push(`tflint-ruleset-aws is not in ${join(context.tools.cacheDir, 'tflint-plugins')}: run \`bash verify/bootstrap-tools.sh tflint-ruleset-aws\``);
  }
  const configDir = join(context.workDir, 'tflint');
  mkdirSync(configDir, { recursive: true });
  const configs: Record<TflintPreset, string> = { all: join(configDir, 'modules.tflint.hcl'), recommended: join(configDir, 'stacks.tflint.hcl') };
  for (const preset of ['all', 'recommended'] as const) writeFileSync(configs[preset], tflintConfig(preset, pluginDir !== undefined));
  const env = { ...context.env, ...(pluginDir ? { TFLINT_PLUGIN_DIR: pluginDir } : {}) };

  const lint = (target: string, directory: string, preset: TflintPreset): void => {
    const run = runCommand(tflint, [`--chdir=${directory}`, `--config=${configs[preset]}`, '--format=json', '--no-color'], { cwd: context.repoRoot, env });
    try {
      const result = parseTflintOutput(run.stdout, target);
      findings.push(...result.findings);
      errors.push(...result.errors);
    } catch (error) {
      errors.push(`${target}: ${(error as Error).message}; ${failureText(run)}`);
    }
  };
  const modules = moduleNames(context.repoRoot);
  for (const name of modules) lint(`modules/${name}`, join(context.repoRoot, 'modules', name), 'all');
  const manifest = readManifest(context);
  const stacks = stackNames(manifest);
  for (const stack of stacks) lint(stack, stackDir(context, manifest, stack), 'recommended');
  const rulesets = pluginDir ? 'bundled Terraform rules and tflint-ruleset-aws' : 'bundled Terraform rules only';
  return {
    tier: 'tflint',
    proved: [`${modules.length} modules (preset all) and ${stacks.length} synthesized stacks (preset recommended) linted with ${rulesets}: ${findings.length} issues`],
    errors,
    findings,
    notes,
  };
};
