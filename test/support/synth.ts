/**
 * Synthesizes the example environments plus the test-only existing-base environment once per Jest
 * run (in globalSetup) and gives tests typed access to the output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CdktfManifest } from '../../plan-review/stack-order';

export const SYNTH_OUT_ENV = 'TEST_SYNTH_OUT';
export const SYNTH_ERROR_ENV = 'TEST_SYNTH_ERROR';

export interface TerraformJson {
  terraform: { backend?: Record<string, Record<string, unknown>>; required_providers?: Record<string, unknown> };
  provider?: Record<string, unknown[]>;
  module?: Record<string, Record<string, unknown>>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; description?: string }>;
}

/** cdktf's manifest, as the plan command reads it. */
export type Manifest = CdktfManifest;

export function synthOutDir(): string {
  const dir = process.env[SYNTH_OUT_ENV];
  if (!dir) throw new Error(`${SYNTH_OUT_ENV} is not set: is test/support/global-setup.ts configured?`);
  const failure = process.env[SYNTH_ERROR_ENV];
  if (failure) throw new Error(`synthesis in globalSetup failed:\n${failure}`);
  return dir;
}

export function manifest(outdir = synthOutDir()): Manifest {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Manifest;
}

const parsedStacks = new Map<string, TerraformJson>();

/** A stack's synthesized JSON, parsed once per test file (tests only read it). */
export function stackJson(stack: string, outdir = synthOutDir()): TerraformJson {
  const file = path.join(outdir, 'stacks', stack, 'cdk.tf.json');
  let parsed = parsedStacks.get(file);
  if (!parsed) {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as TerraformJson;
    parsedStacks.set(file, parsed);
  }
  return parsed;
}

/** Resources of one type in a stack, by their Terraform name. */
export function resources(stack: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return stack.resource?.[type] ?? {};
}

/** Every file below a directory (recursively). */
export function filesBelow(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
