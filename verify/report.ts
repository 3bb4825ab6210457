/**
 * What each tier proved, and the one summary line `npm run verify` ends with. Pure.
 */
import { isOpen, type Finding } from './findings';

export type TierName = 'validate' | 'tflint' | 'checkov' | 'trivy' | 'actionlint' | 'hadolint' | 'emulator';

export const TIER_ORDER: readonly TierName[] = ['validate', 'tflint', 'checkov', 'trivy', 'actionlint', 'hadolint', 'emulator'];

export interface TierReport {
  readonly tier: TierName;
  /** What was established, one line each (`validated 21 stacks and 4 modules with hashicorp/aws 6.47.1`). */
  readonly proved: readonly string[];
  /** Everything that makes the tier fail besides open findings: tool errors, stale acceptances, diffs. */
  readonly errors: readonly string[];
  readonly findings: readonly Finding[];
  /** Caveats a reader must know (a relaxed provider pin, a rule set that could not be had). */
  readonly notes: readonly string[];
  readonly seconds: number;
}

export const tierPassed = (report: TierReport): boolean => report.errors.length === 0 && !report.findings.some(isOpen);

const describeFinding = (finding: Finding): string => {
  const where = [finding.target, finding.resource, finding.location].filter(Boolean).join(' ');
  const severity = finding.severity ? ` [${finding.severity}]` : '';
  return `${finding.tool} ${finding.rule}${severity} ${where}: ${finding.message}`;
};

/** The tier's block of output: status, what it proved, open findings, errors, accepted findings by rule. */
export const formatTier = (report: TierReport): string[] => {
  const open = report.findings.filter(isOpen);
  const accepted = report.findings.filter((f) => !isOpen(f));
  const lines = [`── ${report.tier}: ${tierPassed(report) ? 'PASSED' : 'FAILED'} (${report.seconds.toFixed(1)} s)`];
  for (const line of report.proved) lines.push(`   ✓ ${line}`);
  for (const note of report.notes) lines.push(`   note: ${note}`);
  for (const finding of open) lines.push(`   ✗ ${describeFinding(finding)}`);
  for (const error of report.errors) lines.push(`   ✗ ${error}`);
  const byRule = new Map<string, { count: number; reasons: Set<string> }>();
  for (const finding of accepted) {
    const key = `${finding.tool} ${finding.rule}`;
    const entry = byRule.get(key) ?? { count: 0, reasons: new Set<string>() };
    entry.count += 1;
    entry.reasons.add(finding.acceptedBecause!);
    byRule.set(key, entry);
  }
  for (const [rule, { count, reasons }] of byRule) {
    lines.push(`   accepted ${rule} ×${count}: ${[...reasons].join(' | ')}`);
  }
  return lines;
};

/** `verify: 6 passed, 0 failed`: the closing line, alone, in the form CI reads. */
export const summaryLine = (reports: readonly TierReport[]): string => {
  const passed = reports.filter(tierPassed).length;
  return `verify: ${passed} passed, ${reports.length - passed} failed`;
};

/** One line of timings, in tier order: `validate 41.2 s · tflint 6.0 s · …`. */
export const timingLine = (reports: readonly TierReport[]): string => {
  const total = reports.reduce((sum, r) => sum + r.seconds, 0);
  return `tiers: ${reports.map((r) => `${r.tier} ${r.seconds.toFixed(1)} s${tierPassed(r) ? '' : ' (failed)'}`).join(' · ')} · total ${total.toFixed(1)} s`;
};
