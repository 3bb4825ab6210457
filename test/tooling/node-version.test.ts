import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNodeVersion, satisfiesNodeFloor, unsupportedNodeMessage } from '../../tooling/node-version';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

/** `24) version=24.22.3 integrity='sha512-…'` lines of .ci/install-node. */
function pinnedReleases(): Map<string, { version: string; integrity: string }> {
  const pins = new Map<string, { version: string; integrity: string }>();
  for (const match of read('.ci/install-node').matchAll(/^\s*(\d+)\) version=(\S+) integrity='(sha512-[A-Za-z0-9+/]+={0,2})'/gm)) {
    pins.set(match[1]!, { version: match[2]!, integrity: match[3]! });
  }
  return pins;
}

describe('satisfiesNodeFloor', () => {
  it.each([
    ['22.11.0', true],
    ['v22.11.0', true],
    ['22.11.1', true],
    ['22.12.0', true],
    ['24.0.0', true],
    ['22.10.9', false],
    ['21.99.99', false],
    ['20.20.2', false],
  ])('%s against >=22.11.0: %s', (version, expected) => {
    expect(satisfiesNodeFloor(version, '>=22.11.0')).toBe(expected);
  });

  it('refuses what it cannot compare', () => {
    expect(() => satisfiesNodeFloor('22.11.0', '^22')).toThrow('engines.node: expected a floor such as ">=22.11.0", not "^22"');
    expect(() => satisfiesNodeFloor('22', '>=22.11.0')).toThrow('not a Node version: "22"');
    expect(parseNodeVersion('22.11')).toBeUndefined();
  });

  it('says how to get a supported Node, and nothing when it is supported', () => {
    expect(unsupportedNodeMessage('20.20.2', '>=22.11.0')).toBe(
      'Node 20.20.2 is not supported (package.json engines: node >=22.11.0). Use Node 24 (.nvmrc): `export PATH="$(bash .ci/install-node 24):$PATH"` installs it from the npm registry.',
    );
    expect(unsupportedNodeMessage('24.22.3', '>=22.11.0')).toBeUndefined();
  });
});

describe('the Node this repository runs on', () => {
  it('is a current LTS: 22.11 (cdktn’s floor) or later, with .nvmrc naming 24', () => {
    expect(engines).toBe('>=22.11.0');
    expect(read('.nvmrc')).toBe('24\n');
  });

  it('pins an exact release with its integrity for the .nvmrc major and for 22, both within engines', () => {
    const pins = pinnedReleases();
    expect([...pins.keys()].sort()).toEqual(['22', '24']);
    for (const [major, pin] of pins) {
      expect(pin.version.split('.')[0]).toBe(major);
      expect(satisfiesNodeFloor(pin.version, engines)).toBe(true);
      // sha512: 64 bytes, 88 characters of base64.
      expect(pin.integrity).toHaveLength('sha512-'.length + 88);
    }
  });

  it('is what CI installs and runs everything under', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/install-node "\$\(cat \.nvmrc\)"/);
    expect(ci).toMatch(/install-node 22/);
  });
});
