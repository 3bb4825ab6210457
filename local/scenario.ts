/**
 * Scenarios: a local run written down with what it must show. A scenario file (JSON) gives the
 * events to publish, the faults to inject and the expected outcome: the sequence of events, the
 * executions' statuses, the task runs, the dead letters, and the final records of each service's
 * store. `npm run local -- --scenario FILE` runs it and exits 1 when an expectation fails; the test
 * suite runs every scenario of the example saga (task-programs/booking-saga/scenarios/).
 *
 *   {
 *     "description": "…",
 *     "environment": "dev",                                   (default dev)
 *     "events": [{ "service": "booking", "detailType": "BookingCreated", "detail": { … } }],
 *     "faults": {                                             (all optional)
 *       "runTask": ["payment/charge:spot"],                   (as --fail-run-task)
 *       "delivery": ["payment/reserve-seats:all"],            (as --fail-delivery)
 *       "duplicateDelivery": 1, "seed": 7                     (as --duplicate-delivery, --seed)
 *     },
 *     "expect": {
 *       "events": ["BookingCreated", "PaymentSucceeded"],     (detail-types, exactly, in order)
 *       "executions": { "booking/charge-payment": ["SUCCEEDED"] },   (statuses per rule, any order)
 *       "taskRuns": { "payment/charge": 2 },                  (processes started per task)
 *       "deadLetters": [{ "rule": "payment/reserve-seats", "detailType": "PaymentSucceeded", "errorCode": "THROTTLING" }],
 *       "stores": { "payment": { "charges": [{ "bookingId": "b-1", "amount": 120 }] } }
 *     }
 *   }
 *
 * Store expectations list every record of a table (an empty list: none), each matched by the
 * fields it gives; tables and services not named are not checked. `deadLetters`, when given, lists
 * every dead letter. Pure, except `readScenarioFile` and `readServiceStores`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleName } from '../core/naming';
import { UsageError } from '../tooling/cli';
import { type DeliveryFault, parseDeliveryFault, parseProbability, parseRunTaskFault, type RunTaskFault } from './faults';
import type { InitialEvent, LocalRunResult } from './runner';

export interface Scenario {
  readonly file: string;
  readonly description: string;
  readonly environment: string;
  readonly events: readonly InitialEvent[];
  readonly runTaskFaults: readonly RunTaskFault[];
  readonly deliveryFaults: readonly DeliveryFault[];
  readonly duplicateDelivery?: { readonly probability: number; readonly seed: number };
  readonly expect: ScenarioExpectations;
}

export interface ScenarioExpectations {
  readonly events?: readonly string[];
  /** `service/rule` → the statuses of its executions, in any order. */
  readonly executions?: Readonly<Record<string, readonly string[]>>;
  /** `service/task` → how many task processes were started. */
  readonly taskRuns?: Readonly<Record<string, number>>;
  readonly deadLetters?: readonly { readonly rule: string; readonly detailType?: string; readonly errorCode?: string }[];
  /** service → table → every record, each given by some of its fields. */
  readonly stores?: Readonly<Record<string, Readonly<Record<string, readonly Record<string, unknown>[]>>>>;
}

/** service → table → records. */
export type ServiceStores = Record<string, Record<string, Record<string, unknown>[]>>;

type Json = Record<string, unknown>;

/** Reads and checks a scenario file; every problem is a UsageError naming the file and the field. */
export function readScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`scenario ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`scenario ${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseScenario(json, file);
}

export function parseScenario(json: unknown, file: string): Scenario {
  const fail = (field: string, problem: string): never => {
    throw new UsageError(`scenario ${file}: ${field} ${problem}`);
  };
  const object = (value: unknown, field: string, allowed: readonly string[]): Json => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object');
    const unknown = Object.keys(value as Json).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) fail(field, `has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: ${allowed.join(', ')})`);
    return value as Json;
  };
  const string = (value: unknown, field: string): string => (typeof value === 'string' && value !== '' ? value : fail(field, 'must be a non-empty string'));
  const list = (value: unknown, field: string): unknown[] => (Array.isArray(value) ? value : fail(field, 'must be a list'));

  const top = object(json, '(top level)', ['description', 'environment', 'events', 'faults', 'expect']);
  const description = string(top.description, 'description');
  const environment = top.environment === undefined ? 'dev' : string(top.environment, 'environment');
  const events = list(top.events, 'events').map((value, index): InitialEvent => {
    const event = object(value, `events[${index}]`, ['service', 'detailType', 'detail']);
    const detail = object(event.detail, `events[${index}].detail`, Object.keys((event.detail as Json | undefined) ?? {}));
    return { service: string(event.service, `events[${index}].service`), detailType: string(event.detailType, `events[${index}].detailType`), detail };
  });
  if (events.length === 0) fail('events', 'must list at least one event');

  const faults = top.faults === undefined ? {} : object(top.faults, 'faults', ['runTask', 'delivery', 'duplicateDelivery', 'seed']);
  const runTaskFaults =
    faults.runTask === undefined
      ? []
      : list(faults.runTask, 'faults.runTask').map((spec, i) => parseRunTaskFault(string(spec, `faults.runTask[${i}]`), `scenario ${file}: faults.runTask[${i}]`));
  const deliveryFaults =
    faults.delivery === undefined
      ? []
      : list(faults.delivery, 'faults.delivery').map((spec, i) => parseDeliveryFault(string(spec, `faults.delivery[${i}]`), `scenario ${file}: faults.delivery[${i}]`));
  let duplicateDelivery: Scenario['duplicateDelivery'];
  if (faults.duplicateDelivery !== undefined) {
    const given = faults.duplicateDelivery;
    const probability = parseProbability(typeof given === 'string' ? given : JSON.stringify(given), `scenario ${file}: faults.duplicateDelivery`);
    const seed = faults.seed;
    if (!Number.isSafeInteger(seed)) fail('faults.seed', 'must be a whole number when duplicateDelivery is given (a scenario is reproducible)');
    duplicateDelivery = { probability, seed: seed as number };
  } else if (faults.seed !== undefined) {
    fail('faults.seed', 'is only used with duplicateDelivery');
  }

  const expectJson = object(top.expect, 'expect', ['events', 'executions', 'taskRuns', 'deadLetters', 'stores']);
  const expect: { -readonly [K in keyof ScenarioExpectations]: ScenarioExpectations[K] } = {};
  if (expectJson.events !== undefined) expect.events = list(expectJson.events, 'expect.events').map((value, i) => string(value, `expect.events[${i}]`));
  if (expectJson.executions !== undefined) {
    const executions = object(expectJson.executions, 'expect.executions', Object.keys(expectJson.executions as Json));
    expect.executions = Object.fromEntries(
      Object.entries(executions).map(([rule, statuses]) => [
        checkedKey(rule, `expect.executions`, fail),
        list(statuses, `expect.executions.${rule}`).map((s, i) => string(s, `expect.executions.${rule}[${i}]`)),
      ]),
    );
  }
  if (expectJson.taskRuns !== undefined) {
    const runs = object(expectJson.taskRuns, 'expect.taskRuns', Object.keys(expectJson.taskRuns as Json));
    expect.taskRuns = Object.fromEntries(
      Object.entries(runs).map(([task, count]) => [
        checkedKey(task, 'expect.taskRuns', fail),
        Number.isInteger(count) && (count as number) >= 0 ? (count as number) : fail(`expect.taskRuns.${task}`, 'must be a whole number'),
      ]),
    );
  }
  if (expectJson.deadLetters !== undefined) {
    expect.deadLetters = list(expectJson.deadLetters, 'expect.deadLetters').map((value, i) => {
      const letter = object(value, `expect.deadLetters[${i}]`, ['rule', 'detailType', 'errorCode']);
      return {
        rule: checkedKey(string(letter.rule, `expect.deadLetters[${i}].rule`), `expect.deadLetters[${i}].rule`, fail),
        ...(letter.detailType === undefined ? {} : { detailType: string(letter.detailType, `expect.deadLetters[${i}].detailType`) }),
        ...(letter.errorCode === undefined ? {} : { errorCode: string(letter.errorCode, `expect.deadLetters[${i}].errorCode`) }),
      };
    });
  }
  if (expectJson.stores !== undefined) {
    const stores = object(expectJson.stores, 'expect.stores', Object.keys(expectJson.stores as Json));
    expect.stores = Object.fromEntries(
      Object.entries(stores).map(([service, tables]) => {
        const tablesJson = object(tables, `expect.stores.${service}`, Object.keys((tables as Json | undefined) ?? {}));
        return [
          service,
          Object.fromEntries(
            Object.entries(tablesJson).map(([table, records]) => [
              table,
              list(records, `expect.stores.${service}.${table}`).map((record, i) =>
                object(record, `expect.stores.${service}.${table}[${i}]`, Object.keys((record as Json | undefined) ?? {})),
              ),
            ]),
          ),
        ];
      }),
    );
  }
  if (Object.keys(expect).length === 0) fail('expect', 'must expect something');
  return { file, description, environment, events, runTaskFaults, deliveryFaults, ...(duplicateDelivery ? { duplicateDelivery } : {}), expect };
}

function checkedKey(key: string, field: string, fail: (field: string, problem: string) => never): string {
  return /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/.test(key) ? key : fail(field, `key ${JSON.stringify(key)} must be SERVICE/NAME`);
}

/** Every record of every service store below the run's work directory (see SERVICE_STORE_ENV). */
export function readServiceStores(workDir: string): ServiceStores {
  const stores: ServiceStores = {};
  const root = path.join(workDir, 'stores');
  if (!fs.existsSync(root)) return stores;
  for (const service of fs.readdirSync(root).sort()) {
    stores[service] = {};
    for (const table of fs.readdirSync(path.join(root, service)).sort()) {
      const folder = path.join(root, service, table);
      if (!fs.statSync(folder).isDirectory()) continue;
      stores[service]![table] = fs
        .readdirSync(folder)
        .filter((file) => file.endsWith('.json'))
        .sort()
        .map((file) => JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as Record<string, unknown>);
    }
  }
  return stores;
}

/** What failed, one line each; empty when the run showed everything the scenario expects. */
export function checkScenario(scenario: Scenario, result: Pick<LocalRunResult, 'summary' | 'events' | 'deadLetters' | 'entries'>, stores: ServiceStores): string[] {
  const failures: string[] = [];
  const { expect, environment } = scenario;
  const fullRule = (key: string) => {
    const [service, rule] = key.split('/') as [string, string];
    return ruleName(environment, service, rule);
  };
  if (result.summary.outcome !== 'completed') failures.push(`the run did not complete (${result.summary.outcome}): ${result.summary.stillRunning.join('; ')}`);

  if (expect.events) {
    const actual = result.events.map((event) => event['detail-type']);
    if (JSON.stringify(actual) !== JSON.stringify(expect.events)) failures.push(`events: expected ${expect.events.join(' → ')}, got ${actual.join(' → ') || 'none'}`);
  }
  for (const [rule, statuses] of Object.entries(expect.executions ?? {})) {
    const actual = result.summary.executions
      .filter((execution) => execution.rule === fullRule(rule))
      .map((execution) => execution.status)
      .sort();
    if (JSON.stringify(actual) !== JSON.stringify([...statuses].sort()))
      failures.push(`executions of ${rule}: expected ${[...statuses].sort().join(', ') || 'none'}, got ${actual.join(', ') || 'none'}`);
  }
  for (const [task, count] of Object.entries(expect.taskRuns ?? {})) {
    const actual = result.entries.filter((entry) => entry.kind === 'task-started' && entry.task === task).length;
    if (actual !== count) failures.push(`task runs of ${task}: expected ${count}, got ${actual}`);
  }
  if (expect.deadLetters) {
    const actual = result.deadLetters.map((letter) => ({
      rule: letter.rule,
      detailType: (JSON.parse(letter.body) as { 'detail-type': string })['detail-type'],
      errorCode: letter.attributes.ERROR_CODE,
    }));
    const wanted = expect.deadLetters.map((letter) => ({ ...letter, rule: fullRule(letter.rule) }));
    const matches = actual.length === wanted.length && wanted.every((w, i) => Object.entries(w).every(([key, value]) => actual[i]![key as keyof (typeof actual)[number]] === value));
    if (!matches) failures.push(`dead letters: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`);
  }
  for (const [service, tables] of Object.entries(expect.stores ?? {})) {
    for (const [table, records] of Object.entries(tables)) {
      const actual = stores[service]?.[table] ?? [];
      const problem = matchRecords(records, actual);
      if (problem) failures.push(`store ${service}, table ${table}: ${problem}`);
    }
  }
  return failures;
}

/** Each expected record matches a different actual one (by the fields it gives), and there are no others. */
function matchRecords(expected: readonly Record<string, unknown>[], actual: readonly Record<string, unknown>[]): string | undefined {
  const left = [...actual];
  for (const record of expected) {
    const at = left.findIndex((candidate) => Object.entries(record).every(([key, value]) => JSON.stringify(candidate[key]) === JSON.stringify(value)));
    if (at < 0) return `expected a record ${JSON.stringify(record)}; records: ${JSON.stringify(actual)}`;
    left.splice(at, 1);
  }
  if (left.length > 0) return `${left.length} record(s) more than expected: ${JSON.stringify(left)}`;
  return undefined;
}
