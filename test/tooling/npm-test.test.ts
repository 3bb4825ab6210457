/**
 * `npm test` is the one command a contributor and CI run on every change, so the repository's
 * habits hold only while it runs them: the type check, ESLint (correctness and the layers) and
 * Prettier's check (layout) before Jest. Dropping one would let its findings land unnoticed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };

test('npm test runs the type check, the lint and the format check, in that order, then Jest', () => {
  expect(manifest.scripts.test!.split(' && ')).toEqual(['npm run typecheck', 'npm run lint', 'npm run format:check', 'jest']);
});

test('the format check checks (never writes) every file Prettier covers; `npm run format` writes them', () => {
  // --cache (node_modules/.cache/prettier): a file's layout depends on its bytes, the options and Prettier's version alone, which key the cache;
  // a file that fails the check is never cached as checked. 8 CPU-s of the suite, under 1 on a second run.
  expect([manifest.scripts['format:check'], manifest.scripts.format]).toEqual(['prettier --check --cache .', 'prettier --write .']);
});
