/** PutEvents requests: at most 10 entries and at most 256 KB of entries together, in order. */
import { putEventsBatches } from '../../core/entry-size';

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

  it('with AWS\'s numbers: ten 30,040-byte entries make requests of 8 and 2', () => {
    const batches = putEventsBatches(sized(...Array<number>(10).fill(30_040)), { maxEntries: 10, maxBytes: 256 * 1024 });
    expect(batches.map((batch) => batch.length)).toEqual([8, 2]);
  });
});
