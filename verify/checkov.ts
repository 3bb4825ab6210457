/**
 * Tier `checkov`: checkov's Terraform checks over the HCL modules (framework `terraform`, where
 * `#checkov:skip=ID:reason` comments next to a resource accept a finding) and over the synthesized
 * stacks (framework `terraform_json`, where the resource's `"//"` object carries accepted findings).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, stackDir, stackNames, type VerifyContext } from './context';
import { failureText, runCommand } from './exec';
import { acceptancesOf, applyAcceptances, unusedAcceptances, type Finding } from './findings';
import type { TierReport } from './report';
import { missingTool } from './tools';

interface CheckovRecord {
  readonly check_id: string;
  readonly check_name: string;
  readonly file_path: string;
  readonly file_line_range?: readonly number[];
  readonly resource: string;
  readonly severity?: string | null;
  readonly check_result?: { readonly result: string; readonly suppress_comment?: string };
}

interface CheckovReport {
  readonly check_type?: string;
  readonly results?: { readonly passed_checks?: CheckovRecord[]; readonly failed_checks?: CheckovRecord[]; readonly skipped_checks?: CheckovRecord[] };
  readonly summary?: { readonly passed: number; readonly failed: number; readonly skipped: number; readonly parsing_errors: number };
}

export interface CheckovResult {
  readonly passed: number;
  readonly failed: CheckovRecord[];
  readonly skipped: CheckovRecord[];
  readonly parsingErrors: number;
}

/** checkov `-o json` prints one report, or a list of them (one per framework); an empty scan prints a bare summary. */
export const parseCheckovOutput = (stdout: string): CheckovResult => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`checkov printed no JSON: ${stdout.slice(0, 200)}`);
  }
  const reports = (Array.isArray(parsed) ? parsed : [parsed]) as CheckovReport[];
  const result = { passed: 0, failed: [] as CheckovRecord[], skipped: [] as CheckovRecord[], parsingErrors: 0 };
  for (const report of reports) {
    if (!report || typeof report !== 'object') throw new Error('checkov JSON: expected report objects');
    result.passed += report.summary?.passed ?? 0;
    result.parsingErrors += report.summary?.parsing_errors ?? 0;
    result.failed.push(...(report.results?.failed_checks ?? []));
    result.skipped.push(...(report.results?.skipped_checks ?? []));
  }
  return result;
};

/** `/dev-booking/cdk.tf.json` → `dev-booking`; `/network/main.tf` → `network`. */
const firstSegment = (filePath: string): string => filePath.replace(/^\/+/, '').split('/')[0] ?? filePath;

/**
 * checkov names a JSON resource `resource.<name>` (its Python checks) or `<type>.<name>` (its graph
 * checks); cdktf names are unique in a stack, so the stack's own JSON gives the full address.
 */
export const addressIn = (stackJson: Record<string, unknown>, checkovResource: string): string => {
  const [head, ...rest] = checkovResource.split('.');
  const name = rest.join('.');
  if (head !== 'resource' && head !== 'data') return checkovResource;
  const blocks = (stackJson[head] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [type, byName] of Object.entries(blocks)) {
    if (name in byName) return head === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
  }
  return checkovResource;
};

const finding = (record: CheckovRecord, target: string, resource: string, acceptedBecause?: string): Finding => ({
  tool: 'checkov',
  rule: record.check_id,
  target,
  resource,
  location: `${record.file_path.split('/').pop()}:${record.file_line_range?.[0] ?? '?'}`,
  message: record.check_name,
  ...(record.severity ? { severity: record.severity } : {}),
  ...(acceptedBecause !== undefined ? { acceptedBecause } : {}),
});

/**
 * The stack as checkov 3.3's `terraform_json` parser can read it. That parser only accepts objects
 * inside the `terraform` block and crashes on `required_version` (a string); the block holds no
 * resource, so the copy turns that key into a `//` comment. Same layout as cdktf's
 * `JSON.stringify(…, null, 2)`, so line numbers still point into the real `cdk.tf.json`.
 */
export const forCheckov = (stackText: string): string => {
  const stack = JSON.parse(stackText) as Record<string, unknown>;
  const terraform = stack.terraform as Record<string, unknown> | undefined;
  if (!terraform || !('required_version' in terraform)) return stackText;
  stack.terraform = Object.fromEntries(Object.entries(terraform).map(([key, value]) => [key === 'required_version' ? '//' : key, value]));
  return JSON.stringify(stack, null, 2);
};

/** Module findings: failed checks are open; `#checkov:skip` ones are accepted, and need a reason. */
export const moduleFindings = (result: CheckovResult): { findings: Finding[]; errors: string[] } => {
  const errors: string[] = [];
  const findings = [
    ...result.failed.map((r) => finding(r, `modules/${firstSegment(r.file_path)}`, r.resource)),
    ...result.skipped.map((r) => {
      const reason = r.check_result?.suppress_comment?.trim() ?? '';
      if (reason === '' || reason === 'No comment provided') {
        errors.push(`modules/${firstSegment(r.file_path)} ${r.resource}: #checkov:skip=${r.check_id} gives no reason`);
      }
      return finding(r, `modules/${firstSegment(r.file_path)}`, r.resource, reason || 'no reason given');
    }),
  ];
  return { findings, errors };
};

export const runCheckovTier = (context: VerifyContext): Omit<TierReport, 'seconds'> => {
  const checkov = context.tools.checkov;
  if (!checkov) return { tier: 'checkov', proved: [], errors: [missingTool('checkov')], findings: [], notes: [] };
  const errors: string[] = [];
  const findings: Finding[] = [];
  const proved: string[] = [];
  // --skip-download: no calls to the vendor's platform (none is reachable, and none is needed).
  const common = ['--skip-download', '--compact', '-o', 'json'];
  const env = { ...context.env, BC_SKIP_MAPPING: 'TRUE', LOG_LEVEL: 'ERROR' };

  const modules = runCommand(checkov, ['-d', 'modules', '--framework', 'terraform', ...common], { cwd: context.repoRoot, env, nice: true });
  try {
    const result = parseCheckovOutput(modules.stdout);
    if (result.parsingErrors > 0) errors.push(`checkov could not parse ${result.parsingErrors} module file(s)`);
    const modulePart = moduleFindings(result);
    findings.push(...modulePart.findings);
    errors.push(...modulePart.errors);
    proved.push(`modules: ${result.passed} checks passed, ${result.failed.length} failed, ${result.skipped.length} accepted in code`);
  } catch (error) {
    errors.push(`modules: ${(error as Error).message}; ${failureText(modules)}`);
  }

  const manifest = readManifest(context);
  const scratch = join(context.workDir, 'checkov');
  rmSync(scratch, { recursive: true, force: true });
  for (const stack of stackNames(manifest)) {
    mkdirSync(join(scratch, stack), { recursive: true });
    writeFileSync(join(scratch, stack, 'cdk.tf.json'), forCheckov(readFileSync(join(stackDir(context, manifest, stack), 'cdk.tf.json'), 'utf8')));
  }
  const stacks = runCommand(checkov, ['-d', scratch, '--framework', 'terraform_json', ...common], {
    cwd: context.repoRoot,
    env,
    nice: true,
  });
  try {
    const result = parseCheckovOutput(stacks.stdout);
    if (result.parsingErrors > 0) errors.push(`checkov could not parse ${result.parsingErrors} synthesized file(s)`);
    const byStack = new Map<string, CheckovRecord[]>();
    for (const record of result.failed) byStack.set(firstSegment(record.file_path), [...(byStack.get(firstSegment(record.file_path)) ?? []), record]);
    let accepted = 0;
    for (const stack of stackNames(manifest)) {
      const json = JSON.parse(readFileSync(join(stackDir(context, manifest, stack), 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;
      const acceptances = acceptancesOf(json);
      const stackFindings = applyAcceptances(
        (byStack.get(stack) ?? []).map((r) => finding(r, stack, addressIn(json, r.resource))),
        acceptances,
      );
      accepted += stackFindings.filter((f) => f.acceptedBecause !== undefined).length;
      findings.push(...stackFindings);
      errors.push(...unusedAcceptances('checkov', stack, acceptances, stackFindings));
    }
    proved.push(`${stackNames(manifest).length} synthesized stacks: ${result.passed} checks passed, ${result.failed.length - accepted} failed, ${accepted} accepted in code`);
  } catch (error) {
    errors.push(`stacks: ${(error as Error).message}; ${failureText(stacks)}`);
  }
  return { tier: 'checkov', proved, errors, findings, notes: [] };
};
