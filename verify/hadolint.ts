/**
 * Tier `hadolint`: the Dockerfile that builds the task images, with the repository's .hadolint.yaml
 * (every finding fails, down to style) — what `npm run lint:dockerfile` runs, through the same
 * tooling/hadolint.ts, at the version pinned there (its one home).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HADOLINT_VERSION, hadolintVersion, missingHadolintMessage, runHadolint, type HadolintFinding } from '../tooling/hadolint';
import type { VerifyContext } from './context';
import type { Finding } from './findings';
import type { TierReport } from './report';

export const DOCKERFILE = 'Dockerfile';
export const HADOLINT_CONFIG = '.hadolint.yaml';

export const hadolintFinding = (file: string, finding: HadolintFinding): Finding => ({
  tool: 'hadolint',
  rule: finding.code,
  target: file,
  location: `${file}:${finding.line}`,
  message: finding.message,
  severity: finding.level,
});

export const runHadolintTier = (context: VerifyContext): Omit<TierReport, 'seconds'> => {
  const report = (parts: Partial<Omit<TierReport, 'seconds' | 'tier'>>): Omit<TierReport, 'seconds'> => ({ tier: 'hadolint', proved: [], errors: [], findings: [], notes: [], ...parts });
  const binary = context.tools.hadolint;
  if (!binary) return report({ errors: [missingHadolintMessage()] });
  const version = hadolintVersion(binary);
  if (version !== HADOLINT_VERSION) {
    return report({ errors: [`${binary} is hadolint ${version ?? '(unknown version)'}, not the pinned ${HADOLINT_VERSION}: run \`npm run lint:dockerfile -- --install\``] });
  }
  const dockerfile = join(context.repoRoot, DOCKERFILE);
  if (!existsSync(dockerfile)) return report({ errors: [`no ${DOCKERFILE} at the repository root`] });
  const result = runHadolint(binary, dockerfile, join(context.repoRoot, HADOLINT_CONFIG));
  const findings = result.findings.map((finding) => hadolintFinding(DOCKERFILE, finding));
  // Exit 1 with findings is "found problems"; without findings, hadolint itself failed.
  const errors = result.status !== 0 && findings.length === 0 ? [`hadolint failed (exit ${result.status ?? 'none'}): ${result.error}`] : [];
  return report({
    proved: errors.length ? [] : [`${DOCKERFILE} linted by hadolint ${version} with ${HADOLINT_CONFIG} (failure threshold: style): ${findings.length} findings`],
    errors,
    findings,
  });
};
