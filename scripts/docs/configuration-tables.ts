/**
 * The field tables of docs/configuration.md, generated from the zod schemas that define the
 * configuration (catalog/schema.ts, environments/schema.ts): every field, whether it is required,
 * its default and its description, as the schema says. A field without a description is an error.
 */
import type { z } from 'zod';
import { describeMemory, type FieldDoc } from '../../catalog/fields';
import { catalogSchema, ruleSchema, taskSchema } from '../../catalog/schema';
import { FARGATE_SIZES } from '../../core/aws-limits';
import { environmentSchema, existingBaseSchema, managedBaseSchema } from '../../environments/schema';
import { cell, code, table } from './generated-sections';

interface Row {
  readonly field: string;
  readonly required: string;
  readonly default: string;
  readonly description: string;
}

type Def = { readonly type: string; readonly innerType?: z.ZodType; readonly element?: z.ZodType; readonly valueType?: z.ZodType; readonly shape?: Record<string, z.ZodType> };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

/** The schema without its `optional` and `readonly` wrappers, and whether one was `optional`. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = schema;
  let optional = false;
  for (let def = defOf(inner); (def.type === 'optional' || def.type === 'readonly') && def.innerType; def = defOf(inner)) {
    optional ||= def.type === 'optional';
    inner = def.innerType;
  }
  return { inner, optional };
}

/** The documentation a field's schema carries, on any of its wrappers. */
function docOf(schema: z.ZodType): FieldDoc | undefined {
  for (let current: z.ZodType | undefined = schema; current; current = defOf(current).innerType) {
    const meta = current.meta() as Partial<FieldDoc> | undefined;
    if (meta?.description) return { description: meta.description, ...(meta.default === undefined ? {} : { default: meta.default }) };
  }
  return undefined;
}

const key = (path: string, name: string): string => {
  const step = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
  return path ? `${path}${step}` : step.replace(/^\./, '');
};

/** The object schema whose fields are listed under `path`, if the schema holds one: itself, a list's item or a record's value. */
function nested(schema: z.ZodType, path: string): { object: z.ZodType; path: string } | undefined {
  const def = defOf(schema);
  if (def.type === 'object') return { object: schema, path };
  if (def.type === 'array' && def.element && defOf(unwrap(def.element).inner).type === 'object') return { object: unwrap(def.element).inner, path: `${path}[]` };
  if (def.type === 'record' && def.valueType && defOf(unwrap(def.valueType).inner).type === 'object') return { object: unwrap(def.valueType).inner, path: `${path}[…]` };
  return undefined;
}

function rowsOf(object: z.ZodType, path: string, optionalAncestor: string | undefined, stops: readonly string[], rows: Row[]): Row[] {
  for (const [name, child] of Object.entries(defOf(object).shape ?? {})) {
    const field = key(path, name);
    const { inner, optional } = unwrap(child);
    const doc = docOf(child);
    if (!doc) throw new Error(`${field}: the schema gives no description (documented(schema, { description }))`);
    const required = optional ? 'no' : optionalAncestor ? `yes, in ${code(optionalAncestor)}` : 'yes';
    rows.push({ field, required, default: doc.default ?? '', description: doc.description });
    const below = stops.includes(field) ? undefined : nested(inner, field);
    if (below) rowsOf(below.object, below.path, optional ? field : optionalAncestor, stops, rows);
  }
  return rows;
}

/** The rows of one schema's table; fields in `stops` get a row but their fields get none (another table has them). */
export const fieldRows = (schema: z.ZodType, stops: readonly string[] = []): Row[] => rowsOf(schema, '', undefined, stops, []);

const render = (rows: readonly Row[]): string =>
  table(
    ['Field', 'Required', 'Default', 'Description'],
    rows.map((row) => [code(row.field), row.required, cell(row.default), cell(row.description)]),
  );

/** Every generated table of docs/configuration.md, by section id. */
export function configurationTables(): Record<string, string> {
  return {
    'environment fields': render(fieldRows(environmentSchema, ['base'])),
    'managed base fields': render(fieldRows(managedBaseSchema)),
    'existing base fields': render(fieldRows(existingBaseSchema)),
    'catalog fields': render(fieldRows(catalogSchema, ['services[].tasks', 'services[].rules'])),
    'task fields': render(fieldRows(taskSchema)),
    'rule fields': render(fieldRows(ruleSchema)),
    'fargate sizes': table(
      ['cpu', 'memory (MiB)'],
      Object.entries(FARGATE_SIZES).map(([cpu, memory]) => [cpu, describeMemory(memory).replace(/ MiB$/, '')]),
    ),
  };
}
