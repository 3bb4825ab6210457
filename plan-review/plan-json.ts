/**
 * The parts of Terraform's machine-readable plan (`terraform show -json <planfile>`) this library
 * reads, and their conversion into a normalized model. Field availability by `format_version`:
 *   0.1  (Terraform 0.12–0.14): actions, before/after, after_unknown
 *   0.2  (0.15–1.0): before_sensitive / after_sensitive, replace_paths, output_changes sensitivity
 *   1.0+ (1.0–1.1):  action_reason, previous_address (moved blocks)
 *   1.1+ / 1.2 (1.3–1.11): errored/applyable/complete, checks, change.importing (import blocks)
 * Absent fields are treated as "not known", never guessed.
 */

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
  readonly address?: { readonly to_display?: string };
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
  /** Messages of failed checks (preconditions, postconditions, check blocks). */
  readonly failedChecks: readonly string[];
}

/** Reads `0.1` to `1.x`; a `2.x` plan would be a breaking format change this code has not seen. */
const SUPPORTED_FORMAT = /^(0|1)\.\d+$/;

export class PlanFormatError extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

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

const parseResourceChange = (raw: unknown, stack: string, index: number): ResourceChange => {
  const where = `${stack}: resource_changes[${index}]`;
  if (!isRecord(raw) || typeof raw.address !== 'string' || typeof raw.type !== 'string') {
    throw new PlanFormatError(`${where}: expected an object with "address" and "type"`);
  }
  const change = raw.change;
  if (!isRecord(change) || !Array.isArray(change.actions)) {
    throw new PlanFormatError(`${where} (${raw.address}): expected "change.actions" to be a list`);
  }
  const rc = raw as unknown as ResourceChangeJson;
  const importing = rc.change.importing;
  return {
    address: rc.address,
    type: rc.type,
    mode: rc.mode === 'data' || rc.address.startsWith('data.') || rc.address.includes('.data.') ? 'data' : 'managed',
    ...actionOf(rc.change.actions, `${where} (${rc.address})`),
    ...(rc.previous_address && rc.previous_address !== rc.address ? { previousAddress: rc.previous_address } : {}),
    ...(importing ? { importId: importing.id ?? '' } : {}),
    ...(rc.action_reason ? { actionReason: rc.action_reason } : {}),
    ...(rc.deposed ? { deposed: rc.deposed } : {}),
    change: rc.change,
  };
};

const failedCheckMessages = (checks: readonly CheckJson[] | undefined): string[] =>
  (checks ?? []).flatMap((check) =>
    (check.instances ?? [])
      .filter((instance) => instance.status === 'fail' || instance.status === 'error')
      .flatMap((instance) =>
        (instance.problems ?? []).map(
          (problem) => `${instance.address?.to_display ?? check.address?.to_display ?? '?'}: ${problem.message ?? '(no message)'}`,
        ),
      ),
  );

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
  const resourceChanges = json.resource_changes ?? [];
  if (!Array.isArray(resourceChanges)) throw new PlanFormatError(`${stack}: "resource_changes" must be a list`);
  const plan = json as unknown as PlanJson;
  const outputChanges = Object.entries(plan.output_changes ?? {}).map(([name, change]) => ({
    name,
    ...actionOf(change.actions, `${stack}: output_changes.${name}`),
    sensitive: change.before_sensitive === true || change.after_sensitive === true,
  }));
  return {
    stack,
    formatVersion,
    changes: resourceChanges.map((raw, index) => parseResourceChange(raw, stack, index)),
    outputChanges: outputChanges.map(({ name, action, sensitive }) => ({ name, action, sensitive })),
    errored: plan.errored === true,
    failedChecks: failedCheckMessages(plan.checks),
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

export const isStackError = (json: unknown): json is StackError =>
  isRecord(json) && json.kind === 'stack-error' && typeof json.stack === 'string';
