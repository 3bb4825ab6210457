/**
 * asl-validator, the tests' independent check of our ASL, with its acceptances remembered. It builds
 * and compiles its JSON schemas anew on every call (0.1–0.2 CPU-seconds a definition), which made
 * it the larger part of the files that validate every synthesized definition. A definition it
 * accepted once is accepted again: the result depends on the definition and on the validator's code
 * alone, so acceptances are kept in this process and, across processes and runs, under
 * node_modules/.cache keyed by the definition's JSON and the versions of asl-validator and of the
 * packages it validates with (as local/asl-interpreter.ts keeps the interpreter's). A refusal is
 * never remembered: it is validated again, with its errors, every time. A clean clone starts cold.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AslValidation {
  readonly isValid: boolean;
  /** The errors, one per line (or joined by `separator`); empty when valid. */
  errorsText(separator?: string): string;
}

// asl-validator ships no type declarations; this is its documented signature.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => AslValidation;

/** The code that decides: asl-validator and what it validates with, by their installed versions. */
function validatorVersions(): string {
  const validatorDir = path.dirname(require.resolve('asl-validator/package.json'));
  const versionOf = (manifest: string) => (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  const names = ['ajv', 'ajv-formats', 'asl-path-validator', 'jsonata', 'jsonpath-plus'];
  const dependencies = names.map((name) => `${name}@${versionOf(require.resolve(`${name}/package.json`, { paths: [validatorDir] }))}`);
  return [`asl-validator@${versionOf(path.join(validatorDir, 'package.json'))}`, ...dependencies].join(' ');
}

const CACHE_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'asl-validator-accepted', createHash('sha256').update(validatorVersions()).digest('hex').slice(0, 16));
const acceptedHere = new Set<string>();
const ACCEPTED: AslValidation = { isValid: true, errorsText: () => '' };

/** asl-validator's verdict on `definition` (never modified: the validator is given a copy). */
export function validateAsl(definition: unknown): AslValidation {
  const key = createHash('sha256').update(JSON.stringify(definition)).digest('hex');
  const marker = path.join(CACHE_DIR, key);
  if (acceptedHere.has(key) || fs.existsSync(marker)) return ACCEPTED;
  const result = aslValidator(structuredClone(definition));
  if (result.isValid) {
    acceptedHere.add(key);
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      fs.writeFileSync(marker, '');
    } catch {
      // A read-only checkout: validate again in the next process.
    }
  }
  return result;
}
