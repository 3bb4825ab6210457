/**
 * Every module under modules/ follows the layout of the public terraform-aws-modules: the four
 * files plus a README that documents every input and output, descriptions and types everywhere,
 * provider pinned, `terraform fmt` clean.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runTerraform } from '../../tooling/terraform';
import { moduleDirectories, type ParsedModule } from '../../tooling/hcl-reader';
import { parseModule } from '../support/hcl';
import { findTerraform } from '../support/terraform';

const REPO_ROOT = join(__dirname, '..', '..');
const MODULE_DIRS = moduleDirectories(join(REPO_ROOT, 'modules')).map((dir) => relative(REPO_ROOT, dir));
const REQUIRED_FILES = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md'];

/** Names in the first column (`` | `name` | ``) of the table under a README `## <heading>`. */
function readmeTableNames(readme: string, heading: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (!section) return [];
  return [...section.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((match) => match[1]!);
}

/** Declarations of one kind that live outside their conventional file. */
function misplaced(module: ParsedModule, kind: 'variables' | 'outputs', file: string): string[] {
  return Object.entries(module[kind])
    .filter(([, info]) => info.file !== file)
    .map(([name, info]) => `${name} in ${info.file}`);
}

test('modules/ holds the base modules', () => {
  expect(MODULE_DIRS).toEqual(expect.arrayContaining(['modules/ecs-cluster', 'modules/network', 'modules/task-definitions']));
});

describe.each(MODULE_DIRS)('module %s', (dir) => {
  let module: ParsedModule;
  let readme: string;
  beforeAll(async () => {
    module = await parseModule(join(REPO_ROOT, dir));
    readme = existsSync(join(REPO_ROOT, dir, 'README.md')) ? readFileSync(join(REPO_ROOT, dir, 'README.md'), 'utf8') : '';
  });

  test('has main.tf, variables.tf, outputs.tf, versions.tf and README.md', () => {
    expect(REQUIRED_FILES.filter((file) => !existsSync(join(REPO_ROOT, dir, file)))).toEqual([]);
  });

  test('declares variables in variables.tf and outputs in outputs.tf', () => {
    expect(Object.keys(module.variables).length).toBeGreaterThan(0);
    expect(Object.keys(module.outputs).length).toBeGreaterThan(0);
    expect(misplaced(module, 'variables', 'variables.tf')).toEqual([]);
    expect(misplaced(module, 'outputs', 'outputs.tf')).toEqual([]);
  });

  test('every variable has a description, a type and (unless bool) a validation', () => {
    const problems = Object.entries(module.variables).flatMap(([name, variable]) => [
      ...(variable.description?.trim() ? [] : [`${name}: no description`]),
      ...(variable.type ? [] : [`${name}: no type`]),
      ...(variable.type === 'bool' || variable.validations > 0 ? [] : [`${name}: no validation`]),
    ]);
    expect(problems).toEqual([]);
  });

  test('every output has a description', () => {
    const undocumented = Object.entries(module.outputs)
      .filter(([, output]) => !output.description?.trim())
      .map(([name]) => name);
    expect(undocumented).toEqual([]);
  });

  test('versions.tf requires terraform >= 1.5 and pins hashicorp/aws ~> 6.0', () => {
    const blocks = module.terraform.filter((block) => block.file === 'versions.tf');
    expect(blocks).toHaveLength(1);
    const body = blocks[0]!.body;
    expect(body['required_version']).toBe('>= 1.5');
    const providers = Object.assign({}, ...((body['required_providers'] as object[] | undefined) ?? []));
    expect(providers['aws']).toEqual({ source: 'hashicorp/aws', version: '~> 6.0' });
  });

  test('README documents exactly the declared inputs and outputs, with an example', () => {
    expect(readmeTableNames(readme, 'Inputs').sort()).toEqual(Object.keys(module.variables).sort());
    expect(readmeTableNames(readme, 'Outputs').sort()).toEqual(Object.keys(module.outputs).sort());
    expect(readme).toMatch(/## Example\s+```hcl\s+module "[a-z_]+" \{\s+source\s+= "[^"]+"/);
  });
});

describe('terraform fmt', () => {
  const terraform = findTerraform();
  const fmtCheck = (target: string, cwd = REPO_ROOT) => runTerraform(terraform!.binary, ['fmt', '-check', '-recursive', '-list=true', target], { cwd });

  if (!terraform) {
    test('is skipped: no terraform binary on the PATH', () => {
      console.warn('terraform fmt checks SKIPPED: no `terraform` binary on the PATH');
    });
    return;
  }

  test(`modules/ is formatted (terraform ${terraform.version})`, () => {
    const result = fmtCheck('modules');
    // -list prints every file that fmt would rewrite.
    expect({ status: result.status, unformatted: result.stdout.trim() }).toEqual({ status: 0, unformatted: '' });
  });

  test('the check fails on a badly formatted file (the check above can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmt-check-'));
    try {
      writeFileSync(join(dir, 'main.tf'), 'variable "x" {\ntype=string\n}\n');
      const result = fmtCheck('.', dir);
      expect(result.status).not.toBe(0);
      expect(result.stdout.trim()).toBe('main.tf');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
