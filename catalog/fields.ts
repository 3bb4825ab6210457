/**
 * Single fields of the configuration: the messages every problem line is made of, the zod helpers
 * the schemas build fields with, and the pure rules of catalog fields (each returns our message, or
 * undefined when the value is valid). environments/fields.ts holds the rules of environment fields.
 */
import { z } from 'zod';
import { DETAIL_TYPE_MAX_LENGTH, ECR_REPOSITORY_NAME_LENGTH, FARGATE_SIZES, NAME_MAX_LENGTH } from '../core/aws-limits';
import { eventSource } from '../core/naming';

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

export const quote = (value: unknown): string => (value === undefined ? 'undefined' : JSON.stringify(value));

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function oneOf(values: readonly unknown[]): string {
  const quoted = values.map(quote);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** `["base", "taskOverrides", "payment/charge", "cpu"]` → `base.taskOverrides["payment/charge"].cpu`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(key))) out += out ? `.${String(key)}` : String(key);
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Joins the non-empty parts of a problem line with `: `. */
export const line = (...parts: readonly (string | undefined)[]): string => parts.filter((part) => part).join(': ');

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The elements of `value` if it is an array, else none: the shape pass reports the type. */
export const listOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

export const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return quote(value);
}

// ---------------------------------------------------------------------------------------------
// Zod fields that report our messages, and their documentation
// ---------------------------------------------------------------------------------------------

/** What docs/configuration.md says of a field; its tables are generated from these (`npm run docs`). */
export interface FieldDoc {
  /** What the field is and what it accepts (Markdown). */
  readonly description: string;
  /** What applies when the field is left out (Markdown); absent for required fields. */
  readonly default?: string;
}

/** The schema, carrying its field's documentation. */
export const documented = <T extends z.ZodType>(schema: T, doc: FieldDoc): T => schema.meta({ ...doc }) as T;

/** A string field whose value `problem` checks; `problem` returns our message or nothing. */
export function checkedString(problem: (value: string) => string | undefined): z.ZodType<string> {
  return z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
}

/** A number that must be a whole number within `range` (inclusive). */
export function wholeNumber(range: { readonly min: number; readonly max: number }, unit = '', why = ''): z.ZodType<number> {
  return z.number().superRefine((value, ctx) => {
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${range.min} to ${range.max}${unit}${why}, not ${value}` });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Rules of catalog fields
// ---------------------------------------------------------------------------------------------

/** Stack names `<env>-<name>` the app gives to stacks that are not services (stacks/app.ts). */
export const RESERVED_SERVICE_NAMES: readonly string[] = ['base', 'monitoring'];

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const NAME_RULE = 'lower-case letters, digits and single dashes, starting with a letter and not ending with a dash';

/** Service, task and rule names: they become parts of AWS resource names and Terraform ids. */
export const nameProblem = (name: string): string | undefined => (NAME.test(name) ? undefined : `${quote(name)} must be ${NAME_RULE}`);

export function namespaceProblem(namespace: string): string | undefined {
  if (!/^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*$/.test(namespace)) {
    return `${quote(namespace)} must be lower-case letters, digits and dashes, in dot-separated parts that start with a letter`;
  }
  if (eventSource(namespace, 'x').startsWith('aws.')) {
    return `${quote(namespace)} makes event sources start with "aws.", which AWS reserves for its own events`;
  }
  return undefined;
}

/** ECS: up to 255 letters, digits, underscores and dashes. */
export const containerNameProblem = (name: string): string | undefined =>
  new RegExp(`^[A-Za-z0-9_-]{1,${NAME_MAX_LENGTH.ecsContainer}}$`).test(name)
    ? undefined
    : `${quote(name)} must be 1 to ${NAME_MAX_LENGTH.ecsContainer} letters, digits, underscores or dashes`;

/** ECR repository names: 2–256 characters (ECR_REPOSITORY_NAME_LENGTH), lower-case path components joined by `/`. */
export function imageRepositoryProblem(name: string): string | undefined {
  // A registry host is a valid-looking path component, so it needs its own check.
  if (name.includes('.amazonaws.com')) return `${quote(name)} includes a registry host; give the ECR repository name only (for example "booking-saga/payment")`;
  const component = '[a-z0-9]+(?:[._-][a-z0-9]+)*';
  const valid = new RegExp(`^(?:${component}/)*${component}$`).test(name) && name.length >= ECR_REPOSITORY_NAME_LENGTH.min && name.length <= ECR_REPOSITORY_NAME_LENGTH.max;
  return valid
    ? undefined
    : `${quote(name)} is not an ECR repository name (${ECR_REPOSITORY_NAME_LENGTH.min} to ${ECR_REPOSITORY_NAME_LENGTH.max} characters; lower-case letters and digits, separated by single ".", "_", "-" or "/"; no registry host or tag)`;
}

export function detailTypeProblem(detailType: string): string | undefined {
  if (detailType.trim().length === 0) return 'must not be empty';
  if (detailType.length > DETAIL_TYPE_MAX_LENGTH) {
    return `${quote(detailType)} is ${detailType.length} characters; EventBridge allows at most ${DETAIL_TYPE_MAX_LENGTH}`;
  }
  return undefined;
}

/** What is wrong with a Fargate task size, on which field, or undefined when it is valid. */
export function fargateSizeProblem(cpu: number, memory: number): { field: 'cpu' | 'memory'; message: string } | undefined {
  const allowed = FARGATE_SIZES[cpu];
  if (!allowed) {
    return { field: 'cpu', message: `${cpu} is not a Fargate CPU size; use ${oneOf(Object.keys(FARGATE_SIZES).map(Number)).replace(/"/g, '')}` };
  }
  if (allowed.includes(memory)) return undefined;
  return { field: 'memory', message: `${memory} MiB is not a Fargate size for cpu ${cpu}, which allows ${describeMemory(allowed)}` };
}

/** `512, 1024 or 2048 MiB`, `8192 to 30720 MiB in steps of 1024`. */
export function describeMemory(allowed: readonly number[]): string {
  if (allowed.length <= 3) return `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]} MiB`;
  const step = allowed[1]! - allowed[0]!;
  return `${allowed[0]} to ${allowed[allowed.length - 1]} MiB in steps of ${step}`;
}
