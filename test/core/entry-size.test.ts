/**
 * A PutEvents entry's size by EventBridge's rule ("Calculating Amazon EventBridge PutEvents event
 * entry size"): 14 bytes for Time when set, plus the UTF-8 bytes of Source, DetailType, Detail and
 * each Resource. The publisher refuses entries over 256 KB with it, so an undercount is an entry
 * EventBridge refuses after the publisher said it fits. And PutEvents requests: at most 10 entries
 * and at most 256 KB of entries together, in order.
 */
import { putEventsBatches, putEventsEntrySize } from '../../core/entry-size';

test('each field counts its UTF-8 bytes', () => {
  expect(putEventsEntrySize({ Source: 'abc', DetailType: '' })).toBe(3);
  expect(putEventsEntrySize({ Source: '', DetailType: 'abcd' })).toBe(4);
  expect(putEventsEntrySize({ Source: '', DetailType: '', Detail: '{"a":1}' })).toBe(7);
  expect(putEventsEntrySize({ Source: '', DetailType: '', Resources: ['ab', 'cde'] })).toBe(5);
  expect(putEventsEntrySize({ Source: 'é', DetailType: '€', Detail: '😀', Resources: ['ß'] })).toBe(2 + 3 + 4 + 2);
});

test('Time counts 14 bytes whatever its value; absent fields count nothing', () => {
  expect(putEventsEntrySize({ Source: 's', DetailType: 't', Time: new Date(0) })).toBe(16);
  expect(putEventsEntrySize({ Source: 's', DetailType: 't', Time: new Date('2030-12-31T23:59:59.999Z') })).toBe(16);
  expect(putEventsEntrySize({ Source: 's', DetailType: 't' })).toBe(2);
  expect(putEventsEntrySize({ Source: 's', DetailType: 't', Resources: [] })).toBe(2);
});

test('all fields add up', () => {
  expect(putEventsEntrySize({ Source: 'acme.booking', DetailType: 'BookingCreated', Detail: '{}', Resources: ['arn:x'], Time: new Date() })).toBe(14 + 12 + 14 + 2 + 5);
});

const sized = (...sizes: number[]) => sizes.map((size, index) => ({ index, size }));
const shape = (batches: { index: number }[][]) => batches.map((batch) => batch.map((entry) => entry.index));

describe('putEventsBatches', () => {
  const limits = { maxEntries: 3, maxBytes: 100 };

  it('fills a request up to the entry count or the byte total, whichever comes first, keeping order', () => {
    expect(shape(putEventsBatches(sized(10, 10, 10, 10, 10, 10, 10), limits))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(shape(putEventsBatches(sized(60, 40, 1), limits))).toEqual([[0, 1], [2]]);
    expect(shape(putEventsBatches(sized(60, 41, 40), limits))).toEqual([[0], [1, 2]]);
    expect(shape(putEventsBatches(sized(100, 1), limits))).toEqual([[0], [1]]);
  });

  it('never splits an entry, never sends an empty request; an entry over the total goes alone', () => {
    expect(putEventsBatches([], limits)).toEqual([]);
    expect(shape(putEventsBatches(sized(150, 20, 200), limits))).toEqual([[0], [1], [2]]);
  });

  it("with AWS's numbers: ten 30,040-byte entries make requests of 8 and 2", () => {
    const batches = putEventsBatches(sized(...Array<number>(10).fill(30_040)), { maxEntries: 10, maxBytes: 256 * 1024 });
    expect(batches.map((batch) => batch.length)).toEqual([8, 2]);
  });
});
