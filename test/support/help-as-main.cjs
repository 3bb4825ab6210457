/**
 * `<script> --help` for several scripts in one process: each is loaded as the main module, as
 * `node <script> --help` loads it (`require.main === module` holds, process.argv is its own), and
 * what it writes, whether it throws and the exit code it sets are reported as JSON on stdout.
 * test/scripts/conventions.test.ts runs it once instead of starting Node once per script.
 *
 *   node --require ./tooling/register-ts.cjs test/support/help-as-main.cjs scripts/plan.ts ...
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');

const write = { stdout: process.stdout.write, stderr: process.stderr.write };
// runCommand adds one pipe-error listener per run: more than ten is expected here.
process.stdout.setMaxListeners(0);
const results = [];
for (const script of process.argv.slice(2)) {
  const file = path.resolve(script);
  const out = { stdout: '', stderr: '' };
  process.stdout.write = (chunk) => ((out.stdout += String(chunk)), true);
  process.stderr.write = (chunk) => ((out.stderr += String(chunk)), true);
  process.exitCode = undefined;
  process.argv = [process.argv[0], file, '--help'];
  let threw;
  try {
    Module.runMain(file);
  } catch (error) {
    threw = String(error && error.stack ? error.stack : error);
  }
  process.stdout.write = write.stdout;
  process.stderr.write = write.stderr;
  results.push({ script, main: require.cache[file] !== undefined && require.cache[file] === process.mainModule, code: process.exitCode, threw, ...out });
}
process.exitCode = 0;
process.stdout.write(JSON.stringify(results));
