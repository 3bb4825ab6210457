/**
 * Jest transform: TypeScript to CommonJS with esbuild (already here as tsx's engine). Transpiles
 * only; `npm run typecheck` type-checks. Chosen over @swc/jest because @swc/core's platform
 * packages are not all on the registry these machines reach, which leaves a lockfile `npm ci`
 * refuses.
 */
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'external',
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha256').update(`esbuild-transform-v1\0${filename}\0${source}`).digest('hex');
  },
};
