/**
 * Runs this repository's TypeScript: the app (`npm run synth`, `cdktf synth`/`deploy`, the
 * synthesis workers), every npm script, and the example tasks under `npm run local`:
 * `node --require ./tooling/register-ts.cjs main.ts` (`TS_NODE_ARGS` in tooling/synth.ts). Each `.ts` file is
 * transpiled to CommonJS with esbuild (type checking is `npm run typecheck`'s job), cached by
 * content under node_modules/.cache, so a repeated synth starts no esbuild at all.
 *
 * Why not tsx: tsx's resolve and load hooks run for every module the
 * process loads, node_modules included; cdktf and the provider bindings are some 600 files, and
 * loading them took 140 ms of CPU in plain Node and ~360 ms under tsx (Node 24, measured). This
 * hook sees `.ts` files only: Node resolves `./x` to `./x.ts` through `require.extensions`.
 * Jest's transform (test/support/esbuild-transform.js) uses the same options
 * (tooling/typescript-transform.cjs).
 *
 * Stack traces name transpiled lines; `NODE_OPTIONS=--enable-source-maps` maps them to the
 * TypeScript (each file carries its map inline).
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { transformOptions, VERSION } = require('./typescript-transform.cjs');

// V8's code cache on disk for every module this process compiles (cdktf, the provider bindings, the
// AWS SDK, ours once transpiled), so a process does not compile them again: measured 14 % less CPU
// per task process of `npm run local` and 5 % per synth. Node's own directory
// (os.tmpdir()/node-compile-cache, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off);
// Node treats it as an optimization that never fails the process.
require('node:module').enableCompileCache?.();

const cacheDir = path.join(__dirname, '..', 'node_modules', '.cache', 'register-ts');
let esbuild;

/** `source` of `filename` as CommonJS with an inline source map, from the cache when it was transpiled before. */
function compiled(source, filename) {
  const key = crypto.createHash('sha256').update(`${VERSION}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    esbuild ??= require('esbuild');
    const { code } = esbuild.transformSync(source, { ...transformOptions(filename), sourcemap: 'inline' });
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed: a parallel process never reads half a file.
      const partial = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // No cache (a read-only checkout): transpile again next time.
    }
    return code;
  }
}

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = (module, filename) => module._compile(compiled(fs.readFileSync(filename, 'utf8'), filename), filename);
}
