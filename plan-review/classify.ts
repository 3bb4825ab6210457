/**
 * What a reviewer must look at, one finding per change: deletes and replaces (with what they cost,
 * destroy-impact.ts), IAM policies and roles (identity- and resource-based), security group rules,
 * public access, KMS key policies and state machine definitions, each ranked by risk (risk.ts).
 */
import { destroyImpactOf, type DestroyClassification } from './destroy-impact';
import { jsonDiff } from './diff';
import type { Action, ResourceChange, StackPlan } from './plan-json';
import { POLICY_ATTRIBUTES, RISK_ORDER, riskReasons, SECURITY_GROUP_TYPES, type RiskLevel, type RiskReason } from './risk';
import { attributeChanges, attributeView, type AttributeView } from './values';

export type FindingKind = 'destroy' | 'iam' | 'security-group' | 'state-machine' | 'public-access' | 'kms';

export interface Finding {
  readonly stack: string;
  readonly address: string;
  readonly action: Action;
  readonly kinds: readonly FindingKind[];
  /** The highest level among the reasons. */
  readonly level: RiskLevel;
  /** Riskiest first. */
  readonly reasons: readonly RiskReason[];
  /** For deletes and replaces: what it costs. */
  readonly impact?: DestroyClassification;
  readonly change: ResourceChange;
  /** Unified diff of the JSON document that changes (ASL, policy), if any. */
  readonly diff?: readonly string[];
  /** Why no diff could be shown (sensitive or unknown document). */
  readonly diffNote?: string;
}

/** Identity-based IAM resources: roles, policies and their attachments. */
const IAM_TYPE =
  /^aws_iam_(role|policy|role_policy|role_policy_attachment|policy_attachment|user_policy|user_policy_attachment|group_policy|group_policy_attachment|role_policies_exclusive|role_policy_attachments_exclusive)$/;

/** Resource-based policies grant access as much as IAM policies do. */
const RESOURCE_POLICY_TYPES: ReadonlySet<string> = new Set([
  'aws_s3_bucket_policy',
  'aws_sqs_queue_policy',
  'aws_sns_topic_policy',
  'aws_cloudwatch_event_bus_policy',
  'aws_cloudwatch_event_permission',
  'aws_cloudwatch_log_resource_policy',
  'aws_ecr_repository_policy',
  'aws_secretsmanager_secret_policy',
  'aws_lambda_permission',
]);

const KMS_TYPES: ReadonlySet<string> = new Set(['aws_kms_key', 'aws_kms_key_policy', 'aws_kms_grant']);

const PUBLIC_ACCESS_TYPES: ReadonlySet<string> = new Set([
  'aws_s3_bucket_public_access_block',
  'aws_s3_account_public_access_block',
  'aws_s3_bucket_acl',
  'aws_db_instance',
  'aws_rds_cluster_instance',
  'aws_subnet',
  'aws_ecs_service',
  'aws_lambda_function_url',
]);

/** The JSON document attribute a reviewer wants diffed, per resource type. */
const DOCUMENT_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_sfn_state_machine: 'definition',
  ...Object.fromEntries(
    Object.entries(POLICY_ATTRIBUTES)
      .filter(([type, attributes]) => attributes.length > 0 && (IAM_TYPE.test(type) || RESOURCE_POLICY_TYPES.has(type) || KMS_TYPES.has(type)))
      .map(([type, attributes]) => [type, attributes[0]!]),
  ),
};

export const isDestructiveAction = (change: ResourceChange): boolean => change.action === 'delete' || change.action === 'replace';

/** A delete or replace that loses data (or of a type nobody has classified yet). */
export const isDestructive = (change: ResourceChange): boolean => change.mode === 'managed' && isDestructiveAction(change) && destroyImpactOf(change.type).impact === 'destructive';

/** Actions that change something in AWS (moves and imports without an update are bookkeeping). */
const isModifying = (change: ResourceChange): boolean => change.mode === 'managed' && (change.action === 'create' || change.action === 'update' || isDestructiveAction(change));

export const isIamChange = (change: ResourceChange): boolean => isModifying(change) && (IAM_TYPE.test(change.type) || RESOURCE_POLICY_TYPES.has(change.type));

export const isSecurityGroupChange = (change: ResourceChange): boolean => isModifying(change) && SECURITY_GROUP_TYPES.has(change.type);

const viewNote = (view: AttributeView, side: string): string | undefined => {
  switch (view.kind) {
    case 'sensitive':
      return 'the document is sensitive'; // on either side: both are hidden
    case 'unknown':
      return `${side} document is known after apply`;
    case 'no-sensitivity-data':
      return 'the plan has no sensitivity data (format 0.1)';
    default:
      return undefined;
  }
};

/** The JSON document attribute of a type that gets a diff in the findings (e.g. ASL `definition`). */
export const documentAttributeOf = (type: string): string | undefined => (Object.hasOwn(DOCUMENT_ATTRIBUTE, type) ? DOCUMENT_ATTRIBUTE[type] : undefined);

/** Diff of the type's document attribute, or a note saying why it cannot be shown. */
export const documentDiff = (change: ResourceChange): Pick<Finding, 'diff' | 'diffNote'> => {
  const attribute = documentAttributeOf(change.type);
  if (!attribute) return {};
  const before = change.action === 'create' ? ({ kind: 'absent' } as const) : attributeView(change.change, 'before', attribute);
  const after = change.action === 'delete' ? ({ kind: 'absent' } as const) : attributeView(change.change, 'after', attribute);
  const note = viewNote(before, 'old') ?? viewNote(after, 'new');
  if (note) return { diffNote: `\`${attribute}\`: ${note}` };
  const diff = jsonDiff(before.kind === 'value' ? before.value : undefined, after.kind === 'value' ? after.value : undefined);
  return diff.length > 0 ? { diff } : {};
};

/** A state machine whose ASL changes (a new state machine is a create, not a definition change). */
export const isStateMachineDefinitionChange = (change: ResourceChange): boolean =>
  change.type === 'aws_sfn_state_machine' &&
  (change.action === 'update' || change.action === 'replace') &&
  attributeChanges(change.change).some((attribute) => attribute.name === 'definition');

export const REASONS: Readonly<Record<string, string>> = {
  replace_because_cannot_update: 'an argument that forces replacement changed',
  replace_because_tainted: 'the object is tainted',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'replace_triggered_by fired',
  delete_because_no_resource_config: 'removed from the configuration',
  delete_because_no_module: 'its module was removed',
  delete_because_wrong_repetition: 'count/for_each changed shape',
  delete_because_count_index: 'count shrank',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_move_target: 'the moved target does not exist',
};

/**
 * The reason a delete or replace adds. Deleting something that holds nothing (a rule, a policy, an
 * old revision) only removes it: that is low risk; losing data is high whatever the action.
 */
const impactReason = (impact: DestroyClassification, action: Action): RiskReason => {
  if (impact.impact === 'destructive') return { level: 'high', category: 'data loss', text: impact.why };
  if (action === 'delete') return { level: 'low', category: 'removed', text: 'removed; nothing stored in it is lost' };
  return impact.impact === 'revision' ? { level: 'low', category: 'new revision', text: impact.why } : { level: 'medium', category: 'recreated', text: impact.why };
};

const kindsOf = (change: ResourceChange, destroy: boolean): FindingKind[] =>
  [
    destroy && ('destroy' as const),
    isIamChange(change) && ('iam' as const),
    isSecurityGroupChange(change) && ('security-group' as const),
    isStateMachineDefinitionChange(change) && ('state-machine' as const),
    PUBLIC_ACCESS_TYPES.has(change.type) && ('public-access' as const),
    KMS_TYPES.has(change.type) && ('kms' as const),
  ].filter((kind): kind is FindingKind => kind !== false);

const byLevel = (a: { level: RiskLevel }, b: { level: RiskLevel }): number => RISK_ORDER.indexOf(a.level) - RISK_ORDER.indexOf(b.level);

/** The finding for one change, or nothing when there is nothing to review. */
export const findingOf = (stack: string, change: ResourceChange): Finding | undefined => {
  if (!isModifying(change)) return undefined;
  const destroy = isDestructiveAction(change);
  const reasons: RiskReason[] = [...riskReasons(change)];
  const kinds = kindsOf(change, destroy);
  // A policy inside another resource (a queue's or topic's `policy`) is reviewed like a policy resource.
  if (reasons.length > 0 && !kinds.some((kind) => kind === 'iam' || kind === 'kms' || kind === 'security-group' || kind === 'public-access')) kinds.push('iam');
  if (kinds.length === 0) return undefined;
  const impact = destroy ? destroyImpactOf(change.type) : undefined;
  if (impact) reasons.push(impactReason(impact, change.action));
  if (kinds.includes('state-machine')) reasons.push({ level: 'medium', category: 'state machine definition change', text: 'definition changes' });
  if (kinds.includes('iam') && reasons.length === 0) {
    reasons.push(
      Object.hasOwn(POLICY_ATTRIBUTES, change.type)
        ? { level: 'low', category: 'IAM change', text: 'its policy document does not change' }
        : { level: 'medium', category: 'IAM change', text: change.action },
    );
  }
  if (reasons.length === 0) return undefined;
  reasons.sort(byLevel);
  const wantsDiff = documentAttributeOf(change.type) !== undefined && (change.action === 'update' || change.action === 'replace');
  return {
    stack,
    address: change.address,
    action: change.action,
    kinds,
    level: reasons[0]!.level,
    reasons,
    ...(impact ? { impact } : {}),
    change,
    ...(wantsDiff ? documentDiff(change) : {}),
  };
};

/** Every finding of one stack, riskiest first, plan order within a level. */
export const findingsOf = (plan: StackPlan): Finding[] =>
  plan.changes
    .map((change) => findingOf(plan.stack, change))
    .filter((finding): finding is Finding => finding !== undefined)
    .sort(byLevel);
