import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unsupportedNodeMessage } from '../../tooling/node-version';
import { SYNTH_ERROR_ENV, SYNTH_OUT_ENV } from './synth';
import { TERRAFORM_ENV } from './terraform';
import { installedTerraform } from '../../tooling/terraform';

/**
 * One synth of every example environment and the existing-base test environment, shared by all
 * test files, and which Terraform is installed (test/support/terraform.ts). A synth failure is
 * recorded rather than thrown, so that tests which do not read the synthesized output still run,
 * and those which do fail with the synth error.
 */
export default function globalSetup(): void {
  // One clear line instead of dozens of obscure failures on an unsupported Node.
  const engines = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const unsupported = unsupportedNodeMessage(process.versions.node, engines);
  if (unsupported) throw new Error(unsupported);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-test-'));
  process.env[SYNTH_OUT_ENV] = outdir;
  // Which Terraform the tests find, asked once here rather than once per test file.
  process.env[TERRAFORM_ENV] = JSON.stringify(installedTerraform() ?? null);
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { example } = require('../invariants/subject') as typeof import('../invariants/subject');
    const { synthesize } = require('../../stacks/app') as typeof import('../../stacks/app');
    const { githubRepository } = require('../../environments/github') as typeof import('../../environments/github');
    synthesize({ catalog: example.catalog, environments: example.environments, repository: githubRepository, outdir });
  } catch (error) {
    process.env[SYNTH_ERROR_ENV] = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}
