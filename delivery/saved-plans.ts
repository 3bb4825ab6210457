/**
 * What `npm run plan -- --save DIR` keeps for `npm run apply`, and the rules the apply checks before
 * it applies anything. Per stack:
 *
 *   DIR/<stack>.tfplan              the saved plan (binary; holds sensitive values: never an artifact)
 *   DIR/<stack>.plan-record.json    its record: stack, environment, commit, when it was made, SHA-256
 *                                   of the stack's cdk.tf.json and of the plan file, and whether it
 *                                   may be applied
 *   DIR/plan-set.json               the environment, the commit and every stack's verdict
 *
 * A plan may be applied only as it was reviewed: made from this commit, for this stack of this
 * environment, from the same synthesized configuration. And only if the outputs it read from other
 * stacks (terraform_remote_state) stay as they were: Terraform bakes a data source's values into the
 * plan, so a plan of `dev-payment` made while `dev-base`'s plan changes an output `dev-payment` reads
 * would, applied after `dev-base`, write the old value. Such a plan is "deferred": shown for review,
 * never applied; the stack is planned again once its dependency has been applied.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const PLAN_FILE_SUFFIX = '.tfplan';
export const PLAN_RECORD_SUFFIX = '.plan-record.json';
export const PLAN_SET_FILE = 'plan-set.json';

/**
 * Saved plans hold sensitive values in clear text. The state bucket deletes them after this many days
 * (modules/state-bucket, rule `expire-saved-plans`, given this value by npm run bootstrap:state), and
 * npm run apply refuses an older one, wherever it was kept: the state it was planned against has
 * most likely moved on, and a reviewed plan should not wait weeks for its apply.
 */
export const SAVED_PLAN_MAX_AGE_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Written next to the JSON plans when stacks were deferred: a note for the summary and the job summary. */
export const DEFERRED_NOTE_FILE = 'deferred.md';

/** Outputs of another stack one stack reads: `*` when it reads the whole `outputs` object. */
export type OutputsRead = ReadonlyMap<string, ReadonlySet<string>>;

export interface Deferral {
  /** The dependency whose plan changes (or could not tell) what this stack reads. */
  readonly stack: string;
  /** The outputs concerned, or why they could not be checked. */
  readonly reason: string;
}

export interface PlanRecord {
  readonly format: 1;
  readonly stack: string;
  readonly environment: string;
  /** The commit the plan was made from (`GITHUB_SHA`, or the checkout's HEAD, `+dirty` with local changes). */
  readonly commit: string;
  /** When the plan was made (ISO 8601, UTC); a plan older than SAVED_PLAN_MAX_AGE_DAYS is refused. */
  readonly createdAt: string;
  /** SHA-256 of the stack's synthesized `cdk.tf.json` when it was planned. */
  readonly configSha256: string;
  /** SHA-256 of the saved plan file; absent when no plan was saved (a deferred stack). */
  readonly planSha256?: string;
  /** False when deferred: the plan was made against outputs its dependencies are about to change. */
  readonly applicable: boolean;
  readonly deferredBy: readonly Deferral[];
}

export interface PlanSet {
  readonly format: 1;
  readonly environment: string;
  readonly commit: string;
  readonly stacks: readonly { readonly stack: string; readonly applicable: boolean }[];
  /** Stacks to plan again after this set is applied. */
  readonly deferred: readonly string[];
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
export const sha256OfFile = (file: string): string => sha256(readFileSync(file));

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Which outputs of which stacks a stack reads, from its `cdk.tf.json`: every
 * `data.terraform_remote_state.<id>` names its state (`key` for S3, `path` for a local backend:
 * `<…>/<stack>.tfstate`), and every reference `data.terraform_remote_state.<id>.outputs.<name>` one output.
 */
export function remoteOutputsRead(stackJson: unknown): Map<string, Set<string>> {
  const reads = new Map<string, Set<string>>();
  if (!isRecord(stackJson)) return reads;
  const data = isRecord(stackJson.data) ? stackJson.data : {};
  const sources = isRecord(data.terraform_remote_state) ? data.terraform_remote_state : {};
  const text = JSON.stringify({ ...stackJson, data: { ...data, terraform_remote_state: undefined } });
  for (const [id, source] of Object.entries(sources)) {
    const config = isRecord(source) && isRecord(source.config) ? source.config : {};
    const location = typeof config.key === 'string' ? config.key : typeof config.path === 'string' ? config.path : undefined;
    if (!location) continue;
    const stack = basename(location).replace(/\.tfstate$/, '');
    const outputs = reads.get(stack) ?? new Set<string>();
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const match of text.matchAll(new RegExp(`data\\.terraform_remote_state\\.${escaped}\\.outputs(\\.([A-Za-z0-9_-]+))?`, 'g'))) {
      outputs.add(match[2] ?? '*');
    }
    reads.set(stack, outputs);
  }
  return reads;
}

/** Root outputs a `terraform show -json` plan changes: every `output_changes` entry that is not a no-op. */
export function changedOutputs(planJson: unknown): string[] {
  const changes = isRecord(planJson) && isRecord(planJson.output_changes) ? planJson.output_changes : {};
  return Object.entries(changes)
    .filter(([, change]) => {
      const actions = isRecord(change) && Array.isArray(change.actions) ? change.actions : undefined;
      return !(actions && actions.length === 1 && actions[0] === 'no-op');
    })
    .map(([name]) => name)
    .sort();
}

/** What a dependency's plan means for the stacks that read it. */
export type DependencyOutcome = { readonly kind: 'planned'; readonly changedOutputs: readonly string[] } | { readonly kind: 'failed' } | { readonly kind: 'deferred' };

/**
 * Why a stack's plan cannot be applied as made: for each dependency it reads, the dependency failed,
 * was itself deferred, or its plan changes an output the stack reads. Empty: the plan may be applied.
 */
export function deferrals(reads: OutputsRead, dependencies: ReadonlyMap<string, DependencyOutcome>): Deferral[] {
  const found: Deferral[] = [];
  for (const [stack, outputs] of reads) {
    const outcome = dependencies.get(stack);
    if (!outcome) continue; // a stack outside this plan run (another environment's, or not changing now)
    if (outcome.kind === 'failed') found.push({ stack, reason: 'its plan failed' });
    else if (outcome.kind === 'deferred') found.push({ stack, reason: 'it is planned again after its own dependencies are applied' });
    else {
      const changed = outputs.has('*') ? [...outcome.changedOutputs] : outcome.changedOutputs.filter((output) => outputs.has(output));
      if (changed.length > 0) found.push({ stack, reason: `its plan changes output${changed.length > 1 ? 's' : ''} ${changed.join(', ')}, read here` });
    }
  }
  return found;
}

/** The problems that forbid applying a saved plan: each names the stack and what differs. Empty: it may be applied. */
export function recordProblems(
  record: unknown,
  expected: { readonly stack: string; readonly environment: string; readonly commit: string; readonly configSha256: string; readonly planSha256?: string },
  now: Date,
): string[] {
  const where = `stack ${expected.stack}`;
  if (!isRecord(record) || record.format !== 1) return [`${where}: the plan record is not one written by npm run plan --save (format 1)`];
  const problems: string[] = [];
  if (record.stack !== expected.stack) problems.push(`${where}: the saved plan was made for stack ${JSON.stringify(record.stack)}, not this one`);
  if (record.environment !== expected.environment) problems.push(`${where}: the saved plan was made for environment ${JSON.stringify(record.environment)}, not ${expected.environment}`);
  if (record.commit !== expected.commit) problems.push(`${where}: the saved plan was made from commit ${JSON.stringify(record.commit)}; this checkout is ${expected.commit}`);
  if (record.configSha256 !== expected.configSha256) problems.push(`${where}: its synthesized configuration (cdk.tf.json) differs from the one that was planned`);
  if (expected.planSha256 !== undefined && record.planSha256 !== expected.planSha256) problems.push(`${where}: the plan file is not the one that was recorded (SHA-256 differs)`);
  const age = ageProblem(record.createdAt, now);
  if (age) problems.push(`${where}: ${age}`);
  return problems;
}

/** Why a plan made at `createdAt` may no longer be applied at `now`, or undefined when it may. */
export function ageProblem(createdAt: unknown, now: Date): string | undefined {
  const when = typeof createdAt === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(createdAt) ? createdAt : '';
  const made = when ? Date.parse(when) : Number.NaN;
  if (Number.isNaN(made)) return 'the plan record does not say when the plan was made (createdAt): plan again';
  const ageMs = now.getTime() - made;
  if (ageMs > SAVED_PLAN_MAX_AGE_DAYS * DAY_MS) {
    return `the saved plan was made ${when}, ${Math.floor(ageMs / DAY_MS)} days ago; saved plans expire after ${SAVED_PLAN_MAX_AGE_DAYS} days (they hold secrets, and the state has moved on): plan again and review the new plan`;
  }
  if (ageMs < -5 * 60 * 1000) return `the saved plan says it was made ${when}, in the future: check this machine's clock, or plan again`;
  return undefined;
}

export const planFilePath = (dir: string, stack: string): string => join(dir, `${stack}${PLAN_FILE_SUFFIX}`);
export const planRecordPath = (dir: string, stack: string): string => join(dir, `${stack}${PLAN_RECORD_SUFFIX}`);

export function writePlanRecord(dir: string, record: PlanRecord): void {
  writeFileSync(planRecordPath(dir, record.stack), `${JSON.stringify(record, null, 2)}\n`);
}

export function writePlanSet(dir: string, set: PlanSet): void {
  writeFileSync(join(dir, PLAN_SET_FILE), `${JSON.stringify(set, null, 2)}\n`);
}

/** A stack's record as JSON, or undefined when there is none (malformed JSON reads as a problem later). */
export function readPlanRecord(dir: string, stack: string): unknown {
  const file = planRecordPath(dir, stack);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The Markdown note listing deferred stacks, for the plan summary and the job summary. */
export function deferredNote(environment: string, deferred: readonly { stack: string; deferredBy: readonly Deferral[] }[]): string {
  const lines = deferred.map(({ stack, deferredBy }) => `- \`${stack}\`: ${deferredBy.map((d) => `\`${d.stack}\` — ${d.reason}`).join('; ')}`);
  return [
    `### ${environment}: planned again after this apply`,
    '',
    'These plans read outputs that the plans above change, so they are shown for review but never applied as they are:',
    'each stack is planned again, against the new outputs, once the stacks it reads have been applied (and that plan is reviewed too).',
    '',
    ...lines,
    '',
  ].join('\n');
}
