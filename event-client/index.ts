/** The event client: publish onto a service's bus, and read the event that started a task. */
export {
  EventPublisher,
  EventValidationError,
  PublishError,
  NOT_ATTEMPTED,
  MISSING_RESULT,
  type EventPublisherOptions,
  type PublishedEntry,
  type FailedEntry,
  type PublishResult,
  type PublisherLogger,
} from './publisher';
export { type EventInput, type UnmatchedDetailTypePolicy, type PreparedEntry, prepareEvent, normaliseDetail } from './prepare';
export { MAX_ENTRY_SIZE_BYTES, PUT_EVENTS_MAX_ENTRIES } from '../core/aws-limits';
// A task exits with it when another execution handles its event (a duplicate delivery): the state machine then announces nothing.
export { ALREADY_HANDLED_EXIT_CODE } from '../core/container-contract';
export { putEventsEntrySize } from '../core/entry-size';
export { describeBus, findEnvironment, findService, rulesMatchingDetailType, type BusDescription } from './catalog-rules';
export { RETRYABLE_ENTRY_ERROR_CODES, backoffDelayMs, isRetryableEntryError } from './retry';
export { readTaskEvent, readFlowRun, TaskEventError, executionRegion, type TaskEvent, type TaskFlowRun, type ReadTaskEventOptions, type DescribeExecutionClient } from './reader';
