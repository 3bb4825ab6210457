/**
 * The shape of the service catalog, one field at a time: each field's type, whether it is
 * required, what it accepts, its default and its description. The TypeScript types are derived
 * from these schemas (catalog/types.ts), and the catalog tables of docs/configuration.md are
 * generated from them (`npm run docs`; a test fails when they drift). What spans several fields
 * (duplicates, rule targets, cpu/memory pairs, patterns) is checked in catalog/validate.ts.
 */
import { z } from 'zod';
import { MAX_TASK_RUNS, executionTimeBudget, minimumExecutionTimeoutSeconds } from '../core/asl';
import { FLOW_STEP_NAME_MAX_LENGTH, MAX_FLOW_STEPS } from '../core/asl-flow';
import {
  DETAIL_TYPE_MAX_LENGTH,
  EC2_TASK_CPU_RANGE,
  ECR_REPOSITORY_NAME_LENGTH,
  EVENT_PATTERN_MAX_LENGTH,
  MAX_EXECUTION_SECONDS,
  MAXIMUM_EVENT_AGE_RANGE,
  NAME_MAX_LENGTH,
  RETRY_ATTEMPTS_RANGE,
  RULE_DESCRIPTION_MAX_LENGTH,
  RULES_PER_BUS_DEFAULT_QUOTA,
  WILDCARD_RULES_PER_BUS_QUOTA,
} from '../core/aws-limits';
import { DETAIL_DELIVERIES } from '../core/container-contract';
import { RULE_DEFAULTS, TASK_COMPATIBILITIES } from './defaults';
import {
  checkedString,
  containerNameProblem,
  describeValue,
  detailTypeProblem,
  documented,
  imageRepositoryProblem,
  nameProblem,
  namespaceProblem,
  RESERVED_SERVICE_NAMES,
  wholeNumber,
} from './fields';

/**
 * A Standard workflow execution runs at most one year. The RunTask timeout is what the execution
 * timeout leaves after every run's retries, the waits between runs and the outcome's publish
 * (core/asl.ts, executionTimeBudget), so the execution timeout must leave a minute per run.
 */
export const STATE_MACHINE_TIMEOUT_RANGE = { min: minimumExecutionTimeoutSeconds(), max: MAX_EXECUTION_SECONDS } as const;

/** Top-level fields of an EventBridge event; a pattern on any other field can never match. */
export const EVENT_ENVELOPE_FIELDS = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];

/** A container command: at least one element, none empty. */
export const commandSchema = z.array(z.string()).superRefine((command, ctx) => {
  if (command.length === 0) ctx.addIssue({ code: 'custom', message: 'must hold at least one element (the executable)' });
  command.forEach((part, index) => {
    if (part.length === 0) ctx.addIssue({ code: 'custom', message: 'must not be empty', path: [index] });
  });
});

const detailTypeList = z.array(checkedString(detailTypeProblem)).superRefine((list, ctx) => {
  if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'must list at least one detail-type' });
});

const SAME_AS_SERVICE_NAMES = 'Same rule as service names';

const compatibilityList = z.array(z.enum(TASK_COMPATIBILITIES)).superRefine((list, ctx) => {
  if (list.length === 0) ctx.addIssue({ code: 'custom', message: `must list FARGATE, EC2 or both` });
  list.forEach((item, index) => {
    if (list.indexOf(item) !== index) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(item)} is listed twice`, path: [index] });
  });
});

export const taskSchema = z.strictObject({
  name: documented(checkedString(nameProblem), { description: `${SAME_AS_SERVICE_NAMES}; unique within the service.` }),
  containerName: documented(checkedString(containerNameProblem), {
    description: `The container inside the task definition, which the RunTask container override targets: 1–${NAME_MAX_LENGTH.ecsContainer} letters, digits, \`_\` or \`-\`.`,
  }),
  imageRepository: documented(checkedString(imageRepositoryProblem), {
    description: `An ECR repository name (\`booking-saga/payment\`): ${ECR_REPOSITORY_NAME_LENGTH.min}–${ECR_REPOSITORY_NAME_LENGTH.max} characters, lower-case path components joined by \`/\`, with single \`.\`, \`_\` or \`-\` inside a component. No registry host and no tag. A new repository needs its stage in the \`Dockerfile\`.`,
  }),
  cpu: documented(z.number(), {
    description: `CPU units; with \`memory\`, a Fargate size (table above) whenever \`compatibilities\` holds FARGATE. A task for EC2 only takes ${EC2_TASK_CPU_RANGE.min} to ${EC2_TASK_CPU_RANGE.max}.`,
  }),
  memory: documented(z.number(), {
    description:
      'Memory in MiB; with `cpu`, a Fargate size (table above) whenever `compatibilities` holds FARGATE; for EC2 only, a whole number of at least 6 (the least a container may have).',
  }),
  compatibilities: documented(compatibilityList, {
    description:
      "Where ECS may run the task (the task definition's `requiresCompatibilities`): `FARGATE`, `EC2` or both. An environment may run a rule on its EC2 capacity (`base.ruleCapacity`) only when every task the rule runs lists `EC2`; a task that lists FARGATE must have a Fargate size even when it runs on EC2.",
    default: '`["FARGATE"]`',
  }).optional(),
  command: documented(commandSchema, {
    description: 'The container command: at least one element, and no element empty. For a bundled task program, `["node", "dist/<program>.js"]`. A rule may replace it.',
  }),
  local: documented(
    z.strictObject({
      command: documented(commandSchema, {
        description:
          'Same rule as `command`; paths relative to the repository root (`["node", "--require", "./tooling/register-ts.cjs", "task-programs/<folder>/<program>.ts"]`, which starts in a third of the CPU time `--import tsx` takes).',
      }),
    }),
    { description: 'How `npm run local` starts the task as a process instead of a container.', default: 'the task cannot run locally' },
  ).optional(),
});

export const eventPatternSchema = z.looseObject({
  'detail-type': documented(detailTypeList, {
    description: `A non-empty list of non-empty strings, each at most ${DETAIL_TYPE_MAX_LENGTH} characters.`,
  }),
  // The rest of the pattern is EventBridge syntax, checked by the rule pass (catalog/validate.ts):
  // typed here, accepted as it is by the shape pass.
  source: documented(z.custom<readonly unknown[]>(), { description: 'EventBridge pattern syntax, like every other field of the pattern (see `eventPattern`).' }).optional(),
  detail: documented(z.custom<Readonly<Record<string, unknown>>>(), { description: 'EventBridge pattern syntax (see `eventPattern`).' }).optional(),
});

export const ruleOptionsSchema = z.strictObject({
  retryAttempts: documented(wholeNumber(RETRY_ATTEMPTS_RANGE), {
    description: `EventBridge's delivery retries to the state machine: a whole number from ${RETRY_ATTEMPTS_RANGE.min} to ${RETRY_ATTEMPTS_RANGE.max}.`,
    default: String(RULE_DEFAULTS.retryAttempts),
  }).optional(),
  maximumEventAgeSeconds: documented(wholeNumber(MAXIMUM_EVENT_AGE_RANGE, ' seconds'), {
    description: `How long EventBridge keeps retrying the delivery: a whole number of seconds from ${MAXIMUM_EVENT_AGE_RANGE.min} to ${MAXIMUM_EVENT_AGE_RANGE.max}.`,
    default: String(RULE_DEFAULTS.maximumEventAgeSeconds),
  }).optional(),
  timeoutSeconds: documented(
    wholeNumber(
      STATE_MACHINE_TIMEOUT_RANGE,
      ' seconds',
      ` (a Standard workflow runs at most a year; below ${STATE_MACHINE_TIMEOUT_RANGE.min} s, ${MAX_TASK_RUNS} runs of the task with their retries and the failure event's publish leave no minute per run)`,
    ),
    {
      description: `The whole execution, a whole number of seconds from ${STATE_MACHINE_TIMEOUT_RANGE.min} to ${STATE_MACHINE_TIMEOUT_RANGE.max}. RunTask's own timeout is what this leaves after the worst case of ${MAX_TASK_RUNS} runs with all their retries, the waits between them and the outcome's publish (${RULE_DEFAULTS.timeoutSeconds} leaves ${executionTimeBudget(RULE_DEFAULTS.timeoutSeconds).taskTimeoutSeconds} s per run; docs/state-machines.md, *Timeouts*); below ${STATE_MACHINE_TIMEOUT_RANGE.min} s that is under a minute.`,
      default: String(RULE_DEFAULTS.timeoutSeconds),
    },
  ).optional(),
  detailDelivery: documented(z.enum(DETAIL_DELIVERIES), {
    description:
      "`environment` (in the `eventDetail` variable, within RunTask's 8192-character overrides budget) or `reference` (the task reads the execution input). Every route an event takes from this rule on must carry a 1 KiB detail: a rule that receives **failure events** needs `reference`, because their failure fields alone can take nearly all of the overrides.",
    default: `\`${RULE_DEFAULTS.detailDelivery}\``,
  }).optional(),
  idempotent: documented(z.boolean(), {
    description: `\`true\` lets the task run again (${MAX_TASK_RUNS} runs in all) after it ran and exited non-zero. Only for a task that checks \`eventId\` so that a second run repeats no side effect. A task that never started, or that Fargate Spot took back, runs again either way.`,
    default: '`false`',
  }).optional(),
  failureDetailType: documented(
    z.custom<string | false>().superRefine((value, ctx) => {
      if (value === undefined || value === false) return;
      const message = typeof value === 'string' ? detailTypeProblem(value) : `must be a detail-type string or false, not ${describeValue(value)}`;
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
    {
      description: `The \`detail-type\` of the event published to the **target** service's bus when its task fails for good (after retries): a non-empty detail-type of at most ${DETAIL_TYPE_MAX_LENGTH} characters, or \`false\` for no failure event.`,
      default: '`<TargetService>TaskFailed`',
    },
  ).optional(),
  successDetailType: documented(checkedString(detailTypeProblem), {
    description: `The \`detail-type\` of an event published to the target service's bus when the task succeeds: a non-empty detail-type of at most ${DETAIL_TYPE_MAX_LENGTH} characters.`,
    default: 'none',
  }).optional(),
});

export const ruleTargetSchema = z
  .strictObject({
    service: documented(z.string(), { description: 'A service of the catalog (usually not the one whose bus the rule is on); its bus receives the failure and success events.' }),
    task: documented(z.string(), { description: 'A task that service defines; the message lists the tasks it does define. Give `task` or `flow`.', default: 'none: `flow`' }).optional(),
    flow: documented(z.string(), {
      description:
        "A flow that service defines (`services[].flows`): the rule's state machine runs its steps in order and compensates them on failure, an orchestrated saga. Give `task` or `flow`.",
      default: 'none: `task`',
    }).optional(),
    command: documented(commandSchema, {
      description: "Replaces the task's command for this rule: same rule as a task's `command`. Not with `flow` (its steps give theirs).",
      default: "the task's `command`",
    }).optional(),
  })
  .superRefine((target, ctx) => {
    if ((target.task === undefined) === (target.flow === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of task (the rule runs one task) or flow (the rule runs a flow)' });
    if (target.flow !== undefined && target.command !== undefined) ctx.addIssue({ code: 'custom', path: ['command'], message: "is a task's; a flow's steps give their own commands" });
  });

/** A task a flow's step runs, or its compensation: a task of the catalog, and optionally its command. */
const stepTaskSchema = z.strictObject({
  service: documented(z.string(), { description: 'A service of the catalog.' }),
  task: documented(z.string(), { description: 'A task that service defines.' }),
  command: documented(commandSchema, { description: "Replaces the task's command for this step: same rule as a task's `command`.", default: "the task's `command`" }).optional(),
});

export const flowStepSchema = z.strictObject({
  name: documented(
    checkedString(
      (name) =>
        nameProblem(name) ??
        (name.length > FLOW_STEP_NAME_MAX_LENGTH
          ? `${JSON.stringify(name)} is longer than ${FLOW_STEP_NAME_MAX_LENGTH} characters (it prefixes the step's state names, which Step Functions caps at 80)`
          : undefined),
    ),
    {
      description: `${SAME_AS_SERVICE_NAMES}, at most ${FLOW_STEP_NAME_MAX_LENGTH} characters; unique within the flow. It names the step's states (\`<step>:RunTask\`) and tells its task which step it runs (\`flowStep\`).`,
    },
  ),
  run: documented(stepTaskSchema, {
    description: "The step's task (a local transaction of the saga). Run as a flow's step, the task reports by its exit code: 0 done, anything else failed.",
  }),
  compensate: documented(stepTaskSchema, {
    description:
      'The task that undoes the step. It runs when this step or a later one fails for good, in reverse order, and is told what failed (`flowFailure`); it must be idempotent and tolerate nothing to undo (the failing step may have done none, part or all of its work). Compensations are rerun after a non-zero exit.',
    default: 'nothing to undo',
  }).optional(),
});

export const flowSchema = z.strictObject({
  name: documented(checkedString(nameProblem), { description: `${SAME_AS_SERVICE_NAMES}; unique within the service. A rule starts it with \`target: { service, flow }\`.` }),
  description: documented(z.string(), { description: 'What the flow does, for people.' }),
  steps: documented(
    z.array(flowStepSchema).superRefine((steps, ctx) => {
      if (steps.length === 0 || steps.length > MAX_FLOW_STEPS) ctx.addIssue({ code: 'custom', message: `must hold 1 to ${MAX_FLOW_STEPS} steps, not ${steps.length}` });
    }),
    {
      description: `1 to ${MAX_FLOW_STEPS} steps, run in order; step names are unique. Every step and compensation counts in the flow's time budget (\`options.timeoutSeconds\` of its rule).`,
    },
  ),
  compensationFailedDetailType: documented(checkedString(detailTypeProblem), {
    description: `The \`detail-type\` of the event published to the flow's service's bus when a compensation fails for good (the flow then fails with \`Flow.CompensationFailed\`): a detail-type of at most ${DETAIL_TYPE_MAX_LENGTH} characters. It cannot be turned off.`,
    default: '`<Flow>CompensationFailed`',
  }).optional(),
});

export const ruleSchema = z.strictObject({
  name: documented(checkedString(nameProblem), { description: `${SAME_AS_SERVICE_NAMES}; unique on the bus.` }),
  description: documented(
    checkedString((text) => (text.length > RULE_DESCRIPTION_MAX_LENGTH ? `is ${text.length} characters; EventBridge allows at most ${RULE_DESCRIPTION_MAX_LENGTH}` : undefined)),
    { description: `At most ${RULE_DESCRIPTION_MAX_LENGTH} characters.`, default: '`<detail-types> → <service>/<task>`' },
  ).optional(),
  eventPattern: documented(eventPatternSchema, {
    description: `An EventBridge event pattern; \`detail-type\` is required. The pattern is refused wherever EventBridge would refuse it: \`core/event-pattern.ts\` reproduces EventBridge's matcher (aws/event-ruler), so for example \`cidr\` /32 and /128, numbers a double cannot hold exactly, mixed \`anything-but\` lists and wildcards scoring over 10 ("Rule is too complex") are refused ([docs/local.md](local.md#pattern-matching)). Every path, inside \`$or\` too, starts at a field of an event (${EVENT_ENVELOPE_FIELDS.map((field) => `\`${field}\``).join(', ')}); a \`$or\` EventBridge would read as a literal field is refused. At most ${EVENT_PATTERN_MAX_LENGTH} characters as JSON; at most ${WILDCARD_RULES_PER_BUS_QUOTA} rules with wildcards per bus (not adjustable).`,
  }),
  target: documented(ruleTargetSchema, { description: 'What the rule runs through its state machine: one task (`task`), or the steps of a flow (`flow`).' }),
  options: documented(ruleOptionsSchema, { description: 'How the rule delivers, runs and reports; each option has a default.', default: 'every default' }).optional(),
});

export const serviceSchema = z.strictObject({
  name: documented(checkedString(nameProblem), {
    description: `Lower-case letters, digits and single dashes; starts with a letter. It names the bus (\`<env>-<service>\`) and the stack. ${RESERVED_SERVICE_NAMES.map((name) => `\`${name}\``).join(' and ')} are reserved: every environment already has stacks of those names.`,
  }),
  description: documented(z.string(), { description: 'What the service does, for people.' }),
  tasks: documented(z.array(taskSchema), { description: 'The ECS tasks the service runs (a use case or a batch job each); may be empty. Task names are unique within a service.' }),
  rules: documented(z.array(ruleSchema), {
    description: `Rules on the service's own bus; may be empty. Rule names are unique on the bus. At most ${RULES_PER_BUS_DEFAULT_QUOTA} rules per bus: that is EventBridge's **default** quota of rules per event bus, adjustable through Service Quotas.`,
  }),
  flows: documented(z.array(flowSchema), {
    description:
      "Orchestrated sagas this service owns: steps run in order by one state machine, compensated in reverse on failure. A flow runs when a rule targets it; its outcome events go to this service's bus.",
    default: 'none',
  }).optional(),
});

export const catalogSchema = z.strictObject({
  namespace: documented(checkedString(namespaceProblem), {
    description:
      'Dot-separated parts of lower-case letters, digits and dashes, each starting with a letter. Event sources are `<namespace>.<service>`, so the namespace must not be `aws` and must not start with `aws.` (AWS reserves those sources).',
  }),
  services: documented(z.array(serviceSchema), { description: 'The services; their names are unique.' }),
});
