/**
 * Synthesizes the example environments plus the test-only existing-base environment once per Jest
 * run (in globalSetup) and gives tests typed access to the output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CdktfManifest, readManifest, readStackJson, type TerraformJson } from '../../tooling/cdktf-out';

export type { TerraformJson };

export const SYNTH_OUT_ENV = 'TEST_SYNTH_OUT';
export const SYNTH_ERROR_ENV = 'TEST_SYNTH_ERROR';

/** cdktf's manifest, as every reader of cdktf.out reads it. */
export type Manifest = CdktfManifest;

export function synthOutDir(): string {
  const dir = process.env[SYNTH_OUT_ENV];
  if (!dir) throw new Error(`${SYNTH_OUT_ENV} is not set: is test/support/global-setup.ts configured?`);
  const failure = process.env[SYNTH_ERROR_ENV];
  if (failure) throw new Error(`synthesis in globalSetup failed:\n${failure}`);
  return dir;
}

export function manifest(outdir = synthOutDir()): Manifest {
  return readManifest(outdir);
}

const parsedStacks = new Map<string, TerraformJson>();

/** A stack's synthesized JSON, parsed once per test file (tests only read it). */
export function stackJson(stack: string, outdir = synthOutDir()): TerraformJson {
  const key = path.join(outdir, stack);
  let parsed = parsedStacks.get(key);
  if (!parsed) {
    parsed = readStackJson(outdir, { name: stack });
    parsedStacks.set(key, parsed);
  }
  return parsed;
}

/** Resources of one type in a stack, by their Terraform name. */
export function resources(stack: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return stack.resource?.[type] ?? {};
}

/** Every file below a directory (recursively). */
export function filesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Every file below `dir` by its path relative to `dir`, with its bytes. */
export function treeOf(dir: string): Map<string, Buffer> {
  return new Map(filesBelow(dir).map((file) => [path.relative(dir, file), fs.readFileSync(file)]));
}

/** The two trees hold the same files with the same bytes; a difference names the file. */
export function expectSameTree(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [file, bytes] of actual) {
    if (!bytes.equals(expected.get(file)!)) expect({ file, text: bytes.toString('utf8') }).toEqual({ file, text: expected.get(file)!.toString('utf8') });
  }
}
