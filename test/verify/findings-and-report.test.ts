/**
 * The verify tier's bookkeeping: which findings are accepted in code, which acceptances are stale,
 * and the report and closing line. Pure; no tool needed.
 */
import { acceptancesOf, applyAcceptances, normalizeTrivyId, unusedAcceptances, type Finding } from '../../verify/findings';
import { formatTier, summaryLine, tierPassed, timingLine, type TierReport } from '../../verify/report';

const stack = {
  resource: {
    aws_cloudwatch_log_group: {
      logs: {
        name: 'x',
        '//': {
          metadata: { path: 's/logs' },
          accepted_findings: [{ checkov: 'CKV_AWS_158', trivy: 'AVD-AWS-0017', reason: 'CloudWatch Logs encrypts log data at rest by default' }],
        },
      },
      other: { name: 'y', '//': { metadata: { path: 's/other' } } },
    },
  },
  data: { aws_availability_zones: { zones: { '//': { accepted_findings: [{ checkov: 'CKV_AWS_394', reason: 'bounded by az_count' }] } } } },
  '//': { metadata: {}, accepted_module_findings: { network: [{ trivy: 'AWS-0178', reason: 'dev records no flow logs' }] } },
};

const checkov = (resource: string, rule = 'CKV_AWS_158'): Finding => ({ tool: 'checkov', rule, target: 'dev-a', resource, message: 'm' });

describe('acceptancesOf', () => {
  it('reads accepted findings of resources, data sources and module calls by address, and nothing else', () => {
    const acceptances = acceptancesOf(stack);
    expect([...acceptances.keys()].sort()).toEqual(['aws_cloudwatch_log_group.logs', 'data.aws_availability_zones.zones', 'module.network']);
    expect(acceptances.get('module.network')?.[0]?.trivy).toBe('AWS-0178');
    expect(acceptances.get('aws_cloudwatch_log_group.logs')?.[0]?.checkov).toBe('CKV_AWS_158');
  });

  it('tolerates stacks without resources or with malformed comments', () => {
    expect(acceptancesOf({}).size).toBe(0);
    expect(acceptancesOf(null).size).toBe(0);
    expect(acceptancesOf({ resource: { t: { n: { '//': 'text' } } } }).size).toBe(0);
  });
});

describe('applyAcceptances', () => {
  const acceptances = acceptancesOf(stack);

  it('accepts a finding only for its own resource and rule, with the reason from the code', () => {
    const [accepted, otherRule, otherResource, noResource] = applyAcceptances(
      [checkov('aws_cloudwatch_log_group.logs'), checkov('aws_cloudwatch_log_group.logs', 'CKV_AWS_338'), checkov('aws_cloudwatch_log_group.other'), { ...checkov(''), resource: undefined }],
      acceptances,
    );
    expect(accepted!.acceptedBecause).toBe('CloudWatch Logs encrypts log data at rest by default');
    expect(otherRule!.acceptedBecause).toBeUndefined();
    expect(otherResource!.acceptedBecause).toBeUndefined();
    expect(noResource!.acceptedBecause).toBeUndefined();
  });

  it('matches trivy ids with or without the AVD- prefix, and never across tools', () => {
    const trivy: Finding = { tool: 'trivy', rule: 'AWS-0017', target: 'dev-a', resource: 'aws_cloudwatch_log_group.logs', message: 'm' };
    expect(applyAcceptances([trivy], acceptances)[0]!.acceptedBecause).toBeDefined();
    const tflint: Finding = { ...trivy, tool: 'tflint', rule: 'CKV_AWS_158' };
    expect(applyAcceptances([tflint], acceptances)[0]!.acceptedBecause).toBeUndefined();
  });

  it('normalizes trivy ids', () => {
    expect(normalizeTrivyId(' avd-aws-0017 ')).toBe('AWS-0017');
    expect(normalizeTrivyId('AWS-0017')).toBe('AWS-0017');
  });
});

describe('unusedAcceptances', () => {
  it('reports acceptances the scanner no longer needs, per tool', () => {
    const acceptances = acceptancesOf(stack);
    const findings = applyAcceptances([checkov('aws_cloudwatch_log_group.logs')], acceptances);
    expect(unusedAcceptances('checkov', 'dev-a', acceptances, findings)).toEqual([
      'dev-a: data.aws_availability_zones.zones accepts checkov CKV_AWS_394, which checkov no longer reports there',
    ]);
    expect(unusedAcceptances('trivy', 'dev-a', acceptances, findings)).toEqual([
      'dev-a: aws_cloudwatch_log_group.logs accepts trivy AWS-0017, which trivy no longer reports there',
      'dev-a: module.network accepts trivy AWS-0178, which trivy no longer reports there',
    ]);
  });
});

describe('report', () => {
  const base: TierReport = { tier: 'checkov', proved: ['scanned'], errors: [], findings: [], notes: [], seconds: 1.25 };

  it('passes a tier only without errors and without open findings', () => {
    expect(tierPassed(base)).toBe(true);
    expect(tierPassed({ ...base, errors: ['boom'] })).toBe(false);
    expect(tierPassed({ ...base, findings: [checkov('r')] })).toBe(false);
    expect(tierPassed({ ...base, findings: [{ ...checkov('r'), acceptedBecause: 'why' }] })).toBe(true);
  });

  it('ends with the plain "N passed, N failed" line', () => {
    expect(summaryLine([base, { ...base, tier: 'trivy', errors: ['x'] }, { ...base, tier: 'tflint' }])).toBe('verify: 2 passed, 1 failed');
    expect(timingLine([base, { ...base, tier: 'trivy', errors: ['x'] }])).toBe('tiers: checkov 1.3 s · trivy 1.3 s (failed) · total 2.5 s');
  });

  it('prints what was proved, open findings, errors and accepted findings grouped by rule', () => {
    const lines = formatTier({
      ...base,
      notes: ['relaxed pin'],
      errors: ['stale acceptance'],
      findings: [checkov('aws_sqs_queue.q', 'CKV_AWS_27'), { ...checkov('a'), acceptedBecause: 'reason one' }, { ...checkov('b'), acceptedBecause: 'reason one' }],
    });
    expect(lines[0]).toBe('── checkov: FAILED (1.3 s)');
    expect(lines).toContain('   ✓ scanned');
    expect(lines).toContain('   note: relaxed pin');
    expect(lines).toContain('   ✗ checkov CKV_AWS_27 dev-a aws_sqs_queue.q: m');
    expect(lines).toContain('   ✗ stale acceptance');
    expect(lines).toContain('   accepted checkov CKV_AWS_158 ×2: reason one');
  });
});
