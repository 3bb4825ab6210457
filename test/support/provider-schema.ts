/**
 * The AWS provider's resource and data source schemas, derived from the installed CDKTF bindings
 * (`@cdktf/provider-aws`), so that tests can check HCL the way `terraform validate` would without
 * downloading the provider plugin.
 *
 * Source of truth: the bindings' jsii assembly (`.jsii`, ~130 MB). In it:
 * - each resource / data source class documents its Terraform type:
 *   "Represents a {@link https://registry.terraform.io/.../docs/resources/vpc aws_vpc}";
 * - its initializer's `config` parameter is a struct (jsii "datatype" interface) whose properties are
 *   the arguments, `optional` unless required;
 * - every struct property links to its registry anchor, which is the HCL (snake_case) name:
 *   "{@link https://.../resources/vpc#cidr_block Vpc#cidr_block}" — the bindings' synthesizers
 *   (`vpcToTerraform`, `synthesizeAttributes`) emit exactly these names;
 * - nested blocks are struct-typed properties documented as "<name> block."; struct-typed
 *   properties without that wording are object-valued attributes (`x = { ... }`).
 *
 * Parsing the assembly costs ~2 s and ~400 MB, so the compact extract is cached once under
 * `node_modules/.cache/`, keyed by the package version and the assembly's size.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type SchemaKind = 'resource' | 'data';

export interface AttributeSchema {
  readonly required: boolean;
}

export interface NestedBlockSchema {
  readonly required: boolean;
  readonly schema: BlockSchema;
}

export interface BlockSchema {
  readonly attributes: Readonly<Record<string, AttributeSchema>>;
  readonly blocks: Readonly<Record<string, NestedBlockSchema>>;
}

/** Compact, JSON-serialisable form: structs by id, blocks refer to structs by id (structs can be shared). */
interface CompactStruct {
  /** Attribute name → 1 when required. */
  readonly a: Record<string, 0 | 1>;
  /** Block name → [1 when required, struct id]. */
  readonly b: Record<string, [0 | 1, string]>;
}

export interface CompactSchema {
  readonly providerVersion: string;
  readonly resources: Record<string, string>;
  readonly dataSources: Record<string, string>;
  readonly structs: Record<string, CompactStruct>;
}

// Minimal shape of the jsii assembly parts this reads.
interface JsiiTypeRef {
  readonly fqn?: string;
  readonly primitive?: string;
  readonly collection?: { readonly elementtype: JsiiTypeRef; readonly kind: string };
  readonly union?: { readonly types: readonly JsiiTypeRef[] };
}
interface JsiiProperty {
  readonly name: string;
  readonly optional?: boolean;
  readonly static?: boolean;
  readonly type: JsiiTypeRef;
  readonly docs?: { readonly summary?: string; readonly remarks?: string };
}
interface JsiiType {
  readonly kind: string;
  readonly datatype?: boolean;
  readonly docs?: { readonly summary?: string };
  readonly properties?: readonly JsiiProperty[];
  readonly initializer?: { readonly parameters?: readonly { readonly name: string; readonly type: JsiiTypeRef }[] };
}
interface JsiiAssembly {
  readonly types: Readonly<Record<string, JsiiType>>;
}

const CLASS_DOC = /Represents a \{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/aws\/([^/]+)\/docs\/(resources|data-sources)\/\S+ (\w+)\}/;
/** `#cidr_block Vpc#cidr_block}`: the anchor repeated after the class name is the HCL name. */
const PROPERTY_ANCHOR = /#([a-z0-9_]+) \w+#\1\}/;
const BLOCK_DOC = /^[a-z0-9_]+ block\.$/;

/** The struct a property's type refers to, through unions and collections; undefined for primitives. */
function structFqn(ref: JsiiTypeRef, types: JsiiAssembly['types']): string | undefined {
  if (ref.fqn !== undefined) return types[ref.fqn]?.datatype ? ref.fqn : undefined;
  if (ref.collection) return structFqn(ref.collection.elementtype, types);
  for (const member of ref.union?.types ?? []) {
    const found = structFqn(member, types);
    if (found) return found;
  }
  return undefined;
}

/** Pure: the compact schema of every resource and data source in an assembly. */
export function extractSchema(assembly: JsiiAssembly): CompactSchema {
  const { types } = assembly;
  const structs: Record<string, CompactStruct> = {};
  const resources: Record<string, string> = {};
  const dataSources: Record<string, string> = {};
  let providerVersion = '';

  const addStruct = (fqn: string): string => {
    if (structs[fqn]) return fqn;
    const struct: CompactStruct = { a: {}, b: {} };
    structs[fqn] = struct; // registered before recursing: nested structs may refer back
    for (const property of types[fqn]?.properties ?? []) {
      if (property.static) continue;
      const docs = `${property.docs?.summary ?? ''} ${property.docs?.remarks ?? ''}`;
      const anchor = PROPERTY_ANCHOR.exec(docs);
      if (!anchor) throw new Error(`provider schema: no HCL name documented for ${fqn}.${property.name}`);
      const name = anchor[1]!;
      const required: 0 | 1 = property.optional ? 0 : 1;
      const nested = structFqn(property.type, types);
      if (nested && BLOCK_DOC.test(property.docs?.summary ?? '')) struct.b[name] = [required, addStruct(nested)];
      else struct.a[name] = required;
    }
    return fqn;
  };

  for (const [fqn, type] of Object.entries(types)) {
    if (type.kind !== 'class') continue;
    const match = CLASS_DOC.exec(type.docs?.summary ?? '');
    if (!match) continue;
    const [, version, section, tfType] = match;
    const config = type.initializer?.parameters?.find((p) => p.name === 'config')?.type.fqn;
    if (!config) throw new Error(`provider schema: ${fqn} (${tfType}) has no config struct`);
    providerVersion = version!;
    (section === 'resources' ? resources : dataSources)[tfType!] = addStruct(config);
  }
  if (Object.keys(resources).length === 0) throw new Error('provider schema: no resource found in the jsii assembly');
  return { providerVersion, resources, dataSources, structs };
}

const PACKAGE_DIR = dirname(require.resolve('@cdktf/provider-aws/package.json'));

function cacheFile(): string {
  const { version } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
  const { size } = statSync(join(PACKAGE_DIR, '.jsii'));
  // node_modules/.cache next to the package's own node_modules, whatever the hoisting.
  const nodeModules = join(PACKAGE_DIR, '..', '..');
  return join(nodeModules, '.cache', 'provider-aws-schema', `${version}-${size}.json`);
}

let loaded: CompactSchema | undefined;

/** The installed provider's schema, from the cache or (once) from the jsii assembly. */
export function providerSchema(): CompactSchema {
  if (loaded) return loaded;
  const file = cacheFile();
  try {
    loaded = JSON.parse(readFileSync(file, 'utf8')) as CompactSchema;
    return loaded;
  } catch {
    // No cache yet (or unreadable): derive it.
  }
  const assembly = JSON.parse(readFileSync(join(PACKAGE_DIR, '.jsii'), 'utf8')) as JsiiAssembly;
  loaded = extractSchema(assembly);
  mkdirSync(dirname(file), { recursive: true });
  // Write then rename: parallel Jest workers never read a half-written file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(loaded));
  renameSync(temporary, file);
  return loaded;
}

function toBlockSchema(schema: CompactSchema, id: string, resolved = new Map<string, BlockSchema>()): BlockSchema {
  const cached = resolved.get(id);
  if (cached) return cached;
  const struct = schema.structs[id];
  if (!struct) throw new Error(`provider schema: unknown struct ${id}`);
  const attributes: Record<string, AttributeSchema> = {};
  const blocks: Record<string, NestedBlockSchema> = {};
  const result: BlockSchema = { attributes, blocks };
  resolved.set(id, result);
  for (const [name, required] of Object.entries(struct.a)) attributes[name] = { required: required === 1 };
  for (const [name, [required, nested]] of Object.entries(struct.b)) {
    blocks[name] = { required: required === 1, schema: toBlockSchema(schema, nested, resolved) };
  }
  return result;
}

/** Schema of one resource or data source type, or undefined when the provider has no such type. */
export function typeSchema(kind: SchemaKind, type: string, schema: CompactSchema = providerSchema()): BlockSchema | undefined {
  const id = (kind === 'resource' ? schema.resources : schema.dataSources)[type];
  return id === undefined ? undefined : toBlockSchema(schema, id);
}

/** Arguments Terraform accepts on every resource / data block, whatever its type. */
export const META_ARGUMENTS: ReadonlySet<string> = new Set(['count', 'for_each', 'depends_on', 'provider']);
/** Meta blocks: `lifecycle` everywhere; provisioners and their connection on resources. */
export const META_BLOCKS: ReadonlySet<string> = new Set(['lifecycle', 'provisioner', 'connection']);

type HclBody = Readonly<Record<string, unknown>>;

const isBlockList = (value: unknown): value is HclBody[] => Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item));

/**
 * Pure: what `terraform validate` would reject in one block body (as `@cdktf/hcl2json` parses it:
 * nested blocks are lists of bodies, `dynamic "x" { content { … } }` sits under `dynamic`).
 * Returns messages prefixed with `where` (for example `main.tf: aws_vpc.this`).
 */
export function schemaViolations(body: HclBody, schema: BlockSchema, where: string, topLevel = true): string[] {
  const errors: string[] = [];
  const present = new Set<string>();
  const checkNested = (name: string, bodies: unknown, label: string) => {
    const nested = schema.blocks[name];
    if (!nested) return;
    if (!isBlockList(bodies)) return; // an attribute-style value for a block (rare): nothing to descend into
    bodies.forEach((nestedBody) => errors.push(...schemaViolations(nestedBody, nested.schema, `${where}.${label}`, false)));
  };

  for (const [name, value] of Object.entries(body)) {
    if (topLevel && (META_ARGUMENTS.has(name) || META_BLOCKS.has(name))) continue;
    if (name === 'dynamic') {
      for (const [blockName, dynamics] of Object.entries(value as Record<string, unknown>)) {
        if (!schema.blocks[blockName]) {
          errors.push(`${where}: unsupported block type "${blockName}" (dynamic)`);
          continue;
        }
        present.add(blockName);
        for (const dynamic of isBlockList(dynamics) ? dynamics : []) {
          checkNested(blockName, dynamic['content'], `dynamic.${blockName}`);
        }
      }
      continue;
    }
    if (schema.attributes[name]) {
      present.add(name);
    } else if (schema.blocks[name]) {
      present.add(name);
      checkNested(name, value, name);
    } else {
      errors.push(`${where}: unsupported argument or block "${name}"`);
    }
  }

  for (const [name, attribute] of Object.entries(schema.attributes)) {
    if (attribute.required && !present.has(name)) errors.push(`${where}: missing required argument "${name}"`);
  }
  for (const [name, block] of Object.entries(schema.blocks)) {
    if (block.required && !present.has(name)) errors.push(`${where}: missing required block "${name}"`);
  }
  return errors;
}

/** Types built into Terraform itself (no provider schema to check them against). */
const BUILT_IN_TYPES: Readonly<Record<SchemaKind, ReadonlySet<string>>> = {
  resource: new Set(['terraform_data']),
  data: new Set(['terraform_remote_state']),
};

/** The parts of a parsed module (see `test/support/hcl.ts`) this check reads. */
export interface ModuleBlocks {
  readonly dir: string;
  readonly resources: Readonly<Record<string, Readonly<Record<string, { readonly file: string; readonly body: HclBody }>>>>;
  readonly dataSources: Readonly<Record<string, Readonly<Record<string, { readonly file: string; readonly body: HclBody }>>>>;
}

/**
 * What `terraform validate` would reject in a module's resource and data blocks, against the
 * installed AWS provider schema: unknown types, unknown arguments or blocks, missing required ones.
 */
export function moduleSchemaViolations(module: ModuleBlocks, schema: CompactSchema = providerSchema()): string[] {
  const errors: string[] = [];
  for (const [kind, table] of [
    ['resource', module.resources],
    ['data', module.dataSources],
  ] as const) {
    for (const [type, byName] of Object.entries(table)) {
      for (const [name, { file, body }] of Object.entries(byName)) {
        const address = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
        const where = `${module.dir}/${file}: ${address}`;
        const blockSchema = typeSchema(kind, type, schema);
        if (blockSchema) errors.push(...schemaViolations(body, blockSchema, where));
        else if (!BUILT_IN_TYPES[kind].has(type)) {
          errors.push(`${where}: AWS provider ${schema.providerVersion} has no ${kind === 'data' ? 'data source' : 'resource'} type "${type}"`);
        }
      }
    }
  }
  // hcl2json orders keys alphabetically anyway; sorting makes the order a documented property.
  return errors.sort();
}
