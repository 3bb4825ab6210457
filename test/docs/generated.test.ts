/**
 * Generated documentation is current: the field tables of docs/configuration.md equal what the
 * configuration's zod schemas say, and each module README's inputs and outputs equal its
 * variables.tf and outputs.tf. When this fails, run `npm run docs` and commit the result.
 */
import { z } from 'zod';
import { documented } from '../../catalog/fields';
import { configurationTables, fieldRows } from '../../scripts/docs/configuration-tables';
import { generatedFiles } from '../../scripts/docs/generate';
import { cell, code, GeneratedSectionError, withGeneratedSections } from '../../scripts/docs/generated-sections';
import { oneLine } from '../../scripts/docs/module-readmes';
import { REPO_ROOT } from '../../tooling/hcl-modules';
import { parseHclRemembered } from '../support/hcl';

describe('generated documentation', () => {
  let files: Awaited<ReturnType<typeof generatedFiles>>;
  beforeAll(async () => {
    files = await generatedFiles(REPO_ROOT, parseHclRemembered);
  });

  test('covers docs/configuration.md and every module README', () => {
    expect(files.map((file) => file.file)).toEqual(
      expect.arrayContaining(['docs/configuration.md', 'modules/ecs-cluster/README.md', 'modules/network/README.md', 'modules/state-bucket/README.md', 'modules/task-definitions/README.md']),
    );
  });

  test('is up to date (run `npm run docs` when this fails)', () => {
    const stale = files.filter((file) => file.generated !== file.current).map((file) => `${file.file} is stale: run npm run docs`);
    expect(stale).toEqual([]);
  });
});

describe('the configuration tables', () => {
  const tables = configurationTables();

  test('list every field of the schemas, required or not, with its default', () => {
    expect(tables['environment fields']).toContain('| `stateBackend.bucket` | yes, in `stateBackend` |  | S3 naming rules: 3–63 characters');
    expect(tables['managed base fields']).toContain('| `imageTagMutability` | no | `IMMUTABLE` |');
    expect(tables['rule fields']).toContain("| `options.retryAttempts` | no | 8 | EventBridge's delivery retries to the state machine: a whole number from 0 to 185. |");
    expect(tables['existing base fields']).toContain('| `tasks[…].taskDefinition` | yes |  | What RunTask runs');
    expect(tables['catalog fields']).toContain('| `services[].rules` | yes |');
    // Each table stops where the next one starts.
    expect(tables['environment fields']).not.toContain('base.network');
    expect(tables['catalog fields']).not.toContain('services[].tasks[].name');
    expect(tables['fargate sizes']).toContain('| 256 | 512, 1024 or 2048 |');
  });

  test('refuse a field without a description', () => {
    const schema = z.strictObject({ described: documented(z.string(), { description: 'ok' }), bare: z.string() });
    expect(() => fieldRows(schema)).toThrow('bare: the schema gives no description');
  });

  test('say "no" for an optional field, and where a required field is required', () => {
    const schema = z.strictObject({
      box: documented(z.strictObject({ inside: documented(z.number(), { description: 'i' }) }), { description: 'b', default: 'none' }).optional(),
      'odd-key': documented(z.array(z.strictObject({ item: documented(z.string(), { description: 'x' }) })), { description: 'list' }),
    });
    expect(fieldRows(schema)).toEqual([
      { field: 'box', required: 'no', default: 'none', description: 'b' },
      { field: 'box.inside', required: 'yes, in `box`', default: '', description: 'i' },
      { field: '["odd-key"]', required: 'yes', default: '', description: 'list' },
      { field: '["odd-key"][].item', required: 'yes', default: '', description: 'x' },
    ]);
  });
});

describe('generated sections', () => {
  const text = 'before\n<!-- BEGIN GENERATED: a (npm run docs) -->\nold\n<!-- END GENERATED: a -->\nafter\n';

  test('replace only what is between their markers', () => {
    expect(withGeneratedSections(text, { a: 'new' }, 'x.md')).toBe('before\n<!-- BEGIN GENERATED: a (npm run docs) -->\nnew\n<!-- END GENERATED: a -->\nafter\n');
  });

  test('must exist exactly once', () => {
    expect(() => withGeneratedSections(text, { b: 'new' }, 'x.md')).toThrow(
      new GeneratedSectionError('x.md: no "<!-- BEGIN GENERATED: b -->" … "<!-- END GENERATED: b -->" section; there must be exactly one'),
    );
    expect(() => withGeneratedSections(text + text, { a: 'new' }, 'x.md')).toThrow('x.md: 2 "<!-- BEGIN GENERATED: a -->"');
  });

  test('escape table cells and code', () => {
    expect(cell('a | b\nc')).toBe('a \\| b c');
    expect(code('x')).toBe('`x`');
    expect(code('a`b')).toBe('`` a`b ``');
  });

  test('write HCL types and defaults on one line', () => {
    expect(oneLine('list(object({\n    capacity_provider = string\n    weight            = number\n  }))')).toBe('list(object({ capacity_provider = string, weight = number }))');
    expect(oneLine('[\n  "a",\n  "b",\n]')).toBe('[ "a", "b", ]');
    expect(oneLine('"x"')).toBe('"x"');
    expect(oneLine('object({\n    a = string\n    # why b is optional\n    // or so\n    b = optional(bool, true)\n  })')).toBe('object({ a = string, b = optional(bool, true) })');
  });
});
