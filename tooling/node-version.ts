/**
 * Which Node versions this repository runs on: `package.json` `engines.node` (a `>=X.Y.Z` floor),
 * checked where running on an older Node would fail obscurely (the test suite's set-up: on Node 20
 * `aws-local-stepfunctions` lacks `Promise.withResolvers`).
 */

/** `22.11.0` or `v22.11.0` → [22, 11, 0]; undefined for anything else. */
export function parseNodeVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Whether `version` is at least the floor `range` (`>=22.11.0`, the only form `engines` uses here). */
export function satisfiesNodeFloor(version: string, range: string): boolean {
  const floor = /^>=\s*(\S+)$/.exec(range.trim());
  const minimum = floor ? parseNodeVersion(floor[1]!) : undefined;
  if (!minimum) throw new Error(`engines.node: expected a floor such as ">=22.11.0", not "${range}"`);
  const actual = parseNodeVersion(version);
  if (!actual) throw new Error(`not a Node version: "${version}"`);
  for (let part = 0; part < 3; part++) {
    if (actual[part] !== minimum[part]) return actual[part]! > minimum[part]!;
  }
  return true;
}

/** The message for a Node below the floor, saying how to get a supported one; undefined if fine. */
export function unsupportedNodeMessage(version: string, range: string): string | undefined {
  if (satisfiesNodeFloor(version, range)) return undefined;
  return (
    `Node ${version} is not supported (package.json engines: node ${range}). ` + 'Use Node 24 (.nvmrc): `export PATH="$(bash .ci/install-node 24):$PATH"` installs it from the npm registry.'
  );
}
