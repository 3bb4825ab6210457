/**
 * How TypeScript becomes JavaScript here, in one place: the app's loader (tooling/register-ts.cjs)
 * and Jest's transform (test/support/esbuild-transform.js) both transpile with these esbuild
 * options. No side effects: requiring it registers nothing.
 */
'use strict';

/** Part of every cache key: bump it when the options change, so no output of older options is used. */
const VERSION = 'typescript-transform-v1';

/** TypeScript (or JavaScript) to CommonJS for the Node versions `engines` allows. */
function transformOptions(filename) {
  return { loader: filename.endsWith('.ts') ? 'ts' : 'js', format: 'cjs', target: 'node22', sourcefile: filename };
}

module.exports = { transformOptions, VERSION };
