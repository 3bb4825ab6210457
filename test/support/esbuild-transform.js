/**
 * Jest transform: TypeScript to CommonJS with esbuild, with the options the app's loader uses
 * (tooling/typescript-transform.cjs). Transpiles only; `npm run typecheck` type-checks. Chosen over
 * @swc/jest because @swc/core's platform packages are not all on the registry these machines
 * reach, which leaves a lockfile `npm ci` refuses.
 */
const { transformSync } = require('esbuild');
const { transformOptions, VERSION } = require('../../tooling/typescript-transform.cjs');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { ...transformOptions(filename), sourcemap: 'external' });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha256').update(`esbuild-transform-v2\0${VERSION}\0${filename}\0${source}`).digest('hex');
  },
};
