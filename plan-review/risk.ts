/**
 * Risk of one change, for ranking the review: what opens access to the internet or to everyone
 * comes first, what only removes or narrows access last. Rules read the redacted objects (see
 * values.ts), so a sensitive value is never inspected into a message; a rule that cannot see a value
 * because it is sensitive says so and ranks high.
 *
 *   critical  a security group opened to 0.0.0.0/0 or ::/0, an IAM `*` (all actions, a whole service,
 *             every resource, any principal), public access turned on, a KMS key policy or grant
 *   high      data loss (destroy-impact.ts), values that cannot be checked
 *   medium    other IAM, security group and state machine changes, objects recreated
 *   low       removing or narrowing a rule or permission, a new revision
 */
import type { ResourceChange } from './plan-json';
import { redactedObject, SENSITIVE, UNKNOWN } from './values';

export type RiskLevel = 'critical' | 'high' | 'medium' | 'low';

export const RISK_ORDER: readonly RiskLevel[] = ['critical', 'high', 'medium', 'low'];

/** What the reviewer is told; `values` are plan-derived and shown as code by the renderer. */
export interface RiskReason {
  readonly level: RiskLevel;
  /** Short category used in the verdict's counts, e.g. "security group opened to the internet". */
  readonly category: string;
  readonly text: string;
  readonly values?: readonly string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

const hidden = (value: unknown): boolean => value === SENSITIVE || value === UNKNOWN;

/** True where a value (at any depth) is hidden by a mask: the rule cannot judge it. */
const containsSensitive = (value: unknown): boolean =>
  value === SENSITIVE || (Array.isArray(value) ? value.some(containsSensitive) : isRecord(value) && Object.values(value).some(containsSensitive));

// ---------------------------------------------------------------------------------------------
// Security groups

export const INTERNET_CIDRS: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

interface Permission {
  readonly direction: 'ingress' | 'egress';
  readonly cidr: string;
  readonly ports: string;
}

/** A plan value as text: scalars as they are, anything else as JSON (never `[object Object]`). */
const scalarText = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : (JSON.stringify(value) ?? ''));

const portsOf = (rule: Record<string, unknown>): string => {
  const protocol = scalarText(rule.ip_protocol ?? rule.protocol ?? '');
  if (protocol === '-1' || protocol === 'all') return 'all ports';
  const from = rule.from_port;
  const to = rule.to_port;
  return from === to ? `${protocol} ${String(from)}` : `${protocol} ${String(from)}-${String(to)}`;
};

const CIDR_FIELDS = ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6'] as const;

const rulePermissions = (rule: Record<string, unknown>, direction: Permission['direction']): Permission[] =>
  CIDR_FIELDS.flatMap((field) => asList(rule[field]))
    .filter((cidr): cidr is string => typeof cidr === 'string' && !hidden(cidr))
    .map((cidr) => ({ direction, cidr, ports: portsOf(rule) }));

/** Every (direction, CIDR, ports) a security group resource allows, from its redacted object. */
export const securityGroupPermissions = (type: string, object: Record<string, unknown> | undefined): Permission[] => {
  if (!object) return [];
  switch (type) {
    case 'aws_vpc_security_group_ingress_rule':
      return rulePermissions(object, 'ingress');
    case 'aws_vpc_security_group_egress_rule':
      return rulePermissions(object, 'egress');
    case 'aws_security_group_rule':
      return rulePermissions(object, object.type === 'egress' ? 'egress' : 'ingress');
    case 'aws_security_group':
    case 'aws_default_security_group':
      return (['ingress', 'egress'] as const).flatMap((direction) =>
        asList(object[direction])
          .filter(isRecord)
          .flatMap((rule) => rulePermissions(rule, direction)),
      );
    default:
      return [];
  }
};

export const SECURITY_GROUP_TYPES: ReadonlySet<string> = new Set([
  'aws_security_group',
  'aws_default_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

const key = (p: Permission): string => `${p.direction} ${p.cidr} ${p.ports}`;

const securityGroupRisk = (change: ResourceChange): RiskReason[] => {
  if (!SECURITY_GROUP_TYPES.has(change.type)) return [];
  const before = change.action === 'create' ? undefined : redactedObject(change.change, 'before');
  const after = change.action === 'delete' ? undefined : redactedObject(change.change, 'after');
  if ((change.action !== 'delete' && after === undefined) || [before, after].some(containsSensitiveRuleField)) {
    return [{ level: 'high', category: 'security group rule that cannot be checked', text: 'its addresses or ports are sensitive or the plan has no sensitivity data: cannot be checked' }];
  }
  const previous = securityGroupPermissions(change.type, before);
  const was = new Set(previous.map(key));
  const now = securityGroupPermissions(change.type, after);
  const is = new Set(now.map(key));
  const added = now.filter((p) => !was.has(key(p)));
  const removed = previous.filter((p) => !is.has(key(p)));
  const opened = added.filter((p) => INTERNET_CIDRS.has(p.cidr));
  const reasons: RiskReason[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const open = opened.filter((p) => p.direction === direction);
    if (open.length > 0) {
      reasons.push({
        level: 'critical',
        category: 'security group opened to the internet',
        text: `${direction} opened to the internet`,
        values: examples(open.map((p) => `${p.cidr} ${p.ports}`)),
      });
    }
  }
  if (reasons.length > 0) return reasons;
  const closes = removed.some((p) => INTERNET_CIDRS.has(p.cidr)) ? 'closes access from or to the internet' : undefined;
  if (change.action === 'delete') return [{ level: 'low', category: 'security group rule removed', text: closes ?? 'removes access' }];
  const narrowed = added.every((p) => removed.some((r) => covers(r, p)));
  if (added.length > 0 && !narrowed) {
    return [{ level: 'medium', category: 'security group change', text: 'allows more addresses or ports', values: examples(added.map((p) => `${p.direction} ${p.cidr} ${p.ports}`)) }];
  }
  if (change.action === 'update' && removed.length > 0) return [{ level: 'low', category: 'security group narrowed', text: closes ?? 'narrows access' }];
  return [{ level: 'medium', category: 'security group change', text: change.action === 'create' ? 'new rule' : 'rule changes' }];
};

/** An IPv4 CIDR as [network, prefix length], or undefined. */
const ipv4 = (cidr: string): [number, number] | undefined => {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return [octets.reduce((n, o) => n * 256 + o, 0), prefix];
};

/** Whether `outer`'s addresses include all of `inner`'s (IPv4 exactly; IPv6 only ::/0 or the same CIDR). */
const cidrCovers = (outer: string, inner: string): boolean => {
  if (outer === inner || (outer === '::/0' && inner.includes(':'))) return true;
  const a = ipv4(outer);
  const b = ipv4(inner);
  if (!a || !b || b[1] < a[1]) return false;
  const size = 2 ** (32 - a[1]);
  return Math.floor(a[0] / size) === Math.floor(b[0] / size);
};

/** A removed permission that allowed at least everything an added one does (same direction and ports). */
const covers = (removed: Permission, added: Permission): boolean =>
  removed.direction === added.direction && (removed.ports === added.ports || removed.ports === 'all ports') && cidrCovers(removed.cidr, added.cidr);

const containsSensitiveRuleField = (object: Record<string, unknown> | undefined): boolean =>
  object !== undefined && ['ingress', 'egress', ...CIDR_FIELDS, 'from_port', 'to_port', 'protocol', 'ip_protocol'].some((field) => containsSensitive(object[field]));

// ---------------------------------------------------------------------------------------------
// IAM and resource policies

/** The JSON policy attributes of each type: identity policies, trust policies, resource policies. */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role: ['assume_role_policy'],
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_sns_topic: ['policy'],
  aws_sqs_queue: ['policy'],
  aws_cloudwatch_event_bus_policy: ['policy'],
  aws_cloudwatch_log_resource_policy: ['policy_document'],
  aws_kms_key: ['policy'],
  aws_kms_key_policy: ['policy'],
  aws_ecr_repository_policy: ['policy'],
  aws_secretsmanager_secret_policy: ['policy'],
  aws_lambda_permission: [],
  aws_cloudwatch_event_permission: [],
};

/** Managed policies that amount to `*`. */
const BROAD_MANAGED_POLICIES = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

interface Grant {
  readonly text: string;
  readonly wildcard?: 'action' | 'resource' | 'principal' | 'not';
  readonly conditional: boolean;
}

const strings = (value: unknown): string[] => asList(value).filter((v): v is string => typeof v === 'string');

const principals = (principal: unknown): string[] => {
  if (principal === undefined) return [];
  if (principal === '*') return ['*'];
  if (!isRecord(principal)) return strings(principal);
  return Object.entries(principal).flatMap(([kind, ids]) => strings(ids).map((id) => (id === '*' ? '*' : `${kind}:${id}`)));
};

const isWildcardAction = (action: string): boolean => action === '*' || /^[\w-]+:\*$/.test(action);

/**
 * The Allow grants of a policy document, one per action × resource (× principal for resource
 * policies), so a `*` that is new for one action counts even if another action had it before.
 * In a KMS key policy `"Resource": "*"` means the key itself, so it is no wildcard there.
 */
const allowGrants = (document: unknown, resourceStarIsSelf = false): Grant[] | 'unreadable' => {
  if (document === undefined || document === null || document === '') return [];
  let policy: unknown = document;
  if (typeof document === 'string') {
    try {
      policy = JSON.parse(document);
    } catch {
      return 'unreadable';
    }
  }
  if (!isRecord(policy)) return 'unreadable';
  return asList(policy.Statement)
    .filter(isRecord)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => {
      const conditional = statement.Condition !== undefined;
      const actions = statement.NotAction !== undefined ? [`NotAction ${strings(statement.NotAction).join(',')}`] : strings(statement.Action);
      const resources = statement.NotResource !== undefined ? [`NotResource ${strings(statement.NotResource).join(',')}`] : strings(statement.Resource);
      const who = statement.NotPrincipal !== undefined ? ['NotPrincipal'] : principals(statement.Principal);
      const grants: Grant[] = [];
      for (const action of actions) {
        for (const resource of resources.length > 0 ? resources : ['']) {
          for (const principal of who.length > 0 ? who : ['']) {
            const wildcard =
              action.startsWith('NotAction') || resource.startsWith('NotResource') || principal === 'NotPrincipal'
                ? 'not'
                : principal === '*'
                  ? 'principal'
                  : isWildcardAction(action)
                    ? 'action'
                    : resource === '*' && !resourceStarIsSelf
                      ? 'resource'
                      : undefined;
            const text = `${action}${resource ? ` on ${resource}` : ''}${principal ? ` for ${principal}` : ''}`;
            grants.push({ text, ...(wildcard ? { wildcard } : {}), conditional });
          }
        }
      }
      return grants;
    });
};

/** At most a handful of plan-derived examples in one reason. */
const examples = (texts: readonly string[], limit = 5): string[] => (texts.length > limit ? [...texts.slice(0, limit), `${texts.length - limit} more`] : [...texts]);

const grantKey = (grant: Grant): string => `${grant.text}${grant.conditional ? ' (conditional)' : ''}`;

const policyRisk = (change: ResourceChange): RiskReason[] => {
  const attributes = POLICY_ATTRIBUTES[change.type];
  if (!attributes) return [];
  const before = change.action === 'create' ? {} : redactedObject(change.change, 'before');
  const after = change.action === 'delete' ? {} : redactedObject(change.change, 'after');
  if (change.type === 'aws_lambda_permission' || change.type === 'aws_cloudwatch_event_permission') {
    return after?.principal === '*' && before?.principal !== '*'
      ? [
          {
            level: 'critical',
            category: 'public access',
            text: change.type === 'aws_lambda_permission' ? 'lets any principal invoke the function' : 'lets any account put events on the bus',
            values: ['principal = *'],
          },
        ]
      : [];
  }
  const reasons: RiskReason[] = [];
  for (const attribute of attributes) {
    const old = before?.[attribute];
    const now = after?.[attribute];
    if (before === undefined || after === undefined || old === SENSITIVE || now === SENSITIVE) {
      reasons.push({ level: 'high', category: 'policy that cannot be checked', text: `\`${attribute}\` is sensitive or the plan has no sensitivity data: cannot be checked` });
      continue;
    }
    if (now === UNKNOWN) {
      reasons.push({ level: 'medium', category: 'policy known only at apply', text: `\`${attribute}\` is known only at apply: check the configuration` });
      continue;
    }
    const keyPolicy = change.type === 'aws_kms_key' || change.type === 'aws_kms_key_policy';
    const was = allowGrants(old, keyPolicy);
    const is = allowGrants(now, keyPolicy);
    if (was === 'unreadable' || is === 'unreadable') {
      reasons.push({ level: 'high', category: 'policy that cannot be checked', text: `\`${attribute}\` is not a JSON policy document: cannot be checked` });
      continue;
    }
    const previous = new Set(was.map(grantKey));
    const added = is.filter((g) => !previous.has(grantKey(g)));
    const anyone = added.filter((g) => g.wildcard === 'principal');
    const publicGrants = anyone.filter((g) => !g.conditional);
    const conditionalPublic = anyone.filter((g) => g.conditional);
    const wildcards = added.filter((g) => g.wildcard !== undefined && g.wildcard !== 'principal');
    if (publicGrants.length > 0)
      reasons.push({ level: 'critical', category: 'public access', text: 'allows any principal without a condition', values: examples(publicGrants.map((g) => g.text)) });
    if (wildcards.length > 0)
      reasons.push({
        level: 'critical',
        category: 'IAM wildcard',
        text: 'adds a `*` grant',
        values: examples(wildcards.map((g) => `${g.text}${g.conditional ? ' (with a condition)' : ''}`)),
      });
    if (conditionalPublic.length > 0)
      reasons.push({
        level: 'high',
        category: 'any principal, with a condition',
        text: 'allows any principal that meets a condition: check the condition',
        values: examples(conditionalPublic.map((g) => g.text)),
      });
    if (anyone.length + wildcards.length > 0) continue;
    const current = new Set(is.map(grantKey));
    if (added.length > 0) reasons.push({ level: 'medium', category: 'IAM change', text: 'grants more', values: examples(added.map((g) => g.text)) });
    else if (was.some((g) => !current.has(grantKey(g)))) {
      reasons.push({ level: 'low', category: 'permissions narrowed', text: change.action === 'delete' ? 'removes permissions' : 'removes or narrows permissions' });
    }
  }
  return reasons;
};

const attachmentRisk = (change: ResourceChange): RiskReason[] => {
  if (!/^aws_iam_(role|user|group)_policy_attachment$|^aws_iam_policy_attachment$/.test(change.type)) return [];
  if (change.action === 'delete') return [{ level: 'low', category: 'permissions narrowed', text: 'detaches a policy' }];
  const arn = redactedObject(change.change, 'after')?.policy_arn;
  if (typeof arn === 'string' && BROAD_MANAGED_POLICIES.test(arn)) {
    return [{ level: 'critical', category: 'IAM wildcard', text: 'attaches a managed policy that allows `*`', values: [arn] }];
  }
  return [{ level: 'medium', category: 'IAM change', text: 'attaches a policy' }];
};

// ---------------------------------------------------------------------------------------------
// Public access and KMS

const PUBLIC_ACCESS_BLOCK_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

const publicAccessRisk = (change: ResourceChange): RiskReason[] => {
  const after = change.action === 'delete' ? undefined : redactedObject(change.change, 'after');
  const before = change.action === 'create' ? undefined : redactedObject(change.change, 'before');
  const critical = (text: string, values?: string[]): RiskReason[] => [{ level: 'critical', category: 'public access', text, ...(values ? { values } : {}) }];
  const turnedOn = (field: string): boolean => after?.[field] === true && before?.[field] !== true;
  switch (change.type) {
    case 'aws_s3_bucket_public_access_block': {
      if (change.action === 'delete') return critical("removes the bucket's public access block");
      const off = PUBLIC_ACCESS_BLOCK_FLAGS.filter((flag) => after?.[flag] !== true && (before === undefined || before[flag] === true));
      return off.length > 0
        ? critical(
            'turns off public access blocking',
            off.map((flag) => `${flag} = ${scalarText(after?.[flag] ?? 'false')}`),
          )
        : [];
    }
    case 'aws_s3_account_public_access_block':
      return change.action === 'delete' ? critical("removes the account's public access block") : [];
    case 'aws_s3_bucket_acl': {
      const acl = after?.acl;
      return typeof acl === 'string' && /^(public-read|public-read-write|authenticated-read)$/.test(acl) && before?.acl !== acl ? critical('makes the bucket public', [`acl = ${acl}`]) : [];
    }
    case 'aws_db_instance':
    case 'aws_rds_cluster_instance':
      return turnedOn('publicly_accessible') ? critical('makes the database reachable from the internet', ['publicly_accessible = true']) : [];
    case 'aws_subnet':
      return turnedOn('map_public_ip_on_launch') ? critical('gives everything launched in the subnet a public IP address', ['map_public_ip_on_launch = true']) : [];
    case 'aws_ecs_service': {
      const assigns = (object: Record<string, unknown> | undefined) => asList(object?.network_configuration).some((c) => isRecord(c) && c.assign_public_ip === true);
      return assigns(after) && !assigns(before) ? critical('gives its tasks public IP addresses', ['assign_public_ip = true']) : [];
    }
    case 'aws_lambda_function_url':
      return after?.authorization_type === 'NONE' && before?.authorization_type !== 'NONE' ? critical('opens the function to anyone with the URL', ['authorization_type = NONE']) : [];
    default:
      return [];
  }
};

const kmsRisk = (change: ResourceChange): RiskReason[] => {
  const loud = (text: string): RiskReason[] => [{ level: 'critical', category: 'KMS key policy change', text }];
  if (change.type === 'aws_kms_key_policy') return loud(change.action === 'delete' ? 'removes a key policy' : 'changes who may use or manage the key');
  if (change.type === 'aws_kms_grant') return loud(change.action === 'delete' ? 'revokes a grant' : 'grants use of the key');
  if (change.type === 'aws_kms_key' && change.action !== 'delete') {
    const before = change.action === 'create' ? undefined : redactedObject(change.change, 'before');
    const after = redactedObject(change.change, 'after');
    if (change.action === 'create' || JSON.stringify(before?.policy) !== JSON.stringify(after?.policy)) {
      return loud(change.action === 'create' ? 'a new key and its policy' : 'changes who may use or manage the key');
    }
  }
  return [];
};

/** Every risk reason of one change, riskiest first. */
export const riskReasons = (change: ResourceChange): RiskReason[] =>
  [...kmsRisk(change), ...publicAccessRisk(change), ...securityGroupRisk(change), ...policyRisk(change), ...attachmentRisk(change)].sort(
    (a, b) => RISK_ORDER.indexOf(a.level) - RISK_ORDER.indexOf(b.level),
  );
