import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareOutputs, jsonDifferences, renderComparison } from '../../scripts/check-cdktn/compare';
import { CONSTRUCTS_VERSION, migratePackageJson, renameSpecifier, rewriteSpecifiers } from '../../scripts/check-cdktn/migrate';
import { importSpecifiers } from '../architecture/layers';
import { REPO_ROOT } from '../../tooling/hcl-modules';

/** Every .ts file below `dir`, not descending into node_modules or dot directories (walking node_modules cost most of this test). */
function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : typeScriptFiles(path.join(dir, entry.name));
    return entry.isFile() && entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [];
  });
}

describe('renaming to CDK Terrain', () => {
  it('renames the packages and their paths, nothing that only starts alike', () => {
    expect(renameSpecifier('cdktf')).toBe('cdktn');
    expect(renameSpecifier('cdktf/lib/tokens/private/stack-trace')).toBe('cdktn/lib/tokens/private/stack-trace');
    expect(renameSpecifier('@cdktf/provider-aws/lib/sqs-queue')).toBe('@cdktn/provider-aws/lib/sqs-queue');
    expect(renameSpecifier('@cdktf/hcl2json')).toBe('@cdktn/hcl2json');
    expect(renameSpecifier('cdktf-cli')).toBe('cdktn-cli');
    expect(renameSpecifier('cdktfx')).toBe('cdktfx');
    expect(renameSpecifier('@cdktf/provider-google')).toBe('@cdktf/provider-google');
  });

  it('rewrites module specifiers only, keeping quotes, and leaves strings that are values', () => {
    const source = [
      "import { App } from 'cdktf';",
      'import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";',
      "import type { Construct } from 'constructs';",
      "export * from 'cdktf/lib/x';",
      "const trace = require('cdktf/lib/tokens/private/stack-trace');",
      "const where = require.resolve('cdktf');",
      "type T = import('cdktf').App;",
      "const later = () => import('cdktf');",
      "const tags = { ManagedBy: 'cdktf' }; const out = 'cdktf.out'; const pkg = 'cdktf/lib/x';",
    ].join('\n');
    expect(rewriteSpecifiers(source)).toBe(
      [
        "import { App } from 'cdktn';",
        'import { SqsQueue } from "@cdktn/provider-aws/lib/sqs-queue";',
        "import type { Construct } from 'constructs';",
        "export * from 'cdktn/lib/x';",
        "const trace = require('cdktn/lib/tokens/private/stack-trace');",
        "const where = require.resolve('cdktn');",
        "type T = import('cdktn').App;",
        "const later = () => import('cdktn');",
        "const tags = { ManagedBy: 'cdktf' }; const out = 'cdktf.out'; const pkg = 'cdktf/lib/x';",
      ].join('\n'),
    );
  });

  it('leaves no CDKTF import anywhere in this repository', () => {
    const files = typeScriptFiles(REPO_ROOT)
      .map((file) => ({ path: file, text: fs.readFileSync(file, 'utf8') }))
      // Only a file that names cdktf somewhere can import it: the others need no parsing.
      .filter((file) => file.text.includes('cdktf'));
    const specifiersBefore = new Map(files.map((file) => [file.path, importSpecifiers(file)]));
    const before = [...specifiersBefore.values()].flat().filter((s) => /^(@cdktf\/|cdktf($|\/))/.test(s));
    expect(before.length).toBeGreaterThan(20);
    const after = files.flatMap((file) => {
      const text = rewriteSpecifiers(file.text, file.path);
      // A file the rewrite left as it was names what it named before: parsed once is enough.
      return text === file.text ? specifiersBefore.get(file.path)! : importSpecifiers({ path: file.path, text });
    });
    expect(after.filter((s) => /^(@cdktf\/|cdktf($|\/))/.test(s))).toEqual([]);
  });

  it('swaps the packages in package.json, with constructs below 10.8', () => {
    const pkg = {
      name: 'x',
      dependencies: { cdktf: '0.21.0', '@cdktf/provider-aws': '21.22.1', constructs: '10.8.1', zod: '4.6.7' },
      devDependencies: { 'cdktf-cli': '0.21.0', '@cdktf/hcl2json': '0.21.0', jest: '29.7.0', tsx: '4.23.15' },
    };
    expect(migratePackageJson(pkg)).toEqual({
      name: 'x',
      dependencies: { '@cdktn/provider-aws': '25.7.0', cdktn: '0.24.0', constructs: CONSTRUCTS_VERSION, zod: '4.6.7' },
      devDependencies: { '@cdktn/hcl2json': '0.24.0', 'cdktn-cli': '0.24.0', jest: '29.7.0', tsx: '4.23.15' },
    });
    expect(CONSTRUCTS_VERSION).toMatch(/^10\.[67]\.\d+$/);
    expect(migratePackageJson(pkg, ['tsx']).devDependencies).toEqual({ '@cdktn/hcl2json': '0.24.0', 'cdktn-cli': '0.24.0', tsx: '4.23.15' });
  });
});

describe('comparing the outputs', () => {
  const json = (value: unknown, space = 2) => Buffer.from(JSON.stringify(value, null, space));
  const stack = (cdktfVersion: string, source: string, version: string, extra: Record<string, unknown> = {}) =>
    json({ '//': { metadata: { version: cdktfVersion, stackName: 'dev-seat' } }, terraform: { required_providers: { aws: { source, version } } }, ...extra });

  it('accepts the documented differences and names each', () => {
    const cdktf = new Map([
      ['manifest.json', json({ version: '0.21.0', stacks: { 'dev-seat': { dependencies: [] } } })],
      ['stacks/dev-seat/cdk.tf.json', stack('0.21.0', 'aws', '6.25.0')],
      ['stacks/dev-base/assets/x/main.tf', Buffer.from('resource {}')],
    ]);
    const cdktn = new Map([
      ['manifest.json', json({ version: '0.24.0', stacks: { 'dev-seat': { dependencies: [] } } }, 4)],
      ['stacks/dev-seat/cdk.tf.json', stack('0.24.0', 'hashicorp/aws', '6.66.0')],
      ['stacks/dev-base/assets/x/main.tf', Buffer.from('resource {}')],
    ]);
    const comparison = compareOutputs(cdktf, cdktn);
    expect(comparison.undocumented).toEqual([]);
    expect(comparison.documented.map((d) => [d.id, d.file, d.path])).toEqual([
      ['library-version', 'manifest.json', '/version'],
      ['library-version', 'stacks/dev-seat/cdk.tf.json', '/~1~1/metadata/version'],
      ['provider-source', 'stacks/dev-seat/cdk.tf.json', '/terraform/required_providers/aws/source'],
      ['provider-version', 'stacks/dev-seat/cdk.tf.json', '/terraform/required_providers/aws/version'],
    ]);
    expect(renderComparison(comparison)).toContain('No other difference.');
    expect(renderComparison(comparison)).toContain('Documented (provider-version), in 1 file(s): ');
  });

  it('reports anything else: another value, a different provider version, a missing or changed file', () => {
    const cdktf = new Map([
      ['stacks/dev-seat/cdk.tf.json', stack('0.21.0', 'aws', '6.25.0', { resource: { aws_sqs_queue: { q: { name: 'a' } } } })],
      ['stacks/dev-seat/extra.json', json({})],
      ['stacks/dev-base/assets/x/main.tf', Buffer.from('a')],
    ]);
    const cdktn = new Map([
      ['stacks/dev-seat/cdk.tf.json', stack('0.24.0', 'aws', '6.70.0', { resource: { aws_sqs_queue: { q: { name: 'b' } } } })],
      ['stacks/dev-base/assets/x/main.tf', Buffer.from('b')],
    ]);
    const comparison = compareOutputs(cdktf, cdktn);
    expect(comparison.undocumented.map((d) => [d.file, d.path, d.cdktf, d.cdktn])).toEqual([
      ['stacks/dev-base/assets/x/main.tf', '', '<bytes>', '<bytes>'],
      ['stacks/dev-seat/cdk.tf.json', '/resource/aws_sqs_queue/q/name', 'a', 'b'],
      ['stacks/dev-seat/cdk.tf.json', '/terraform/required_providers/aws/version', '6.25.0', '6.70.0'],
      ['stacks/dev-seat/extra.json', '', '<bytes>', '<absent>'],
    ]);
    expect(renderComparison(comparison)).toContain('4 undocumented difference(s):\n  stacks/dev-base/assets/x/main.tf (file): "<bytes>" → "<bytes>"');
  });

  it('tells formatting from values', () => {
    const comparison = compareOutputs(new Map([['a.json', json({ l: [] }, 2)]]), new Map([['a.json', json({ l: [] }, 0)]]));
    expect(comparison).toEqual({ files: 1, formattingOnly: ['a.json'], documented: [], undocumented: [] });
    expect(jsonDifferences('a.json', { l: [1, 2] }, { l: [1] })).toEqual([{ file: 'a.json', path: '/l', cdktf: [1, 2], cdktn: [1] }]);
    expect(jsonDifferences('a.json', { 'a/b': 1 }, { 'a/b': 2 })).toEqual([{ file: 'a.json', path: '/a~1b', cdktf: 1, cdktn: 2 }]);
  });
});
