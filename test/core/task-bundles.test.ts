/** The container command that runs a bundled task program, and reading the bundle back from it. */
import { BUNDLE_DIR, bundleFile, bundleOfCommand } from '../../core/task-bundles';

test('bundles live in dist/', () => {
  expect(BUNDLE_DIR).toBe('dist');
  expect(bundleFile('charge-payment')).toBe('dist/charge-payment.js');
});

test.each([
  [['node', 'dist/charge-payment.js'], 'charge-payment'],
  [['node', 'dist/charge-payment.js', '--hold-minutes=15'], 'charge-payment'],
  [['node', 'dist/a.b_c-9.js'], 'a.b_c-9'],
  [['node', 'dist/0.js'], '0'],
])('%j runs bundle %s', (command, bundle) => expect(bundleOfCommand(command)).toBe(bundle));

test.each([
  [[], 'no command'],
  [['node'], 'node without a file'],
  [['npx', 'dist/charge.js'], 'another program'],
  [['node', 'src/charge.js'], 'another folder'],
  [['node', 'dist/sub/charge.js'], 'a sub-folder'],
  [['node', 'dist/charge.ts'], 'not JavaScript'],
  [['node', 'dist/charge.jsx'], 'a longer extension'],
  [['node', './dist/charge.js'], 'a path that only leads there'],
  [['node', 'xdist/charge.js'], 'a folder that ends in dist'],
  [['node', 'dist/Charge.js'], 'an upper-case name'],
  [['node', 'dist/-charge.js'], 'a name starting with a dash'],
  [['node', 'dist/.js'], 'an empty name'],
  [['node', 'dist/a b.js'], 'a space'],
])('%j runs no bundle (%s)', (command) => expect(bundleOfCommand(command)).toBeUndefined());
