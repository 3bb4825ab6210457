/**
 * What the scanners report, in one shape, and the findings accepted in code. Pure.
 */
import { ACCEPTED_FINDINGS_KEY, ACCEPTED_MODULE_FINDINGS_KEY, type AcceptedFinding } from '../core/accepted-findings';

export type ScannerTool = 'checkov' | 'trivy' | 'tflint' | 'actionlint' | 'shellcheck' | 'hadolint';

export interface Finding {
  readonly tool: ScannerTool;
  /** The tool's rule id: `CKV_AWS_158`, `AWS-0017`, `terraform_unused_declarations`, `expression`. */
  readonly rule: string;
  /** What was scanned: `modules/network`, a stack name (`dev-booking`) or a workflow file. */
  readonly target: string;
  /** Terraform address inside the target, e.g. `aws_cloudwatch_log_group.log_group_5ECA1C6D`. */
  readonly resource?: string;
  /** `file:line`, relative to the target. */
  readonly location?: string;
  readonly message: string;
  readonly severity?: string;
  /** The reason written in code when the finding is accepted; absent while it is open. */
  readonly acceptedBecause?: string;
}

/** trivy writes `AVD-AWS-0017` in some places and `AWS-0017` in others: compare without the prefix. */
export const normalizeTrivyId = (id: string): string => id.trim().toUpperCase().replace(/^AVD-/, '');

export const isOpen = (finding: Finding): boolean => finding.acceptedBecause === undefined;

/** Accepted findings per resource address (`type.name`) of one synthesized stack. */
export type Acceptances = ReadonlyMap<string, readonly AcceptedFinding[]>;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads `"//": { "accepted_findings": [...] }` of every resource and data source of a stack, and the
 * stack's `"//": { "accepted_module_findings": { <call>: [...] } }` (trivy names a finding inside a
 * called module by the call, `module.<name>`).
 */
export const acceptancesOf = (stackJson: unknown): Acceptances => {
  const result = new Map<string, AcceptedFinding[]>();
  if (!isRecord(stackJson)) return result;
  for (const [blockKind, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    const blocks = stackJson[blockKind];
    if (!isRecord(blocks)) continue;
    for (const [type, byName] of Object.entries(blocks)) {
      if (!isRecord(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        const comment = isRecord(body) ? body['//'] : undefined;
        const accepted = isRecord(comment) ? comment[ACCEPTED_FINDINGS_KEY] : undefined;
        if (Array.isArray(accepted)) result.set(`${prefix}${type}.${name}`, accepted as AcceptedFinding[]);
      }
    }
  }
  const stackComment = stackJson['//'];
  const byModule = isRecord(stackComment) ? stackComment[ACCEPTED_MODULE_FINDINGS_KEY] : undefined;
  if (isRecord(byModule)) {
    for (const [name, accepted] of Object.entries(byModule)) {
      if (Array.isArray(accepted)) result.set(`module.${name}`, accepted as AcceptedFinding[]);
    }
  }
  return result;
};

const ruleOf = (tool: ScannerTool, accepted: AcceptedFinding): string | undefined =>
  tool === 'checkov' ? accepted.checkov : tool === 'trivy' && accepted.trivy ? normalizeTrivyId(accepted.trivy) : undefined;

/** Marks each finding accepted on its own resource for its own rule; every other stays open. */
export const applyAcceptances = (findings: readonly Finding[], acceptances: Acceptances): Finding[] =>
  findings.map((finding) => {
    if (!finding.resource || finding.acceptedBecause !== undefined) return finding;
    const rule = finding.tool === 'trivy' ? normalizeTrivyId(finding.rule) : finding.rule;
    const match = (acceptances.get(finding.resource) ?? []).find((accepted) => ruleOf(finding.tool, accepted) === rule);
    return match ? { ...finding, acceptedBecause: match.reason } : finding;
  });

/**
 * Acceptances that matched nothing: a fix made them stale, or the id is wrong. Either way the code
 * claims something the scanner does not say, so they count as failures too.
 */
export const unusedAcceptances = (tool: 'checkov' | 'trivy', target: string, acceptances: Acceptances, findings: readonly Finding[]): string[] => {
  const stale: string[] = [];
  for (const [resource, accepted] of acceptances) {
    for (const entry of accepted) {
      const rule = ruleOf(tool, entry);
      if (!rule) continue;
      const used = findings.some((f) => f.tool === tool && f.resource === resource && (tool === 'trivy' ? normalizeTrivyId(f.rule) : f.rule) === rule && f.acceptedBecause !== undefined);
      if (!used) stale.push(`${target}: ${resource} accepts ${tool} ${rule}, which ${tool} no longer reports there`);
    }
  }
  return stale;
};
