/**
 * Safe display of planned values. Terraform's JSON plan carries real values next to two masks of the
 * same shape: `*_sensitive` (true where a value is sensitive) and `after_unknown` (true where it is
 * only known after apply). Every value shown to a reviewer goes through `redact` first.
 */
import type { ChangeJson } from './plan-json';

export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';
/** Plans older than format 0.2 carry no sensitivity masks: nothing can be proven safe to print. */
export const NO_SENSITIVITY_DATA = '(hidden: plan has no sensitivity data)';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const child = (mask: unknown, key: string | number): unknown => {
  if (Array.isArray(mask) && typeof key === 'number') return mask[key];
  if (isRecord(mask)) return mask[String(key)];
  return undefined;
};

/** True when the mask marks the value, or anything inside it. */
export const maskHasTrue = (mask: unknown): boolean =>
  mask === true || (Array.isArray(mask) ? mask.some(maskHasTrue) : isRecord(mask) && Object.values(mask).some(maskHasTrue));

/**
 * A copy of `value` with every sensitive part replaced by `(sensitive)` and every unknown part by
 * `(known after apply)`. Sensitivity wins over unknown: an unknown secret is still a secret.
 */
export const redact = (value: unknown, sensitive: unknown, unknown: unknown = undefined): unknown => {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(value) || Array.isArray(unknown)) {
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, Array.isArray(unknown) ? unknown.length : 0);
    return Array.from({ length }, (_, i) => redact(items[i], child(sensitive, i), child(unknown, i)));
  }
  if (isRecord(value) || isRecord(unknown)) {
    const record = isRecord(value) ? value : {};
    const keys = [...new Set([...Object.keys(record), ...(isRecord(unknown) ? Object.keys(unknown) : [])])];
    return Object.fromEntries(keys.map((key) => [key, redact(record[key], child(sensitive, key), child(unknown, key))]));
  }
  return value;
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
export const hasSensitivityData = (change: ChangeJson): boolean =>
  change.before_sensitive !== undefined || change.after_sensitive !== undefined;

/**
 * Top-level attributes whose value changes: known changes by name, then unknown ones by name. An attribute becoming unknown is shown as
 * `(known after apply)` alone: its old value is not interesting and may be a secret Terraform failed
 * to mark (e.g. `terraform_data.output` mirroring a sensitive `input`).
 */
export const attributeChanges = (change: ChangeJson): AttributeChange[] => {
  const before = isRecord(change.before) ? change.before : {};
  const after = isRecord(change.after) ? change.after : {};
  const afterUnknown = isRecord(change.after_unknown) ? change.after_unknown : {};
  const masksKnown = hasSensitivityData(change);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(afterUnknown)])].sort();
  const changes = names.flatMap((name): AttributeChange[] => {
    const unknown = afterUnknown[name];
    if (unknown === true) return [{ name, after: UNKNOWN }];
    if (!maskHasTrue(unknown) && deepEqual(before[name], after[name])) return [];
    const show = (value: unknown, sensitive: unknown, unknownMask?: unknown): string =>
      masksKnown ? displayValue(redact(value, sensitive, unknownMask)) : NO_SENSITIVITY_DATA;
    return [
      {
        name,
        before: show(before[name], child(change.before_sensitive, name)),
        after: show(after[name], child(change.after_sensitive, name), unknown),
      },
    ];
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
  const object = side === 'before' ? change.before : change.after;
  const sensitive = child(side === 'before' ? change.before_sensitive : change.after_sensitive, name);
  if (!hasSensitivityData(change)) return { kind: 'no-sensitivity-data' };
  if (maskHasTrue(sensitive)) return { kind: 'sensitive' };
  if (side === 'after' && maskHasTrue(child(change.after_unknown, name))) return { kind: 'unknown' };
  if (!isRecord(object) || object[name] === undefined || object[name] === null) return { kind: 'absent' };
  return { kind: 'value', value: object[name] };
};
