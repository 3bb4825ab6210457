/**
 * What deleting or replacing an object of each resource type costs: the one reviewed table behind
 * the "Destructive" verdict and `plan:summary --fail-on-destroy`. Every type this repository's modules
 * and stacks create has a row (a test checks it). A type without a row counts as destructive: an
 * unknown loss is treated as a loss until someone reviews it and adds the row.
 *
 *   destructive  data, history, an address or running work is lost for good
 *   recreated    nothing is stored in it: it is gone until the create half runs, then equivalent
 *   revision     a replace adds a new version and keeps the old one
 */

export type DestroyImpact = 'destructive' | 'recreated' | 'revision';

export interface DestroyImpactRow {
  readonly impact: DestroyImpact;
  /** What a delete or replace does, for the reviewer. */
  readonly why: string;
}

const destructive = (why: string): DestroyImpactRow => ({ impact: 'destructive', why });
const recreated = (why: string): DestroyImpactRow => ({ impact: 'recreated', why });

export const DESTROY_IMPACT: Readonly<Record<string, DestroyImpactRow>> = {
  // ECS DeregisterTaskDefinition: the old revision becomes INACTIVE, is kept and stays describable;
  // running tasks and services using it continue. New RunTask calls must use the new revision, which
  // the stacks that pin revision ARNs receive when they are applied (AWS ECS API reference,
  // DeregisterTaskDefinition; the provider's `skip_destroy` keeps the old one ACTIVE).
  aws_ecs_task_definition: { impact: 'revision', why: 'a new revision is registered; the old one is deregistered (INACTIVE), not deleted' },

  aws_s3_bucket: destructive('its objects and their versions are deleted with it'),
  aws_cloudwatch_log_group: destructive('its log events are deleted with it'),
  aws_sqs_queue: destructive('messages waiting in it are lost'),
  aws_kms_key: destructive('data encrypted under it cannot be decrypted once the deletion window ends'),
  aws_ecr_repository: destructive('its images are deleted with it'),
  aws_vpc: destructive('everything in it (subnets, endpoints, network interfaces) has to go first'),
  aws_subnet: destructive('running tasks in it lose their network interfaces; addresses change'),
  aws_cloudwatch_event_bus: destructive('events published while it is gone are rejected, and its rules go with it'),
  // "On the next state transition, the state machine's executions are terminated" (Step Functions
  // API reference, DeleteStateMachine).
  aws_sfn_state_machine: destructive('running executions are terminated and its execution history is deleted'),
  aws_cloudwatch_event_rule: destructive('events published while it is gone match nothing and are dropped'),
  aws_cloudwatch_event_target: destructive('events matched while it is gone are delivered nowhere and dropped'),
  aws_sns_topic: destructive('messages published while it is gone are lost, and its subscriptions go with it'),
  aws_sns_topic_subscription: destructive('a new subscription of an email or HTTPS endpoint waits for confirmation; messages until then are lost'),
  aws_eip: destructive('the public IP address is released and cannot be got back (allow-lists naming it break)'),
  aws_nat_gateway: destructive('private subnets lose outbound access, and its public IP address changes'),
  aws_ecs_cluster: destructive('services and tasks in it have to be stopped first'),
  // force_delete: the group's instances are terminated with it, tasks running on them included.
  aws_autoscaling_group: destructive('its instances are terminated, and the tasks running on them stopped'),
  aws_ecs_capacity_provider: destructive('RunTask calls naming it fail until it is recreated, and it must first leave the cluster'),

  aws_iam_role: recreated("gone until recreated; resource policies naming it keep the old role's unique id and stop matching until re-saved (IAM identifiers)"),
  aws_iam_role_policy: recreated('the role lacks these permissions until it is recreated'),
  aws_iam_policy: recreated(
    "the CI roles stack's permissions boundary: until it is recreated the deploy role can create no environment role nor change its policies; the deploy role's EC2-capacity policy: it lacks those permissions until it is reattached",
  ),
  aws_iam_openid_connect_provider: recreated('no GitHub Actions job can assume the CI roles until it is recreated (its ARN, which the trust policies name, comes back the same)'),
  aws_iam_role_policy_attachment: recreated('the role lacks these permissions until it is reattached'),
  aws_iam_instance_profile: recreated('instances launched meanwhile fail to launch; running instances keep the role they have'),
  // A replace creates a new template (a new id); the group is updated to it in the same apply.
  aws_launch_template: recreated('instances launched meanwhile fail until the group names the new template; running instances are untouched'),
  aws_security_group: recreated('network interfaces have to be detached first; rules are recreated with it'),
  aws_default_security_group: recreated("the VPC's default group stays; Terraform only stops managing its rules"),
  aws_vpc_security_group_ingress_rule: recreated('traffic it allows is refused until it is recreated'),
  aws_vpc_security_group_egress_rule: recreated('traffic it allows is refused until it is recreated'),
  aws_security_group_rule: recreated('traffic it allows is refused until it is recreated'),
  aws_vpc_endpoint: recreated('AWS API calls from private subnets fail or leave through NAT until it is recreated'),
  aws_route: recreated('traffic for the destination is dropped until it is recreated'),
  aws_route_table: recreated('its subnets fall back to the main route table until it is recreated'),
  aws_route_table_association: recreated('the subnet falls back to the main route table until it is recreated'),
  aws_internet_gateway: recreated('public subnets have no internet access until it is recreated'),
  aws_flow_log: recreated('traffic is not logged until it is recreated'),
  aws_ecs_cluster_capacity_providers: recreated("the cluster's default capacity provider strategy is unset until it is recreated"),
  aws_ecr_lifecycle_policy: recreated('images are not expired until it is recreated'),
  aws_s3_bucket_policy: recreated('the bucket has no policy (and no TLS-only deny) until it is recreated'),
  aws_s3_bucket_public_access_block: recreated("the bucket's public access block is off until it is recreated"),
  aws_s3_bucket_versioning: recreated('the versioning setting is re-applied; existing versions stay'),
  aws_s3_bucket_server_side_encryption_configuration: recreated('new objects get the bucket default encryption until it is recreated'),
  aws_s3_bucket_lifecycle_configuration: recreated('no object expires until it is recreated'),
  aws_s3_bucket_ownership_controls: recreated('object ownership falls back to the default until it is recreated'),
  aws_kms_alias: recreated('callers using the alias fail until it is recreated; the key is untouched'),
  aws_cloudwatch_metric_alarm: recreated('its state and history start over'),
  aws_sqs_queue_policy: recreated('publishers the policy allows are refused until it is recreated'),
  aws_sns_topic_policy: recreated('publishers the policy allows are refused until it is recreated'),
  terraform_data: recreated('Terraform-internal: no infrastructure behind it'),
};

export interface DestroyClassification extends DestroyImpactRow {
  /** False when the type has no row and is treated as destructive. */
  readonly reviewed: boolean;
}

/** The row of a resource type; a type without one is destructive until reviewed. */
export const destroyImpactOf = (type: string): DestroyClassification => {
  const row = Object.hasOwn(DESTROY_IMPACT, type) ? DESTROY_IMPACT[type] : undefined;
  return row ? { ...row, reviewed: true } : { impact: 'destructive', why: 'no reviewed classification for this type yet: treated as data loss', reviewed: false };
};
