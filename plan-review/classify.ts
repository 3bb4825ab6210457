/**
 * Which changes a reviewer must look at: anything deleted or replaced, IAM policies and roles
 * (identity- and resource-based), security group rules, and state machine definitions.
 */
import { jsonDiff } from './diff';
import type { Action, ResourceChange, StackPlan } from './plan-json';
import { attributeChanges, attributeView, type AttributeView } from './values';

export type WarningKind = 'destroy' | 'iam' | 'security-group' | 'state-machine';

export interface Warning {
  readonly kind: WarningKind;
  readonly stack: string;
  readonly address: string;
  readonly action: Action;
  /** One line: what changes, never a sensitive value. */
  readonly detail: string;
  /** Unified diff of the JSON document that changes (ASL, policy), if any. */
  readonly diff?: readonly string[];
  /** Why no diff could be shown (sensitive or unknown document). */
  readonly diffNote?: string;
}

/** Identity-based IAM resources: roles, policies and their attachments. */
const IAM_TYPE = /^aws_iam_(role|policy|role_policy|role_policy_attachment|policy_attachment|user_policy|user_policy_attachment|group_policy|group_policy_attachment|role_policies_exclusive|role_policy_attachments_exclusive)$/;

/** Resource-based policies grant access as much as IAM policies do. */
const RESOURCE_POLICY_TYPES = new Set([
  'aws_s3_bucket_policy',
  'aws_sqs_queue_policy',
  'aws_sns_topic_policy',
  'aws_cloudwatch_event_bus_policy',
  'aws_cloudwatch_event_permission',
  'aws_cloudwatch_log_resource_policy',
  'aws_kms_key_policy',
  'aws_ecr_repository_policy',
  'aws_lambda_permission',
]);

const SECURITY_GROUP_TYPES = new Set([
  'aws_security_group',
  'aws_default_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

/** The JSON document attribute a reviewer wants diffed, per resource type. */
const DOCUMENT_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_sfn_state_machine: 'definition',
  aws_iam_role: 'assume_role_policy',
  aws_iam_policy: 'policy',
  aws_iam_role_policy: 'policy',
  aws_iam_user_policy: 'policy',
  aws_iam_group_policy: 'policy',
  ...Object.fromEntries([...RESOURCE_POLICY_TYPES].filter((t) => t !== 'aws_lambda_permission' && t !== 'aws_cloudwatch_event_permission').map((t) => [t, 'policy'])),
};

/** Security group rule attributes shown inline (none is ever a secret, but masks still apply). */
const RULE_ATTRIBUTES = new Set([
  'from_port', 'to_port', 'protocol', 'ip_protocol', 'cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6',
  'source_security_group_id', 'referenced_security_group_id', 'prefix_list_id', 'prefix_list_ids', 'self', 'type', 'ingress', 'egress',
]);

export const isDestructive = (change: ResourceChange): boolean => change.action === 'delete' || change.action === 'replace';

/** Actions that change something in AWS (moves and imports without an update are bookkeeping). */
const isModifying = (change: ResourceChange): boolean =>
  change.mode === 'managed' && (change.action === 'create' || change.action === 'update' || isDestructive(change));

export const isIamChange = (change: ResourceChange): boolean =>
  isModifying(change) && (IAM_TYPE.test(change.type) || RESOURCE_POLICY_TYPES.has(change.type));

export const isSecurityGroupChange = (change: ResourceChange): boolean => isModifying(change) && SECURITY_GROUP_TYPES.has(change.type);

const viewNote = (view: AttributeView, side: string): string | undefined => {
  switch (view.kind) {
    case 'sensitive':
      return `${side} document is sensitive`;
    case 'unknown':
      return `${side} document is known after apply`;
    case 'no-sensitivity-data':
      return 'the plan has no sensitivity data (format 0.1)';
    default:
      return undefined;
  }
};

/** The JSON document attribute of a type that gets a diff in the warnings (e.g. ASL `definition`). */
export const documentAttributeOf = (type: string): string | undefined => DOCUMENT_ATTRIBUTE[type];

/** Diff of the type's document attribute, or a note saying why it cannot be shown. */
export const documentDiff = (change: ResourceChange): Pick<Warning, 'diff' | 'diffNote'> => {
  const attribute = DOCUMENT_ATTRIBUTE[change.type];
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

const REASONS: Readonly<Record<string, string>> = {
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

const destroyDetail = (change: ResourceChange): string => {
  const parts: string[] = [];
  if (change.action === 'replace') {
    parts.push(change.replaceOrder === 'create-first' ? 'create new, then destroy old' : 'destroy old, then create new');
    const paths = (change.change.replace_paths ?? []).map((path) => path.join('.'));
    if (paths.length > 0) parts.push(`forced by ${paths.map((p) => `\`${p}\``).join(', ')}`);
  }
  if (change.deposed) parts.push(`deposed object ${change.deposed}`);
  if (change.actionReason) parts.push(REASONS[change.actionReason] ?? change.actionReason);
  return parts.join('; ');
};

const ruleDetail = (change: ResourceChange): string => {
  if (change.action !== 'update') return change.action;
  const shown = attributeChanges(change.change).filter((attribute) => RULE_ATTRIBUTES.has(attribute.name));
  return shown.length === 0
    ? 'update'
    : shown.map((a) => (a.before === undefined ? `\`${a.name}\`: ${a.after}` : `\`${a.name}\`: ${a.before} → ${a.after}`)).join('; ');
};

/** Every warning of one stack, in plan order, grouped by kind by the renderer. */
export const warningsOf = (plan: StackPlan): Warning[] =>
  plan.changes.flatMap((change): Warning[] => {
    const base = { stack: plan.stack, address: change.address, action: change.action };
    const warnings: Warning[] = [];
    if (isDestructive(change)) warnings.push({ ...base, kind: 'destroy', detail: destroyDetail(change) });
    if (isIamChange(change)) warnings.push({ ...base, kind: 'iam', detail: change.action, ...(change.action === 'update' || change.action === 'replace' ? documentDiff(change) : {}) });
    if (isSecurityGroupChange(change)) warnings.push({ ...base, kind: 'security-group', detail: ruleDetail(change) });
    if (isStateMachineDefinitionChange(change)) {
      warnings.push({ ...base, kind: 'state-machine', detail: 'definition changes', ...documentDiff(change) });
    }
    return warnings;
  });
