/**
 * A detail the publisher accepts must make every hop it can travel: for each rule whose task can
 * fail, the largest detail the publisher accepts for it is run through the synthesized state
 * machines in the interpreter, the task failing with a realistic ECS task description as Cause
 * (which echoes the overrides, detail included), and the failure event that comes out is handed to
 * every rule it matches on the next bus, whose RunTask (or execution input) must still fit, and so
 * on down the line. The sizes measured must never exceed what the budget function predicts.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { bookingSaga } from '../../catalog/booking-saga';
import { resolveRuleOptions } from '../../catalog/defaults';
import type { RuleSpec, ServiceSpec } from '../../catalog/types';
import { environments } from '../../environments';
import type { EnvironmentConfig } from '../../environments/types';
import { EventPublisher } from '../../event-client/publisher';
import { ecsTaskFailed, type JsonValue, runStateMachine } from '../../local/asl-interpreter';
import { STOPS, stoppedTaskDescription } from '../../local/ecs-task-description';
import { matchesPattern } from '../../core/event-pattern';
import { placeholderFor, replaceInterpolations } from '../../local/terraform-expressions';
import { detailHops } from '../../environments/detail-budget';
import { EXECUTION_INPUT_MAX_BYTES, RUN_TASK_OVERRIDES_LIMIT } from '../../core/aws-limits';
import { existingBaseEnvironment } from '../fixtures/environments';
import { resources, stackJson } from '../support/synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const allEnvironments = [...environments, existingBaseEnvironment];
/** As long as an execution name gets: the execution ARN in the overrides is then at its longest. */
const EXECUTION_NAME = 'x'.repeat(80);
const ACCOUNT_TIME = '2026-11-22T10:00:00Z';

/** A detail of about `n` characters that costs the most to escape: quotes, backslashes, newlines, non-ASCII. */
const detailOfSize = (n: number) => ({ bookingId: 'b-"1"', seats: [1, 2], amount: 10, note: 'q"\\\nü'.repeat(Math.ceil(n / 5)).slice(0, n) });

function definitionOf(env: EnvironmentConfig, service: string, rule: string): string {
  const name = `${env.name}-${service}-${rule}`;
  const machine = Object.values(resources(stackJson(`${env.name}-${service}`), 'aws_sfn_state_machine')).find((m) => m.name === name);
  if (!machine) throw new Error(`no state machine ${name}`);
  return replaceInterpolations(machine.definition as string, placeholderFor);
}

/**
 * The largest `n` in [0, max] for which `accepted` holds (it holds up to the answer and not above),
 * searched from `from` in doubling steps, then halving between: a validation costs as much as its
 * detail is long, so the probes stay near the answer instead of starting at max / 2.
 */
function largestAcceptedFrom(accepted: (n: number) => boolean, from: number, max: number): number {
  expect(accepted(0)).toBe(true);
  let low = 0; // accepted
  let high = max; // nothing above is accepted
  if (accepted(from)) {
    low = from;
    for (let step = 1; low < high; step *= 2) {
      const probe = Math.min(low + step, high);
      if (!accepted(probe)) {
        high = probe - 1;
        break;
      }
      low = probe;
    }
  } else {
    high = from - 1;
    for (let step = 1; low < high; step *= 2) {
      const probe = Math.max(high + 1 - step, low);
      if (accepted(probe)) {
        low = probe;
        break;
      }
      high = probe - 1;
    }
  }
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (accepted(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The answer for the same service and detail-type in the environment searched before: names and
 * accounts change it by a few characters, so the search starts there. Only where it starts: the
 * answer is searched for in full each time, and without a previous one the search starts at 0.
 */
const previousAnswers = new Map<string, number>();

/** The largest `n` whose detail the real publisher accepts for this bus and detail-type. */
function largestAccepted(env: EnvironmentConfig, service: string, detailType: string): number {
  const publisher = new EventPublisher({
    env: env.name,
    service,
    catalog: bookingSaga,
    environments: allEnvironments,
    client: new EventBridgeClient({ region: env.region }),
    logger: { warn: () => undefined },
  });
  const accepted = (n: number) => publisher.validate([{ detailType, detail: detailOfSize(n) }]).problems.length === 0;
  const key = `${service}/${detailType}`;
  const n = largestAcceptedFrom(accepted, previousAnswers.get(key) ?? 0, EXECUTION_INPUT_MAX_BYTES);
  previousAnswers.set(key, n);
  publisher.close();
  return n;
}

interface Event {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Json;
  readonly resources: readonly string[];
}

interface Measured {
  readonly rule: string;
  readonly kind: 'run-task-overrides' | 'execution-input';
  readonly size: number;
}

/**
 * Runs the state machine of `rule` (on `service`'s bus) with `event`, its task failing with a
 * realistic task description, records what its RunTask carried, then follows its failure event to
 * every rule that matches it.
 */
async function follow(env: EnvironmentConfig, service: ServiceSpec, rule: RuleSpec, event: Event, measured: Measured[], depth = 0): Promise<void> {
  const options = resolveRuleOptions(rule, bookingSaga);
  const envelope = {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': event.detailType,
    source: event.source,
    account: env.accountId,
    time: ACCOUNT_TIME,
    region: env.region,
    resources: [...event.resources],
    detail: event.detail,
  };
  if (options.detailDelivery === 'reference') {
    measured.push({ rule: `${service.name}/${rule.name}`, kind: 'execution-input', size: Buffer.byteLength(JSON.stringify(envelope), 'utf8') });
  }
  const published: Json[] = [];
  const machine = `${env.name}-${service.name}-${rule.name}`;
  const outcome = await runStateMachine({
    definition: definitionOf(env, service.name, rule.name),
    input: envelope as unknown as JsonValue,
    stateMachineArn: `arn:aws:states:${env.region}:${env.accountId}:stateMachine:${machine}`,
    executionName: EXECUTION_NAME,
    retryIntervalMs: 0,
    handlers: {
      runTask: (parameters) => {
        const overrides = (parameters as Json).Overrides;
        if (options.detailDelivery === 'environment') {
          // ECS counts the overrides' JSON; its camelCase keys are as long as Step Functions' PascalCase ones.
          measured.push({ rule: `${service.name}/${rule.name}`, kind: 'run-task-overrides', size: JSON.stringify(overrides).length });
        }
        throw ecsTaskFailed(stoppedTaskDescription({ parameters, region: env.region, account: env.accountId, ...STOPS.exited(1) }));
      },
      putEvents: (parameters) => {
        published.push(...((parameters as Json).Entries as Json[]));
        return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
      },
    },
  });
  expect(outcome.status).toBe('FAILED');
  if (!options.failureDetailType) {
    expect(published).toEqual([]);
    return;
  }
  expect(published).toHaveLength(1);
  const [entry] = published;
  // Never the raw Cause: the description echoed the overrides; the failure event must not.
  expect(JSON.stringify(entry)).not.toContain('ContainerOverrides');
  const next: Event = {
    source: entry!.Source,
    detailType: entry!.DetailType,
    detail: typeof entry!.Detail === 'string' ? JSON.parse(entry!.Detail) : entry!.Detail,
    resources: [`arn:aws:states:${env.region}:${env.accountId}:execution:${machine}:${EXECUTION_NAME}`, `arn:aws:states:${env.region}:${env.accountId}:stateMachine:${machine}`],
  };
  const bus = bookingSaga.services.find((s) => s.name === rule.target.service)!;
  if (depth > 3) return;
  for (const downstream of bus.rules) {
    const nextEnvelope = { ...envelope, source: next.source, 'detail-type': next.detailType, detail: next.detail, resources: next.resources };
    if (matchesPattern(downstream.eventPattern, nextEnvelope)) await follow(env, bus, downstream, next, measured, depth + 1);
  }
}

const cases = allEnvironments.flatMap((env) =>
  bookingSaga.services.flatMap((service) =>
    service.rules
      .filter((rule) => resolveRuleOptions(rule, bookingSaga).failureDetailType !== undefined)
      .flatMap((rule) => rule.eventPattern['detail-type'].map((detailType) => ({ env, service, rule, detailType, label: `${env.name}: ${service.name}/${rule.name} (${detailType})` }))),
  ),
);

describe.each(cases)('$label', ({ env, service, rule, detailType }) => {
  test('the largest detail the publisher accepts fits every RunTask and execution input down its failure path', async () => {
    const n = largestAccepted(env, service.name, detailType);
    const detail = detailOfSize(n);
    const measured: Measured[] = [];
    await follow(env, service, rule, { source: `${bookingSaga.namespace}.${service.name}`, detailType, detail, resources: [] }, measured);

    // The rule itself and at least one hop further down (the compensation, or its own failure's consumers).
    expect(measured.length).toBeGreaterThanOrEqual(1);
    for (const hop of measured) {
      const limit = hop.kind === 'run-task-overrides' ? RUN_TASK_OVERRIDES_LIMIT : EXECUTION_INPUT_MAX_BYTES;
      expect({ ...hop, fits: hop.size <= limit }).toEqual({ ...hop, fits: true });
    }

    // What the budget function predicted for the same detail bounds what the interpreter measured.
    const predicted = detailHops(bookingSaga, env, { service: service.name, detailType, detail });
    // A flow's rule makes several RunTasks (steps, compensations): the largest prediction of the rule bounds each.
    for (const hop of measured) {
      const bounds = predicted.filter((p) => `${p.service}/${p.rule}` === hop.rule && p.kind === hop.kind).map((p) => p.size);
      expect(bounds.length).toBeGreaterThan(0);
      expect(hop.size).toBeLessThanOrEqual(Math.max(...bounds));
    }
    // The first hop is no estimate: the same detail, the longest execution ARN, the same characters.
    // (Other rules may match the same detail-type: compare with this rule's own prediction.)
    const first = measured[0]!;
    const ownPrediction = predicted.find((p) => `${p.service}/${p.rule}` === first.rule && p.kind === first.kind && p.via.length === 0)!;
    if (first.kind === 'run-task-overrides') expect(first.size).toBe(ownPrediction.size);
  });
});
