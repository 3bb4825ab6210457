/**
 * Tier `trivy`: trivy's misconfiguration checks (embedded in the binary; no check-bundle download)
 * over the HCL modules, where `#trivy:ignore:<id>` comments accept a finding, and over the
 * synthesized stacks, where the resource's `"//"` object does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, stackDir, stackNames, type VerifyContext } from './context';
import { failureText, runCommand } from './exec';
import { acceptancesOf, applyAcceptances, normalizeTrivyId, unusedAcceptances, type Finding } from './findings';
import type { TierReport } from './report';
import { missingTool } from './tools';
import { moduleNames } from './validate';

interface TrivyMisconfiguration {
  readonly ID: string;
  readonly AVDID?: string;
  readonly Title: string;
  readonly Message?: string;
  readonly Severity: string;
  readonly Status: string;
  readonly CauseMetadata?: { readonly Resource?: string; readonly StartLine?: number };
}

interface TrivyResult {
  readonly Target: string;
  readonly MisconfSummary?: { readonly Successes: number; readonly Failures: number };
  readonly Misconfigurations?: TrivyMisconfiguration[];
}

export interface TrivyScan {
  readonly successes: number;
  readonly findings: Finding[];
}

/** `trivy config --format json` output → failed checks as findings for `target`. */
export const parseTrivyOutput = (stdout: string, target: string): TrivyScan => {
  let parsed: { Results?: TrivyResult[] };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new Error(`trivy printed no JSON: ${stdout.slice(0, 200)}`);
  }
  if (!parsed || typeof parsed !== 'object') throw new Error('trivy JSON: expected a report object');
  let successes = 0;
  const findings: Finding[] = [];
  for (const result of parsed.Results ?? []) {
    successes += result.MisconfSummary?.Successes ?? 0;
    for (const m of result.Misconfigurations ?? []) {
      if (m.Status !== 'FAIL') continue;
      findings.push({
        tool: 'trivy',
        rule: normalizeTrivyId(m.AVDID ?? m.ID),
        target,
        ...(m.CauseMetadata?.Resource ? { resource: m.CauseMetadata.Resource } : {}),
        location: `${result.Target.split('/').pop()}:${m.CauseMetadata?.StartLine ?? '?'}`,
        message: m.Message ? `${m.Title}: ${m.Message}` : m.Title,
        severity: m.Severity,
      });
    }
  }
  return { successes, findings };
};

export const runTrivyTier = (context: VerifyContext): Omit<TierReport, 'seconds'> => {
  const trivy = context.tools.trivy;
  if (!trivy) return { tier: 'trivy', proved: [], errors: [missingTool('trivy')], findings: [], notes: [] };
  const errors: string[] = [];
  const findings: Finding[] = [];
  const proved: string[] = [];
  const scan = (target: string, directory: string): TrivyScan | undefined => {
    const run = runCommand(
      trivy,
      // The checks embedded in the binary: no download of the check bundle, nothing else fetched.
      ['config', '--skip-check-update', '--cache-dir', join(context.tools.cacheDir, 'trivy-cache'), '--format', 'json', '--quiet', '--misconfig-scanners', 'terraform', directory],
      { cwd: context.repoRoot, env: context.env, nice: true },
    );
    try {
      if (run.status !== 0) throw new Error('trivy failed');
      return parseTrivyOutput(run.stdout, target);
    } catch (error) {
      errors.push(`${target}: ${(error as Error).message}; ${failureText(run)}`);
      return undefined;
    }
  };

  let moduleSuccesses = 0;
  let moduleFailures = 0;
  for (const name of moduleNames(context.repoRoot)) {
    const result = scan(`modules/${name}`, join(context.repoRoot, 'modules', name));
    if (!result) continue;
    moduleSuccesses += result.successes;
    moduleFailures += result.findings.length;
    findings.push(...result.findings);
  }
  proved.push(`modules: ${moduleSuccesses} checks passed, ${moduleFailures} failed (accepted ones are ignored in code with #trivy:ignore)`);

  const manifest = readManifest(context);
  let stackSuccesses = 0;
  let stackFailures = 0;
  let accepted = 0;
  for (const stack of stackNames(manifest)) {
    const directory = stackDir(context, manifest, stack);
    const result = scan(stack, directory);
    if (!result) continue;
    const json = JSON.parse(readFileSync(join(directory, 'cdk.tf.json'), 'utf8')) as unknown;
    const acceptances = acceptancesOf(json);
    const stackFindings = applyAcceptances(result.findings, acceptances);
    stackSuccesses += result.successes;
    stackFailures += stackFindings.filter((f) => f.acceptedBecause === undefined).length;
    accepted += stackFindings.length - stackFindings.filter((f) => f.acceptedBecause === undefined).length;
    findings.push(...stackFindings);
    errors.push(...unusedAcceptances('trivy', stack, acceptances, stackFindings));
  }
  proved.push(`${stackNames(manifest).length} synthesized stacks: ${stackSuccesses} checks passed, ${stackFailures} failed, ${accepted} accepted in code`);
  return { tier: 'trivy', proved, errors, findings, notes: [] };
};
