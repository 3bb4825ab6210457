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

export function putEventsEntrySize(entry: SizedEntry): number {
  let size = entry.Time === undefined ? 0 : TIME_FIELD_SIZE_BYTES;
  size += Buffer.byteLength(entry.Source, 'utf8');
  size += Buffer.byteLength(entry.DetailType, 'utf8');
  if (entry.Detail !== undefined) size += Buffer.byteLength(entry.Detail, 'utf8');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, 'utf8');
  return size;
}
