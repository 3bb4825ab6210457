/**
 * `npm run lint`: ESLint over the repository (`eslint .`), with its cache keyed by the whole tree.
 *
 * ESLint's `--cache` re-lints a file only when that file (or the configuration) changed. Our
 * type-aware rules read other files' types, so a file's result can change when another file
 * changes, and a per-file cache would then report a stale pass (typescript-eslint#4694). Keyed by
 * every file of the tree instead (each path and its bytes, as git lists them: tracked and
 * untracked, not ignored; package-lock.json stands for node_modules), the cache is used only when
 * nothing at all changed since it was written: running `npm test` again costs no ESLint time, and a
 * result is never reused for a tree it was not computed for. Only the latest tree's cache is kept,
 * under node_modules/.cache/eslint. Without git (an unpacked archive) ESLint runs uncached.
 *
 *   node tooling/lint.cjs [eslint options]
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

/** Every file of the tree git knows (tracked, or untracked and not ignored), sorted; undefined without git. */
function treeFiles(root) {
  try {
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    return [...new Set(listed.toString('utf8').split('\0').filter(Boolean))].sort();
  } catch {
    return undefined;
  }
}

/** A key that changes when any file's path or bytes change (a listed file deleted counts as a change too). */
function treeKey(root, files, salt) {
  const hash = createHash('sha256').update(`${salt}\0`);
  for (const file of files) {
    hash.update(`${file}\0`);
    try {
      hash.update(fs.readFileSync(path.join(root, file)));
    } catch {
      hash.update('\0(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

/** ESLint's arguments: its cache under node_modules/.cache/eslint/<key> (others removed), or none without git. */
function eslintArguments(root, extra) {
  const files = treeFiles(root);
  if (!files) return [...extra, '.'];
  const eslintVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'eslint', 'package.json'), 'utf8')).version;
  const dir = path.join(root, 'node_modules', '.cache', 'eslint');
  const key = treeKey(root, files, `eslint ${eslintVersion}`);
  if (fs.existsSync(dir)) for (const entry of fs.readdirSync(dir)) if (entry !== key) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return ['--cache', '--cache-strategy', 'content', '--cache-location', path.join(dir, key), ...extra, '.'];
}

if (require.main === module) {
  const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const result = spawnSync(process.execPath, [eslint, ...eslintArguments(ROOT, process.argv.slice(2))], { cwd: ROOT, stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
}

module.exports = { treeFiles, treeKey, eslintArguments };
