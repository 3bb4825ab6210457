/**
 * Turns what service code wants to publish into PutEvents request entries, refusing anything
 * EventBridge or the rules' RunTask budget would reject later, where the error would be far from
 * its cause (an entry failing with MalformedDetail, or a state machine failing at RunTask).
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { BusDescription } from './catalog-rules';
import { MAX_ENTRY_SIZE_BYTES } from '../core/aws-limits';
import { putEventsEntrySize } from '../core/entry-size';

/** One event to publish onto the service's bus. */
export interface EventInput {
  readonly detailType: string;
  /** A JSON object, or a string holding one (sent as given after it parses). */
  readonly detail: unknown;
  /** ARNs the event concerns (counted in the entry size). */
  readonly resources?: readonly string[];
  /** Event time; EventBridge uses the time it receives the event when absent. */
  readonly time?: Date;
}

/** `warn`: log and publish anyway. `refuse`: treat as invalid, publish nothing. */
export type UnmatchedDetailTypePolicy = 'warn' | 'refuse';

export interface PreparedEntry {
  /** Position in the caller's array. */
  readonly index: number;
  readonly input: EventInput;
  readonly entry: PutEventsRequestEntry;
  /** Bytes by EventBridge's entry-size rule. */
  readonly size: number;
}

export interface Preparation {
  readonly prepared?: PreparedEntry;
  /** Reasons the event is refused; empty when `prepared` is set. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

/** The detail as the JSON text to send and the value rules will see, or why it is unusable. */
export function normaliseDetail(detail: unknown): { text: string; value: Record<string, unknown> } | { problem: string } {
  if (detail === undefined) return { problem: 'detail is missing (use {} for an event without detail)' };
  let value: unknown = detail;
  let text: string;
  if (typeof detail === 'string') {
    try {
      value = JSON.parse(detail);
    } catch (error) {
      return { problem: `detail is not valid JSON (${(error as Error).message}); found: ${preview(detail)}` };
    }
    text = detail;
  } else {
    try {
      text = JSON.stringify(detail);
    } catch (error) {
      return { problem: `detail cannot be serialised to JSON: ${(error as Error).message}` };
    }
  }
  // EventBridge accepts only a JSON object as Detail (MalformedDetail otherwise).
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: `detail must be a JSON object; found ${describeJsonType(value)}` };
  }
  return { text, value: value as Record<string, unknown> };
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The first characters of a bad value, for error messages. */
export function preview(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

export function prepareEvent(bus: BusDescription, event: EventInput, index: number, unmatched: UnmatchedDetailTypePolicy): Preparation {
  const problems: string[] = [];
  const warnings: string[] = [];
  const detailType = event?.detailType;
  if (typeof detailType !== 'string' || detailType.trim() === '') {
    return { problems: [`detailType must be a non-empty string; found ${JSON.stringify(detailType) ?? 'undefined'}`], warnings };
  }
  const detail = normaliseDetail(event.detail);
  if ('problem' in detail) problems.push(detail.problem);
  if (event.resources !== undefined && (!Array.isArray(event.resources) || event.resources.some((r) => typeof r !== 'string'))) {
    problems.push('resources must be an array of strings (ARNs)');
  }
  if (event.time !== undefined && !(event.time instanceof Date && !Number.isNaN(event.time.getTime()))) {
    problems.push('time must be a valid Date');
  }

  const matching = bus.matchingRules(detailType);
  if (matching.length === 0) {
    const known = [...new Set(bus.service.rules.flatMap((rule) => rule.eventPattern['detail-type']))];
    const message = `detail-type '${detailType}' matches no rule on bus '${bus.busName}'${
      known.length ? ` (its rules match: ${known.join(', ')})` : ' (the bus has no rules)'
    }, so no task will run for it`;
    (unmatched === 'refuse' ? problems : warnings).push(message);
  }
  if (problems.length > 0) return { problems, warnings };
  // A detail problem is among the problems above: from here the detail is usable.
  const { text, value } = detail as Exclude<typeof detail, { problem: string }>;

  const entry: PutEventsRequestEntry = {
    EventBusName: bus.busName,
    Source: bus.source,
    DetailType: detailType,
    Detail: text,
    ...(event.resources ? { Resources: [...event.resources] } : {}),
    ...(event.time ? { Time: event.time } : {}),
  };
  const size = putEventsEntrySize({ Source: bus.source, DetailType: detailType, Detail: text, Resources: event.resources, Time: event.time });
  if (size > MAX_ENTRY_SIZE_BYTES) {
    problems.push(`entry is ${size} bytes, over the PutEvents limit of ${MAX_ENTRY_SIZE_BYTES} bytes (UTF-8 bytes of Source, DetailType, Detail and Resources, plus 14 for Time)`);
  }
  // Every hop: the rules' RunTask overrides here, and what their state machines publish next
  // (a failure event carries the detail on to compensation), so nothing is refused far downstream.
  problems.push(...bus.budgetProblems(detailType, value, event.resources));
  if (problems.length > 0) return { problems, warnings };
  return { prepared: { index, input: event, entry, size }, problems, warnings };
}
