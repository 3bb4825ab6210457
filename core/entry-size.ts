/**
 * PutEvents entry size, computed the way EventBridge computes it (see "Calculating Amazon
 * EventBridge PutEvents event entry size" in the EventBridge user guide): 14 bytes for `Time` when
 * set, plus the UTF-8 bytes of `Source`, `DetailType`, `Detail` and each of `Resources`. The JSON
 * keys and the envelope EventBridge adds later do not count.
 */
import { TIME_FIELD_SIZE_BYTES } from '../core/aws-limits';

/** The fields of a PutEvents entry that count towards its size. */
export interface SizedEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  readonly Time?: Date;
}

/** Bytes as UTF-8: `Buffer.byteLength`'s encoding for strings unless told otherwise. */
export function putEventsEntrySize(entry: SizedEntry): number {
  let size = entry.Time === undefined ? 0 : TIME_FIELD_SIZE_BYTES;
  size += Buffer.byteLength(entry.Source);
  size += Buffer.byteLength(entry.DetailType);
  if (entry.Detail !== undefined) size += Buffer.byteLength(entry.Detail);
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource);
  return size;
}

/**
 * Splits entries, in order, into PutEvents requests: at most `maxEntries` entries each and, by the
 * entry-size rule above, at most `maxBytes` together. EventBridge refuses a request whose entries
 * together are over 256 KB, every entry of it ("Calculating Amazon EventBridge PutEvents event
 * entry size", EventBridge user guide: "the total entry size must be less than 256KB"), so ten
 * entries of 30 KB, each accepted alone, must go as two requests. An entry is never split; one over
 * `maxBytes` by itself goes alone (the caller refuses it before sending).
 */
export function putEventsBatches<T extends { readonly size: number }>(entries: readonly T[], limits: { readonly maxEntries: number; readonly maxBytes: number }): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length > 0 && (current.length === limits.maxEntries || bytes + entry.size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
