/**
 * `layers/import-direction` reports what the import test reports, where the import is written:
 * the same `importViolation` judges both (./layers.ts).
 */
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint-plugin';

/** The package root that re-exports every resource: the import the rule refuses (a fixture, never imported here). */
const PROVIDER_BARREL = ['@cdktf', 'provider-aws'].join('/');

const ROOT = join(__dirname, '..', '..');
const linter = new Linter({ configType: 'flat' });
const config: Linter.Config[] = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { layers: layersPlugin },
    rules: { 'layers/import-direction': 'error' },
  },
];

/** The rule's messages for `code` written in `file` (repository-relative; the file need not exist). */
const messages = (file: string, code: string) => linter.verify(code, config, { filename: join(ROOT, file) }).map((message) => `${message.line}: ${message.message}`);

describe('layers/import-direction', () => {
  test('accepts imports along the layers', () => {
    expect(messages('stacks/x.ts', "import { App } from 'cdktf';\nimport type { Catalog } from '../catalog/types';\nimport { arns } from '../core/naming';")).toEqual([]);
  });

  test('reports a package a layer may not import, on its line', () => {
    expect(messages('core/x.ts', "import * as names from './naming';\nimport { App } from 'cdktf';")).toEqual(['2: core/x.ts: imports package cdktf (core may import no packages)']);
  });

  test('reports a wrong direction, also through export, dynamic import, require and import types', () => {
    expect(
      messages(
        'event-client/x.ts',
        [
          "export { bookingSaga } from '../catalog/booking-saga';",
          "const stacks = import('../stacks/app');",
          "const local = require('../local/runner');",
          "type Runner = import('../local/runner').LocalRunOptions;",
        ].join('\n'),
      ),
    ).toEqual([
      '1: event-client/x.ts: imports catalog/booking-saga.ts, a concrete configuration (only entry points and tests read one; take it as an argument)',
      '2: event-client/x.ts: imports stacks/app.ts (event-client may import event-client, configuration, core; not stacks)',
      '3: event-client/x.ts: imports local/runner.ts (event-client may import event-client, configuration, core; not local)',
      '4: event-client/x.ts: imports local/runner.ts (event-client may import event-client, configuration, core; not local)',
    ]);
  });

  test('reports the provider barrel and a file in no layer', () => {
    expect(messages('stacks/x.ts', `import { AwsProvider } from '${PROVIDER_BARREL}';`)).toEqual([
      '1: stacks/x.ts: imports @cdktf/provider-aws (a barrel: import each resource by its own path)',
    ]);
    expect(messages('misc/x.ts', 'export const x = 1;')).toEqual([
      "1: misc/x.ts: is in no layer; place it in a layer's folder or add its folder to LAYER_OF_FOLDER (test/architecture/layers.ts) and docs/architecture.md",
    ]);
  });
});
