/**
 * Traces captured into plain objects (`Error.captureStackTrace({})`), which cdktf does for every
 * token it creates (cdktf/lib/tokens/private/stack-trace.js), at module load too, are formatted as
 * V8 formats them rather than through Jest's source-map-support: mapping every frame of every such
 * trace (decoding the packages' inline source maps, parsing ours, anew in each test file) cost tens
 * of milliseconds in each of the ~40 files that load cdktf. Errors keep their mapped stacks, so a
 * failing test still points at its TypeScript lines.
 */
'use strict';
const { isNativeError } = require('node:util').types;

const mapped = Error.prepareStackTrace;
if (typeof mapped === 'function') {
  Error.prepareStackTrace = (error, frames) =>
    error instanceof Error || isNativeError(error) ? mapped(error, frames) : [String(error), ...frames.map((frame) => `    at ${String(frame)}`)].join('\n');
}
