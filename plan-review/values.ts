/**
 * Safe display of planned values. Terraform's JSON plan carries real values next to masks:
 * `before_sensitive` / `after_sensitive` (true where a value is sensitive) and `after_unknown` (true
 * where it is only known after apply). A mask may be `true` at any level, the whole object included,
 * and the two sides may disagree (a value that becomes sensitive is marked on one side only). So the
 * two masks are merged first, and a value is hidden on both sides when either marks it, or anything
 * above it. A mask whose shape does not match its value (a map mask on a list, a nested mask on a
 * string) hides the whole value if it marks anything: when in doubt, nothing is printed.
 * Every value shown to a reviewer goes through `redact` with the merged mask.
 */
import type { ChangeJson } from './plan-json';

export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';
/** Plans older than format 0.2 carry no sensitivity masks: nothing can be proven safe to print. */
export const NO_SENSITIVITY_DATA = '(hidden: plan has no sensitivity data)';

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const child = (mask: unknown, key: string | number): unknown => {
  if (Array.isArray(mask) && typeof key === 'number') return mask[key];
  if (isRecord(mask)) return Object.hasOwn(mask, String(key)) ? mask[String(key)] : undefined;
  return undefined;
};

/** Terraform writes `true`, `false`, objects and arrays; anything else (`1`, `"yes"`) is taken as `true`. */
const marksWhole = (mask: unknown): boolean => mask === true || (mask !== undefined && mask !== null && mask !== false && typeof mask !== 'object');

/** True when the mask marks the value, or anything inside it. */
export const maskHasTrue = (mask: unknown): boolean => marksWhole(mask) || (Array.isArray(mask) ? mask.some(maskHasTrue) : isRecord(mask) && Object.values(mask).some(maskHasTrue));

const isEmptyMask = (mask: unknown): boolean => mask === undefined || mask === null || mask === false;

/** Sensitive wherever either mask is; mismatched shapes are sensitive as a whole if either marks anything. */
export const unionMask = (a: unknown, b: unknown): unknown => {
  if (isEmptyMask(a)) return isEmptyMask(b) ? undefined : b;
  if (isEmptyMask(b)) return a;
  if (marksWhole(a) || marksWhole(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => unionMask(a[i], b[i]));
  if (isRecord(a) && isRecord(b)) {
    return Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((key) => [key, unionMask(child(a, key), child(b, key))]));
  }
  return maskHasTrue(a) || maskHasTrue(b) ? true : undefined;
};

/**
 * A copy of `value` with every sensitive part replaced by `(sensitive)` and every unknown part by
 * `(known after apply)`. Sensitivity wins over unknown: an unknown secret is still a secret.
 */
export const redact = (value: unknown, sensitive: unknown, unknown: unknown = undefined): unknown => {
  if (marksWhole(sensitive)) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(value) || Array.isArray(unknown)) {
    if (!Array.isArray(sensitive) && maskHasTrue(sensitive)) return SENSITIVE;
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, Array.isArray(unknown) ? unknown.length : 0);
    return Array.from({ length }, (_, i) => redact(items[i], child(sensitive, i), child(unknown, i)));
  }
  if (isRecord(value) || isRecord(unknown)) {
    if (!isRecord(sensitive) && maskHasTrue(sensitive)) return SENSITIVE;
    const record = isRecord(value) ? value : {};
    const keys = [...new Set([...Object.keys(record), ...(isRecord(unknown) ? Object.keys(unknown) : [])])];
    return Object.fromEntries(keys.map((key) => [key, redact(record[key], child(sensitive, key), child(unknown, key))]));
  }
  // A scalar under a mask that still has structure: the mask does not fit the value, so hide it.
  return maskHasTrue(sensitive) ? SENSITIVE : value;
};

/** One line, at most `maxLength` characters, of an already redacted value. */
export const displayValue = (redacted: unknown, maxLength = 60): string => {
  if (redacted === SENSITIVE || redacted === UNKNOWN || redacted === NO_SENSITIVITY_DATA) return redacted;
  const text = redacted === undefined ? 'null' : JSON.stringify(redacted);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
};

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export interface AttributeChange {
  readonly name: string;
  /** Redacted display of the old value; absent when the new one is only known after apply. */
  readonly before?: string;
  readonly after: string;
}

/** Whether this change carries sensitivity masks at all (format ≥ 0.2). */
export const hasSensitivityData = (change: ChangeJson): boolean => change.before_sensitive !== undefined || change.after_sensitive !== undefined;

/**
 * The merged sensitivity of a resource's attributes (both sides): `true` when the object as a whole
 * is sensitive, including a mask that is not an object mask yet marks something.
 */
export const changeMask = (change: ChangeJson): unknown => {
  const mask = unionMask(change.before_sensitive, change.after_sensitive);
  return marksWhole(mask) || (!isRecord(mask) && maskHasTrue(mask)) ? true : mask;
};

/** Every attribute of the object is sensitive: show none of them, nor any diff. */
export const isWhollySensitive = (change: ChangeJson): boolean => hasSensitivityData(change) && changeMask(change) === true;

/**
 * The old or new object with every sensitive and unknown part replaced by its marker, for rules
 * that inspect values (e.g. risk ranking); `undefined` when the plan has no sensitivity data.
 */
export const redactedObject = (change: ChangeJson, side: 'before' | 'after'): Record<string, unknown> | undefined => {
  if (!hasSensitivityData(change)) return undefined;
  const redacted = redact(side === 'before' ? change.before : change.after, changeMask(change), side === 'after' ? change.after_unknown : undefined);
  return isRecord(redacted) ? redacted : undefined;
};

/**
 * Top-level attributes whose value changes: known changes by name, then unknown ones by name. An attribute becoming unknown is shown as
 * `(known after apply)` alone: its old value is not interesting and may be a secret Terraform failed
 * to mark (e.g. `terraform_data.output` mirroring a sensitive `input`). A wholly sensitive object has none to show.
 */
export const attributeChanges = (change: ChangeJson): AttributeChange[] => {
  if (isWhollySensitive(change)) return [];
  const before = isRecord(change.before) ? change.before : {};
  const after = isRecord(change.after) ? change.after : {};
  const afterUnknown = isRecord(change.after_unknown) ? change.after_unknown : {};
  const masksKnown = hasSensitivityData(change);
  const mask = changeMask(change);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(afterUnknown)])].sort();
  const changes = names.flatMap((name): AttributeChange[] => {
    const unknown = child(afterUnknown, name);
    if (unknown === true) return [{ name, after: UNKNOWN }];
    if (!maskHasTrue(unknown) && deepEqual(before[name], after[name])) return [];
    const show = (value: unknown, unknownMask?: unknown): string => (masksKnown ? displayValue(redact(value, child(mask, name), unknownMask)) : NO_SENSITIVITY_DATA);
    return [{ name, before: show(child(before, name)), after: show(child(after, name), unknown) }];
  });
  // Known changes first: they are what a reviewer reads; "(known after apply)" ones are mostly computed ids.
  return [...changes.filter((c) => c.before !== undefined), ...changes.filter((c) => c.before === undefined)];
};

export type AttributeView =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'sensitive' }
  | { readonly kind: 'no-sensitivity-data' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'absent' };

/** One top-level attribute of the old or new object, or why it cannot be shown. */
export const attributeView = (change: ChangeJson, side: 'before' | 'after', name: string): AttributeView => {
  if (!hasSensitivityData(change)) return { kind: 'no-sensitivity-data' };
  if (maskHasTrue(child(changeMask(change), name)) || isWhollySensitive(change)) return { kind: 'sensitive' };
  if (side === 'after' && maskHasTrue(child(change.after_unknown, name))) return { kind: 'unknown' };
  const value = child(side === 'before' ? change.before : change.after, name);
  if (value === undefined || value === null) return { kind: 'absent' };
  return { kind: 'value', value };
};
