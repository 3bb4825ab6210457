/**
 * Every resource and data block of every module under modules/ against the AWS provider 6.25
 * schema derived from the installed bindings: what `terraform validate` would catch, offline.
 */
import { join, relative } from 'node:path';
import { describeModule, moduleDirectories } from '../../tooling/hcl-reader';
import { parseHclRemembered, parseModule } from '../support/hcl';
import { extractSchema, moduleSchemaViolations, providerSchema, typeSchema } from '../support/provider-schema';

const REPO_ROOT = join(__dirname, '..', '..');
const MODULE_DIRS = moduleDirectories(join(REPO_ROOT, 'modules')).map((dir) => relative(REPO_ROOT, dir));

/** Parses inline HCL as a one-file module named `inline`. */
async function inlineModule(hcl: string) {
  return describeModule('inline', { 'main.tf': await parseHclRemembered('inline/main.tf', hcl) });
}

describe('AWS provider schema derived from the jsii assembly', () => {
  const schema = providerSchema();

  test('is the 6.25.0 provider with its resources and data sources', () => {
    expect(schema.providerVersion).toBe('6.25.0');
    expect(Object.keys(schema.resources).length).toBeGreaterThan(1000);
    expect(Object.keys(schema.dataSources).length).toBeGreaterThan(400);
  });

  test('maps camelCase config properties to their HCL names and required flags', () => {
    const taskDefinition = typeSchema('resource', 'aws_ecs_task_definition')!;
    expect(taskDefinition.attributes['container_definitions']).toEqual({ required: true });
    expect(taskDefinition.attributes['family']).toEqual({ required: true });
    expect(taskDefinition.attributes['execution_role_arn']).toEqual({ required: false });
    expect(taskDefinition.attributes['containerDefinitions']).toBeUndefined();
    // Nested blocks carry their own arguments.
    expect(Object.keys(taskDefinition.blocks['runtime_platform']!.schema.attributes).sort()).toEqual(['cpu_architecture', 'operating_system_family']);
    expect(taskDefinition.blocks['volume']!.schema.attributes['name']).toEqual({ required: true });
  });

  test('knows provider 6 specifics: data.aws_region has region, aws_eip has no vpc argument', () => {
    expect(typeSchema('data', 'aws_region')!.attributes['region']).toEqual({ required: false });
    expect(typeSchema('resource', 'aws_eip')!.attributes['domain']).toBeDefined();
    expect(typeSchema('resource', 'aws_eip')!.attributes['vpc']).toBeUndefined();
  });

  test('tells resources from data sources', () => {
    expect(typeSchema('resource', 'aws_region')).toBeUndefined();
    expect(typeSchema('data', 'aws_caller_identity')).toBeDefined();
    expect(typeSchema('resource', 'aws_vpcc')).toBeUndefined();
  });

  test('extractSchema reads names from registry anchors, blocks from "<name> block." docs', () => {
    const docs = (name: string, summary?: string) => ({
      summary: summary ?? `Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/aws/9.9.9/docs/resources/thing#${name} Thing#${name}}.`,
      remarks: `Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/aws/9.9.9/docs/resources/thing#${name} Thing#${name}}`,
    });
    const assembly = {
      types: {
        'p.thing.Thing': {
          kind: 'class',
          docs: { summary: 'Represents a {@link https://registry.terraform.io/providers/hashicorp/aws/9.9.9/docs/resources/thing aws_thing}.' },
          initializer: { parameters: [{ name: 'config', type: { fqn: 'p.thing.ThingConfig' } }] },
        },
        'p.thing.ThingConfig': {
          kind: 'interface',
          datatype: true,
          properties: [
            { name: 'ipv4CidrBlock', type: { primitive: 'string' }, docs: docs('ipv4_cidr_block') },
            { name: 'label', optional: true, type: { primitive: 'string' }, docs: docs('label') },
            { name: 'part', optional: true, type: { collection: { kind: 'array', elementtype: { fqn: 'p.thing.ThingPart' } } }, docs: docs('part', 'part block.') },
            { name: 'settings', optional: true, type: { fqn: 'p.thing.ThingPart' }, docs: docs('settings') },
          ],
        },
        'p.thing.ThingPart': {
          kind: 'interface',
          datatype: true,
          properties: [{ name: 'size', type: { primitive: 'number' }, docs: docs('size') }],
        },
      },
    };
    const extracted = extractSchema(assembly);
    expect(extracted.providerVersion).toBe('9.9.9');
    const thing = typeSchema('resource', 'aws_thing', extracted)!;
    expect(thing.attributes).toEqual({ ipv4_cidr_block: { required: true }, label: { required: false }, settings: { required: false } });
    expect(Object.keys(thing.blocks)).toEqual(['part']);
    expect(thing.blocks['part']!.schema.attributes).toEqual({ size: { required: true } });

    const undocumented = structuredClone(assembly);
    undocumented.types['p.thing.ThingPart'].properties[0]!.docs = { summary: 'no link', remarks: '' };
    expect(() => extractSchema(undocumented)).toThrow('provider schema: no HCL name documented for p.thing.ThingPart.size');
  });
});

describe('schema check catches what terraform validate would', () => {
  test('a misspelled argument', async () => {
    const module = await inlineModule(`
resource "aws_vpc" "this" {
  cidr_blok = "10.0.0.0/16"
}`);
    expect(moduleSchemaViolations(module)).toEqual(['inline/main.tf: aws_vpc.this: unsupported argument or block "cidr_blok"']);
  });

  test('a missing required argument, and one inside a nested block', async () => {
    const module = await inlineModule(`
resource "aws_ecs_task_definition" "this" {
  container_definitions = "[]"
  volume {
    host_path = "/tmp"
  }
}`);
    expect(moduleSchemaViolations(module)).toEqual([
      'inline/main.tf: aws_ecs_task_definition.this.volume: missing required argument "name"',
      'inline/main.tf: aws_ecs_task_definition.this: missing required argument "family"',
    ]);
  });

  test('a misspelled argument in a nested and in a dynamic block, and an unknown dynamic block', async () => {
    const module = await inlineModule(`
resource "aws_ecs_task_definition" "this" {
  family                = "x"
  container_definitions = "[]"
  runtime_platform {
    cpu_arch = "ARM64"
  }
  dynamic "volume" {
    for_each = ["a"]
    content {
      nme = volume.value
    }
  }
  dynamic "volumes" {
    for_each = []
    content {}
  }
}`);
    expect(moduleSchemaViolations(module)).toEqual([
      'inline/main.tf: aws_ecs_task_definition.this.dynamic.volume: missing required argument "name"',
      'inline/main.tf: aws_ecs_task_definition.this.dynamic.volume: unsupported argument or block "nme"',
      'inline/main.tf: aws_ecs_task_definition.this.runtime_platform: unsupported argument or block "cpu_arch"',
      'inline/main.tf: aws_ecs_task_definition.this: unsupported block type "volumes" (dynamic)',
    ]);
  });

  test('an unknown type, a provider 5 argument, and a data source argument', async () => {
    const module = await inlineModule(`
resource "aws_vpcc" "this" {}
resource "aws_eip" "nat" {
  vpc = true
}
data "aws_region" "current" {
  nam = "eu-west-1"
}
resource "terraform_data" "marker" {}`);
    expect(moduleSchemaViolations(module)).toEqual([
      'inline/main.tf: aws_eip.nat: unsupported argument or block "vpc"',
      'inline/main.tf: aws_vpcc.this: AWS provider 6.25.0 has no resource type "aws_vpcc"',
      'inline/main.tf: data.aws_region.current: unsupported argument or block "nam"',
    ]);
  });

  test('meta-arguments and lifecycle are allowed on resources and data sources', async () => {
    const module = await inlineModule(`
data "aws_availability_zones" "available" {
  count = 1
  lifecycle {
    postcondition {
      condition     = length(self.names) > 0
      error_message = "none"
    }
  }
}
resource "aws_vpc" "this" {
  for_each   = toset(["a"])
  provider   = aws.other
  depends_on = [data.aws_availability_zones.available]
  lifecycle {
    prevent_destroy = true
  }
}`);
    expect(moduleSchemaViolations(module)).toEqual([]);
  });
});

describe.each(MODULE_DIRS)('module %s', (dir) => {
  test('every argument and block exists in AWS provider 6.25 and every required one is set', async () => {
    const module = await parseModule(join(REPO_ROOT, dir));
    const blockCount =
      Object.values(module.resources).reduce((n, byName) => n + Object.keys(byName).length, 0) + Object.values(module.dataSources).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(blockCount).toBeGreaterThan(0); // the check below is not vacuous
    expect(moduleSchemaViolations({ ...module, dir })).toEqual([]);
  });
});
