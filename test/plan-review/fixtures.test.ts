/**
 * The committed terraform_data fixtures are genuine: where Terraform is installed, regenerate every
 * scenario and compare the structure (timestamps, versions and random ids normalized away).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { generatePlan, normalizePlan, planScenarios, renderSample } from '../../scripts/generate-plan-fixtures';
import { FIXTURES, fixtureJson } from './helpers';
import { findTerraform, shortLivedTerraformProcesses } from '../support/terraform';

const installed = findTerraform()?.version;
shortLivedTerraformProcesses();
const committedVersion = (fixtureJson('terraform/create.json') as { terraform_version: string }).terraform_version;
/** Another minor version may legitimately change the JSON; then only the committed files are used. */
const sameMinor = installed !== undefined && installed.split('.').slice(0, 2).join('.') === committedVersion.split('.').slice(0, 2).join('.');

describe('terraform_data fixtures', () => {
  it('one committed fixture per scenario', () => {
    expect(readdirSync(join(FIXTURES, 'terraform')).sort()).toEqual(planScenarios.map((s) => `${s.name}.json`).sort());
  });

  (sameMinor ? it : it.skip)(
    `regenerate with terraform ${installed ?? '(not installed)'} and compare`,
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'plan-fixtures-'));
      try {
        for (const scenario of planScenarios) {
          const fresh = generatePlan(scenario, join(dir, scenario.name));
          expect({ [scenario.name]: normalizePlan(fresh) }).toEqual({ [scenario.name]: normalizePlan(fixtureJson(`terraform/${scenario.name}.json`)) });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it('normalization removes only volatile fields', () => {
    expect(normalizePlan({ timestamp: 't', terraform_version: '1.11.4', id: '9f1c2a4e-0b1d-4c3e-8f5a-1234567890ab', input: 'x', list: [{ terraform_version: 'x', a: 1 }] })).toEqual({
      id: '<uuid>',
      input: 'x',
      list: [{ a: 1 }],
    });
  });

  it('docs/sample-plan-summary.md is the current rendering of the fixtures (regenerate with --sample)', () => {
    const committed = readFileSync(join(FIXTURES, '..', '..', '..', 'docs', 'sample-plan-summary.md'), 'utf8');
    expect(committed).toBe(renderSample());
  });
});
