/**
 * IAM policy documents of a rule: the role EventBridge uses to start the state machine, the state
 * machine's role, the task role's read of its executions (delivery by reference) and the dead-letter
 * queue's resource policy. Pure functions over plain strings (ARNs may be cdktf tokens; they are
 * copied, never parsed). Least privilege: a `*` resource appears only where AWS supports nothing
 * narrower, and `WILDCARD_RESOURCE_ALLOWED` says why for each such statement.
 */
import type { PublishedEvent } from './asl';
import { arns } from './naming';
import { policyDocument as document, type PolicyDocument, type PolicyStatement } from './policy-document';

/** The rule `.sync` integrations of ECS create and read to learn that a task stopped. */
export const ECS_SYNC_MANAGED_RULE = 'StepFunctionsGetEventsForECSTaskRule';

/**
 * Statements (by Sid) that may have a `*` resource, and why. Tests fail on any other.
 * Sources: Step Functions "IAM policies for logging to CloudWatch Logs" and "X-Ray" pages; the
 * Service Authorization Reference lists no resource type for these actions.
 */
export const WILDCARD_RESOURCE_ALLOWED: Readonly<Record<string, string>> = {
  DeliverExecutionLogs: 'CloudWatch Logs vended-log delivery actions (CreateLogDelivery, ..., DescribeLogGroups) support no resource types: AWS requires "*"',
  SendXRayTraces: 'X-Ray PutTraceSegments, PutTelemetryRecords, GetSamplingRules and GetSamplingTargets support no resource types: AWS requires "*"',
  EcrAuthorizationToken: 'ecr:GetAuthorizationToken logs in to the whole registry and supports no resource types: AWS requires "*"',
};

/**
 * Trust policy of the role a rule's target uses: EventBridge, on behalf of exactly that rule.
 * Confused-deputy protection: `aws:SourceArn` is "the ARN of the rule that is sending the event"
 * (EventBridge "Using IAM policy conditions"), so no other rule, even of this account, can use the
 * role; `aws:SourceAccount` says the same of the account.
 */
export function eventsAssumeRolePolicy(accountId: string, ruleArn: string): PolicyDocument {
  return document({
    Sid: 'EventBridgeAssumesRole',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ArnEquals: { 'aws:SourceArn': ruleArn } },
  });
}

/** Events one principal may publish on one bus. */
export interface PublishGrant {
  readonly eventBusArn: string;
  /** The `source` every entry must carry. */
  readonly source: string;
  /** The `detail-type`s allowed; empty: any (the source still binds). */
  readonly detailTypes: readonly string[];
}

/** What a state machine publishes, as grants: one per bus and source, with its detail-types. */
export function publishGrants(events: readonly (PublishedEvent | undefined)[]): PublishGrant[] {
  const grants = new Map<string, { eventBusArn: string; source: string; detailTypes: string[] }>();
  for (const event of events) {
    if (!event) continue;
    const key = `${event.eventBusArn} ${event.source}`;
    const grant = grants.get(key) ?? { eventBusArn: event.eventBusArn, source: event.source, detailTypes: [] };
    if (!grant.detailTypes.includes(event.detailType)) grant.detailTypes.push(event.detailType);
    grants.set(key, grant);
  }
  return [...grants.values()];
}

/**
 * `events:PutEvents` on one bus, bound to its source (and detail-types when known). PutEvents
 * takes up to 10 entries, so the keys are multi-valued: `ForAllValues` makes every entry match, and
 * the `Null` check refuses a request without them, which `ForAllValues` alone would let through
 * (EventBridge example policy "Send events to a custom bus …" uses ForAllValues:StringEquals on
 * events:source; the keys are listed in "Using IAM policy conditions in Amazon EventBridge").
 */
function publishStatement(sid: string, grant: PublishGrant): PolicyStatement {
  const keys: Record<string, string | readonly string[]> = { 'events:source': grant.source };
  if (grant.detailTypes.length > 0) keys['events:detail-type'] = unique(grant.detailTypes);
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: 'events:PutEvents',
    Resource: grant.eventBusArn,
    Condition: {
      'ForAllValues:StringEquals': keys,
      Null: Object.fromEntries(Object.keys(keys).map((key) => [key, 'false'])),
    },
  };
}

/** The rule's target may start exactly its own state machine. */
export function eventsStartExecutionPolicy(stateMachineArn: string): PolicyDocument {
  return document({
    Sid: 'StartRuleStateMachine',
    Effect: 'Allow',
    Action: 'states:StartExecution',
    Resource: stateMachineArn,
  });
}

/** Trust policy of a state machine role: Step Functions, for this account's state machines in the region. */
export function stateMachineAssumeRolePolicy(accountId: string, region: string): PolicyDocument {
  return document({
    Sid: 'StepFunctionsAssumesRole',
    Effect: 'Allow',
    Principal: { Service: 'states.amazonaws.com' },
    Action: 'sts:AssumeRole',
    // The condition pair AWS documents against the confused deputy for Step Functions.
    Condition: {
      StringEquals: { 'aws:SourceAccount': accountId },
      ArnLike: { 'aws:SourceArn': `arn:aws:states:${region}:${accountId}:stateMachine:*` },
    },
  });
}

export interface StateMachinePolicyInput {
  readonly region: string;
  readonly accountId: string;
  readonly clusterArn: string;
  /** Task definition family (`<env>-<service>-<task>`); every revision is allowed. */
  readonly taskFamily: string;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
  /** What the state machine publishes (failure and success events); empty: no PutEvents. */
  readonly publishes: readonly PublishGrant[];
  /** A flow's state machine runs more tasks than the first (each step and compensation): their families and roles. */
  readonly moreTasks?: readonly { readonly taskFamily: string; readonly taskRoleArn: string; readonly executionRoleArn: string }[];
}

/**
 * What a rule's state machine may do: run its task families (one for a task rule, each step's and
 * compensation's for a flow) in its cluster, publish, log, trace. Running on EC2 capacity with a
 * placement needs nothing more: the capacity provider strategy and placement are parameters of the
 * same ecs:RunTask call, and the instances' role is passed by the Auto Scaling group, not by RunTask.
 */
export function stateMachinePolicy(input: StateMachinePolicyInput): PolicyDocument {
  const { region, accountId, clusterArn } = input;
  const tasks = [input, ...(input.moreTasks ?? [])];
  const families = unique(tasks.map((task) => arns.taskDefinitionFamily(region, accountId, task.taskFamily)));
  const inCluster = { ArnEquals: { 'ecs:cluster': clusterArn } };
  const tasksOfAccount = `arn:aws:ecs:${region}:${accountId}:task/*`;

  const statements: PolicyStatement[] = [
    {
      Sid: 'RunTaskFamilyInCluster',
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      // `family:*`: AWS denies RunTask on a family ARN without revision (since 2024).
      Resource: families.length === 1 ? families[0]! : families,
      Condition: inCluster,
    },
    {
      Sid: 'TagTasksOnRunTask',
      Effect: 'Allow',
      // PropagateTags makes RunTask tag the new task, which ECS authorizes as ecs:TagResource;
      // the CreateAction condition allows tagging on creation only, never of existing resources.
      Action: 'ecs:TagResource',
      Resource: tasksOfAccount,
      Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    },
    {
      Sid: 'WatchAndStopTasksInCluster',
      Effect: 'Allow',
      // `.sync` polls the task and stops it when the state times out or the execution is stopped.
      // Task IDs are not known in advance: any task of the account, but only in this cluster.
      Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
      Resource: tasksOfAccount,
      Condition: inCluster,
    },
    {
      Sid: 'ManageEcsSyncRule',
      Effect: 'Allow',
      // The managed rule through which `.sync` learns that the task stopped.
      Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      Resource: `arn:aws:events:${region}:${accountId}:rule/${ECS_SYNC_MANAGED_RULE}`,
    },
    {
      Sid: 'PassTaskRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: unique(tasks.flatMap((task) => [task.taskRoleArn, task.executionRoleArn])),
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
  ];

  input.publishes.forEach((grant, index) => statements.push(publishStatement(`PublishOutcomeEvents${index === 0 ? '' : index + 1}`, grant)));

  statements.push(...observabilityStatements());
  return document(...statements);
}

/** Vended log delivery and X-Ray, which every state machine role needs and which support no resource. */
function observabilityStatements(): PolicyStatement[] {
  return [
    {
      Sid: 'DeliverExecutionLogs',
      Effect: 'Allow',
      // AWS requires "*": these vended-log delivery actions have no resource types (WILDCARD_RESOURCE_ALLOWED).
      Action: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      Resource: '*',
    },
    {
      Sid: 'SendXRayTraces',
      Effect: 'Allow',
      // AWS requires "*": these X-Ray actions have no resource types (WILDCARD_RESOURCE_ALLOWED).
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      Resource: '*',
    },
  ];
}

export interface EndedExecutionsPolicyInput {
  /** `arn:aws:states:<region>:<account>:execution:<state machine>:*` of each announced state machine. */
  readonly executionArns: readonly string[];
  readonly publishes: readonly PublishGrant[];
}

/** The ended-executions announcer may read its rules' executions' input and publish their failure events. */
export function endedExecutionsPolicy(input: EndedExecutionsPolicyInput): PolicyDocument {
  return document(
    {
      Sid: 'ReadEndedExecutions',
      Effect: 'Allow',
      Action: 'states:DescribeExecution',
      Resource: unique(input.executionArns),
    },
    ...input.publishes.map((grant, index) => publishStatement(`PublishFailureEvents${index === 0 ? '' : index + 1}`, grant)),
    ...observabilityStatements(),
  );
}

/**
 * Delivery by reference: the task role may read the input of its state machine's executions, and
 * nothing else (`executionsArn` = `arn:aws:states:<region>:<account>:execution:<state machine>:*`).
 */
export function taskReadExecutionPolicy(executionsArn: string): PolicyDocument {
  return document({
    Sid: 'ReadOwnExecutionInput',
    Effect: 'Allow',
    Action: 'states:DescribeExecution',
    Resource: executionsArn,
  });
}

/**
 * A service's task roles may publish to the service's own bus, and to no other, and only as that
 * service (`events:source`): the bus and the source name the events as coming from it (choreography
 * saga: each service speaks on its own bus), so a task cannot impersonate another service. The
 * catalog does not list what a task publishes, so its detail-types stay open.
 */
export function taskPublishEventsPolicy(ownBusArn: string, ownSource: string): PolicyDocument {
  return document(publishStatement('PublishToOwnBus', { eventBusArn: ownBusArn, source: ownSource, detailTypes: [] }));
}

/**
 * Resource policy of a rule's dead-letter queue. Without it EventBridge cannot deliver failed
 * events there, and the only sign is a metric.
 */
export function deadLetterQueuePolicy(queueArn: string, ruleArn: string): PolicyDocument {
  return document({
    Sid: 'RuleSendsDeadLetters',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: queueArn,
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
  });
}

/**
 * The images workflow's role in an environment's account: log in to the registry, push to exactly
 * the catalog's repositories, and read their images (the workflow checks whether a commit's tag is
 * already there before pushing). Per "IAM permissions for pushing an image to an Amazon ECR private
 * repository" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html), plus
 * DescribeImages. No delete: images leave only by the repositories' lifecycle policy.
 */
export function imagePushPolicy(region: string, accountId: string, repositories: readonly string[]): PolicyDocument {
  return document(
    { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    {
      Sid: 'PushTaskImages',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:DescribeImages'],
      Resource: unique(repositories)
        .sort()
        .map((repository) => arns.ecrRepository(region, accountId, repository)),
    },
  );
}

/** Statements whose Resource is or contains `*` alone (used by tests to hold the line). */
export function wildcardResourceStatements(doc: PolicyDocument): PolicyStatement[] {
  // A statement without Resource (a trust policy's) concatenates as [undefined]: no "*".
  return doc.Statement.filter((statement) => ([] as unknown[]).concat(statement.Resource).includes('*'));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
