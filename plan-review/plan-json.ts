/**
 * The parts of Terraform's machine-readable plan (`terraform show -json <planfile>`) this library
 * reads, and their conversion into a normalized model. Field availability by `format_version`:
 *   0.1  (Terraform 0.12–0.14): actions, before/after, after_unknown
 *   0.2  (0.15–1.0): before_sensitive / after_sensitive, replace_paths, output_changes sensitivity
 *   1.0+ (1.0–1.1):  action_reason, previous_address (moved blocks)
 *   1.1+ / 1.2 (1.3–1.11): errored/applyable/complete, checks, change.importing (import blocks)
 * Absent fields are treated as "not known", never guessed.
 */
import { maskHasTrue } from './values';
import { resourceMode } from '../core/terraform-mode';

export interface ChangeJson {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  readonly importing?: { readonly id?: string; readonly identity?: unknown };
}

export interface ResourceChangeJson {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode?: 'managed' | 'data';
  readonly type: string;
  readonly name?: string;
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: ChangeJson;
}

export interface CheckJson {
  readonly address?: { readonly kind?: string; readonly to_display?: string };
  readonly status?: string;
  readonly instances?: readonly {
    readonly address?: { readonly to_display?: string };
    readonly status?: string;
    readonly problems?: readonly { readonly message?: string }[];
  }[];
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChangeJson[];
  readonly output_changes?: Readonly<Record<string, ChangeJson>>;
  readonly errored?: boolean;
  readonly checks?: readonly CheckJson[];
}

export type Action = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'no-op' | 'forget';

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode: 'managed' | 'data';
  readonly action: Action;
  /** For replaces: which half happens first (`create_before_destroy` → create-first). */
  readonly replaceOrder?: 'delete-first' | 'create-first';
  /** Set when a `moved` block (or a refactoring) renamed the resource. */
  readonly previousAddress?: string;
  /** Set when an `import` block imports an existing object. */
  readonly importId?: string;
  readonly actionReason?: string;
  readonly deposed?: string;
  readonly change: ChangeJson;
}

export interface OutputChange {
  readonly name: string;
  readonly action: Action;
  readonly sensitive: boolean;
}

export interface StackPlan {
  readonly stack: string;
  readonly formatVersion: string;
  readonly changes: readonly ResourceChange[];
  readonly outputChanges: readonly OutputChange[];
  /** Terraform saved the plan although planning failed (Terraform ≥ 1.4). */
  readonly errored: boolean;
  /** Failed or errored checks: preconditions, postconditions and `check` block assertions. */
  readonly failedChecks: readonly FailedCheck[];
}

/** One failing check instance and why; `kind` is Terraform's (`check`, `resource`, `output_value`, `var`). */
export interface FailedCheck {
  readonly address: string;
  readonly kind: string;
  readonly status: 'fail' | 'error';
  readonly messages: readonly string[];
}

/** Reads `0.1` to `1.x`; a `2.x` plan would be a breaking format change this code has not seen. */
const SUPPORTED_FORMAT = /^(0|1)\.\d+$/;

export class PlanFormatError extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Maps Terraform's action list to one action; throws on a list this code does not know. */
export const actionOf = (actions: readonly string[], where: string): Pick<ResourceChange, 'action' | 'replaceOrder'> => {
  const key = actions.join(',');
  switch (key) {
    case 'no-op':
    case 'create':
    case 'read':
    case 'update':
    case 'delete':
    case 'forget':
      return { action: key };
    case 'delete,create':
      return { action: 'replace', replaceOrder: 'delete-first' };
    case 'create,delete':
      return { action: 'replace', replaceOrder: 'create-first' };
    default:
      throw new PlanFormatError(`${where}: unknown action list [${actions.join(', ')}]`);
  }
};

/**
 * Deepest nesting accepted anywhere in a plan. Real plans stay far below it (a provider schema's
 * nested blocks add two levels each); the summary's value walks recurse, so a crafted plan nested
 * thousands of levels deep is refused here with a clear error instead of overflowing the stack.
 */
export const MAX_PLAN_NESTING = 256;

/** Iterative, so the check itself cannot overflow: is `value` nested deeper than `limit` levels? */
export const nestedDeeperThan = (value: unknown, limit: number): boolean => {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, a scalar pushed here is skipped when popped; the filter only keeps the stack small
    for (const inner of Object.values(current as object)) if (inner !== null && typeof inner === 'object') pending.push([inner, depth + 1]);
  }
  return false;
};

const optionalString = (raw: Record<string, unknown>, field: string, where: string): string | undefined => {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new PlanFormatError(`${where}: "${field}" must be a string`);
  return value;
};

const actionsOf = (change: unknown, where: string): Pick<ResourceChange, 'action' | 'replaceOrder'> => {
  if (!isRecord(change) || !Array.isArray(change.actions) || !change.actions.every((a) => typeof a === 'string')) {
    throw new PlanFormatError(`${where}: expected "change.actions" to be a list of strings`);
  }
  return actionOf(change.actions as string[], where);
};

const parseResourceChange = (raw: unknown, stack: string, index: number): ResourceChange => {
  const where = `${stack}: resource_changes[${index}]`;
  if (!isRecord(raw) || typeof raw.address !== 'string' || typeof raw.type !== 'string') {
    throw new PlanFormatError(`${where}: expected an object with "address" and "type"`);
  }
  const at = `${where} (${raw.address})`;
  const actions = actionsOf(raw.change, at);
  const change = raw.change as Record<string, unknown>;
  const replacePaths = change.replace_paths;
  if (replacePaths !== undefined && replacePaths !== null) {
    const valid = Array.isArray(replacePaths) && replacePaths.every((path) => Array.isArray(path) && path.every((step) => typeof step === 'string' || typeof step === 'number'));
    if (!valid) throw new PlanFormatError(`${at}: "change.replace_paths" must be a list of paths (lists of names and indexes)`);
  }
  const importing = change.importing;
  if (importing !== undefined && importing !== null && !isRecord(importing)) throw new PlanFormatError(`${at}: "change.importing" must be an object`);
  const importId = isRecord(importing) ? (optionalString(importing, 'id', `${at} change.importing`) ?? '') : undefined;
  const previousAddress = optionalString(raw, 'previous_address', at);
  const actionReason = optionalString(raw, 'action_reason', at);
  const deposed = optionalString(raw, 'deposed', at);
  const address = raw.address;
  return {
    address,
    type: raw.type,
    mode: resourceMode(raw.mode, address),
    ...actions,
    ...(previousAddress && previousAddress !== address ? { previousAddress } : {}),
    ...(importId !== undefined ? { importId } : {}),
    ...(actionReason ? { actionReason } : {}),
    ...(deposed ? { deposed } : {}),
    change: change as unknown as ChangeJson,
  };
};

const displayOf = (address: unknown): string | undefined => (isRecord(address) && typeof address.to_display === 'string' ? address.to_display : undefined);

/** Failing and erroring check instances with their messages; malformed entries are shown, not dropped. */
const failedChecksOf = (checks: unknown, stack: string): FailedCheck[] => {
  if (checks === undefined || checks === null) return [];
  if (!Array.isArray(checks)) throw new PlanFormatError(`${stack}: "checks" must be a list`);
  return checks.flatMap((check): FailedCheck[] => {
    if (!isRecord(check)) return [];
    const checkAddress = displayOf(check.address) ?? '(unnamed check)';
    const kind = isRecord(check.address) && typeof check.address.kind === 'string' ? check.address.kind : 'check';
    const instances = Array.isArray(check.instances) ? check.instances.filter(isRecord) : [];
    const failing = instances.filter((instance) => instance.status === 'fail' || instance.status === 'error');
    if (failing.length === 0) {
      // A check can fail as a whole (e.g. its count or for_each is invalid) with no instance to blame.
      return check.status === 'fail' || check.status === 'error' ? [{ address: checkAddress, kind, status: check.status, messages: [] }] : [];
    }
    return failing.map((instance) => ({
      address: displayOf(instance.address) ?? checkAddress,
      kind,
      status: instance.status as 'fail' | 'error',
      messages: (Array.isArray(instance.problems) ? instance.problems : []).map((problem) => (isRecord(problem) && typeof problem.message === 'string' ? problem.message : '(no message)')),
    }));
  });
};

const parseOutputChanges = (raw: unknown, stack: string): OutputChange[] => {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) throw new PlanFormatError(`${stack}: "output_changes" must be an object of output names to changes`);
  return Object.entries(raw).map(([name, change]) => {
    const where = `${stack}: output_changes.${name}`;
    const actions = actionsOf(change, where);
    const { before_sensitive: before, after_sensitive: after } = change as Record<string, unknown>;
    // An output's value is never printed; any mark at all shows it as sensitive.
    return { name, action: actions.action, sensitive: maskHasTrue(before) || maskHasTrue(after) };
  });
};

/** Validates and normalizes one plan. `stack` names it in errors and in the summary. */
export const parsePlan = (json: unknown, stack: string): StackPlan => {
  if (!isRecord(json)) throw new PlanFormatError(`${stack}: a plan must be a JSON object (output of "terraform show -json <planfile>")`);
  const formatVersion = json.format_version;
  if (typeof formatVersion !== 'string') {
    throw new PlanFormatError(`${stack}: missing "format_version"; is this the output of "terraform show -json <planfile>"?`);
  }
  if (!SUPPORTED_FORMAT.test(formatVersion)) {
    throw new PlanFormatError(`${stack}: unsupported plan format_version "${formatVersion}" (supported: 0.1 to 1.x)`);
  }
  if (nestedDeeperThan(json, MAX_PLAN_NESTING)) {
    throw new PlanFormatError(`${stack}: the plan nests deeper than ${MAX_PLAN_NESTING} levels; no Terraform plan does, refusing to read it`);
  }
  const resourceChanges = json.resource_changes ?? [];
  if (!Array.isArray(resourceChanges)) throw new PlanFormatError(`${stack}: "resource_changes" must be a list`);
  return {
    stack,
    formatVersion,
    changes: resourceChanges.map((raw, index) => parseResourceChange(raw, stack, index)),
    outputChanges: parseOutputChanges(json.output_changes, stack),
    errored: json.errored === true,
    failedChecks: failedChecksOf(json.checks, stack),
  };
};

/** A stack whose `init`, `plan` or `show` failed; written by the plan command as `<stack>.error.json`. */
export interface StackError {
  readonly kind: 'stack-error';
  readonly stack: string;
  readonly step: string;
  readonly exitCode: number | null;
  readonly message: string;
}

/** A `<stack>.error.json` marker (or something claiming to be one). */
export const isStackError = (json: unknown): boolean => isRecord(json) && json.kind === 'stack-error';

/** Validates a stack error marker; `file` names it in the error. */
export const parseStackError = (json: unknown, file: string): StackError => {
  const valid =
    isRecord(json) &&
    json.kind === 'stack-error' &&
    typeof json.stack === 'string' &&
    typeof json.step === 'string' &&
    (json.exitCode === null || Number.isInteger(json.exitCode)) &&
    typeof json.message === 'string';
  if (!valid) throw new PlanFormatError(`${file}: a stack error marker needs "stack", "step" and "message" strings and an integer or null "exitCode"`);
  return { kind: 'stack-error', stack: json.stack as string, step: json.step as string, exitCode: json.exitCode as number | null, message: json.message as string };
};
