/**
 * The dependency direction of docs/architecture.md, enforced: every import of every TypeScript file
 * is checked against the layers of ./layers.ts. A wrong import fails `npm test` with the file, the
 * import and the rule it breaks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXCEPTIONS, fileResolver, importSpecifiers, layerViolations, type SourceFile } from './layers';

/** The package root that re-exports every resource: the import the rule refuses (a fixture, never imported here). */
const PROVIDER_BARREL = ['@cdktf', 'provider-aws'].join('/');

const ROOT = path.join(__dirname, '..', '..');
const SKIPPED = new Set(['node_modules', 'cdktf.out', '.gen', '.git', 'coverage', 'plans', '.terraform-state', '.state-bootstrap', '.profile', '.stryker-tmp', 'reports']);

function typeScriptFiles(dir = ''): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return typeScriptFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

const isFile = (file: string): boolean => fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false })?.isFile() ?? false;
const repoResolver = fileResolver(isFile);

describe('the repository', () => {
  const files: SourceFile[] = typeScriptFiles().map((file) => ({ path: file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') }));

  it('has its layers where the checker looks', () => {
    const folders = new Set(files.map((file) => file.path.split('/')[0]));
    expect(
      [...folders]
        .filter((folder) =>
          ['core', 'tooling', 'catalog', 'environments', 'stacks', 'event-client', 'local', 'plan-review', 'delivery', 'scripts', 'task-programs', 'test', 'main.ts'].includes(folder!),
        )
        .sort(),
    ).toEqual(['catalog', 'core', 'delivery', 'environments', 'event-client', 'local', 'main.ts', 'plan-review', 'scripts', 'stacks', 'task-programs', 'test', 'tooling']);
  });

  it('imports only in the direction of the layers', () => {
    expect(layerViolations(files, repoResolver)).toEqual([]);
  });

  it('still needs every exception it grants', () => {
    const imports = (from: string) => importSpecifiers(files.find((file) => file.path === from)!).map((specifier) => repoResolver(from, specifier));
    const unused = Object.keys(EXCEPTIONS).filter((exception) => {
      const [from, to] = exception.split(' -> ') as [string, string];
      return !files.some((file) => file.path === from) || !imports(from).includes(to);
    });
    expect(unused).toEqual([]);
  });
});

/** The checker against small made-up trees: each wrong import the repository once had, and a right one. */
describe('layerViolations', () => {
  const tree = (files: Record<string, string>) => {
    const sources = Object.entries(files).map(([file, text]) => ({ path: file, text }));
    return layerViolations(
      sources,
      fileResolver((file) => Object.hasOwn(files, file)),
    );
  };
  const base = {
    'core/naming.ts': 'export const x = 1;',
    'core/event-pattern.ts': "import { x } from './naming';",
    'catalog/types.ts': "import type { DetailDelivery } from '../core/container-contract';",
    'catalog/booking-saga.ts': "import type { Catalog } from './types';",
    'environments/index.ts': "export * from './types';",
    'environments/types.ts': '',
    'core/container-contract.ts': '',
    'local/event-pattern.ts': '',
    'stacks/app.ts': "import { App } from 'cdktf';\nimport { x } from '../core/naming';",
    'event-client/publisher.ts': "import type { Catalog } from '../catalog/types';\nimport { EventBridgeClient } from '@aws-sdk/client-eventbridge';",
    'scripts/emit.ts': "import { bookingSaga } from '../catalog/booking-saga';\nimport { environments } from '../environments';",
  };

  it('accepts imports along the layers, concrete configuration in entry points', () => {
    expect(tree(base)).toEqual([]);
  });

  it.each([
    [
      'catalog validation importing the local runner',
      'catalog/validate.ts',
      "import { validatePattern } from '../local/event-pattern';",
      'catalog/validate.ts: imports local/event-pattern.ts (configuration may import configuration, core; not local)',
    ],
    [
      'the event client importing the concrete saga',
      'event-client/publisher.ts',
      "import { bookingSaga } from '../catalog/booking-saga';",
      'event-client/publisher.ts: imports catalog/booking-saga.ts, a concrete configuration',
    ],
    [
      'the event client importing the environments',
      'event-client/catalog-rules.ts',
      "import { environments } from '../environments';",
      'event-client/catalog-rules.ts: imports environments/index.ts, a concrete configuration',
    ],
    ['core importing a stack', 'core/asl.ts', "export { App } from '../stacks/app';", 'core/asl.ts: imports stacks/app.ts (core may import core; not stacks)'],
    ['core importing cdktf', 'core/asl.ts', "import { Fn } from 'cdktf';", 'core/asl.ts: imports package cdktf'],
    [
      'core importing the catalog through require()',
      'core/asl.ts',
      "const c = require('../catalog/types');",
      'core/asl.ts: imports catalog/types.ts (core may import core; not configuration)',
    ],
    [
      'core importing a type through import()',
      'core/asl.ts',
      "type T = typeof import('../catalog/types');",
      'core/asl.ts: imports catalog/types.ts (core may import core; not configuration)',
    ],
    ['core reading files', 'core/asl.ts', "import * as fs from 'node:fs';", 'core/asl.ts: imports package node:fs'],
    [
      'a peer importing a peer',
      'local/task-mapping.ts',
      "import { x } from '../stacks/app';",
      'local/task-mapping.ts: imports stacks/app.ts (local may import local, configuration, tooling, core; not stacks)',
    ],
    ['the local runner importing the event client', 'local/runner.ts', "import { x } from '../event-client/publisher';", 'local/runner.ts: imports event-client/publisher.ts'],
    [
      'the plan review importing the AWS SDK',
      'plan-review/render.ts',
      "import { S3Client } from '@aws-sdk/client-s3';",
      'plan-review/render.ts: imports package @aws-sdk/client-s3 (plan-review may import diff)',
    ],
    ['the provider barrel', 'stacks/x.ts', `import { SqsQueue } from '${PROVIDER_BARREL}';`, 'stacks/x.ts: imports @cdktf/provider-aws (a barrel'],
    ['a script importing a test', 'scripts/x.ts', "import { y } from '../test/support/synth';", 'scripts/x.ts: imports test/support/synth.ts'],
    ['an import of a missing file', 'stacks/x.ts', "import { y } from './nowhere';", 'stacks/x.ts: imports ./nowhere, which is no file'],
    ['a file in no layer', 'helpers/x.ts', '', 'helpers/x.ts: is in no layer'],
  ])('refuses %s', (_what, file, text, message) => {
    const files: Record<string, string> = { ...base, 'test/support/synth.ts': '', [file]: text };
    const found = tree(files);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });
});

describe('importSpecifiers', () => {
  it('finds static, re-exported, required, dynamic and type-only imports, not strings', () => {
    const text = [
      "import a from './a';",
      "import type { B } from './b';",
      "export * from './c';",
      "import d = require('./d');",
      "const e = require('./e');",
      "const f = await import('./f');",
      "type G = typeof import('./g');",
      "const notAnImport = 'from ./h';",
    ].join('\n');
    expect(importSpecifiers({ path: 'x.ts', text })).toEqual(['./a', './b', './c', './d', './e', './f', './g']);
  });
});
