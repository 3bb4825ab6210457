import { predecessors, runScheduled, type ScheduledStack } from '../../tooling/stack-schedule';

/** The example's dev environment: base and monitoring first, then five services that need both. */
const DEV: ScheduledStack[] = [
  { name: 'base', dependsOn: [] },
  { name: 'monitoring', dependsOn: [] },
  { name: 'booking', dependsOn: ['monitoring', 'base'] },
  { name: 'payment', dependsOn: ['monitoring', 'base'] },
  { name: 'seat', dependsOn: ['monitoring', 'base'] },
];

/** Work that finishes when the test says so, recording what ran at once. */
function controlled(fail: readonly string[] = []) {
  const events: string[] = [];
  const pending = new Map<string, () => void>();
  let running = 0;
  let most = 0;
  const work = (name: string) =>
    new Promise<boolean>((resolve) => {
      events.push(`start ${name}`);
      running += 1;
      most = Math.max(most, running);
      pending.set(name, () => {
        running -= 1;
        events.push(`end ${name}`);
        resolve(!fail.includes(name));
      });
    });
  const finish = async (name: string) => {
    const end = pending.get(name);
    if (!end) throw new Error(`${name} is not running (running: ${[...pending.keys()].join(', ')})`);
    pending.delete(name);
    end();
    // Let the scheduler react before the test looks.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { events, work, finish, running: () => [...pending.keys()], most: () => most };
}

describe('runScheduled: each stack after those it follows, a few at a time', () => {
  test('independent stacks overlap up to the concurrency; a stack starts only when all its dependencies are done', async () => {
    const c = controlled();
    const outcome = runScheduled(DEV, { concurrency: 2 }, c.work);
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.running()).toEqual(['base', 'monitoring']);
    await c.finish('base');
    // booking needs monitoring too: nothing new yet.
    expect(c.running()).toEqual(['monitoring']);
    await c.finish('monitoring');
    expect(c.running()).toEqual(['booking', 'payment']);
    await c.finish('payment');
    expect(c.running()).toEqual(['booking', 'seat']);
    await c.finish('seat');
    await c.finish('booking');
    expect(await outcome).toEqual({ done: ['base', 'monitoring', 'payment', 'seat', 'booking'], failed: [], skipped: [] });
    expect(c.most()).toBe(2);
  });

  test('concurrency 3 runs the three services at once; 1 runs everything in input order', async () => {
    const three = controlled();
    const outcome = runScheduled(DEV, { concurrency: 3 }, three.work);
    await new Promise((resolve) => setImmediate(resolve));
    await three.finish('base');
    await three.finish('monitoring');
    expect(three.running()).toEqual(['booking', 'payment', 'seat']);
    for (const name of ['seat', 'booking', 'payment']) await three.finish(name);
    expect((await outcome).done).toEqual(['base', 'monitoring', 'seat', 'booking', 'payment']);

    const order: string[] = [];
    const serial = await runScheduled(DEV, { concurrency: 1 }, async (name) => {
      order.push(name);
      return true;
    });
    expect(order).toEqual(['base', 'monitoring', 'booking', 'payment', 'seat']);
    expect(serial.done).toEqual(order);
  });

  test('reversed (destroy): every dependent first, then what they depend on', async () => {
    const c = controlled();
    const outcome = runScheduled(DEV, { concurrency: 5, reverse: true }, c.work);
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.running()).toEqual(['booking', 'payment', 'seat']);
    await c.finish('booking');
    await c.finish('payment');
    expect(c.running()).toEqual(['seat']);
    await c.finish('seat');
    expect(c.running()).toEqual(['base', 'monitoring']);
    await c.finish('monitoring');
    await c.finish('base');
    expect(await outcome).toEqual({ done: ['booking', 'payment', 'seat', 'monitoring', 'base'], failed: [], skipped: [] });
  });

  test('a failure skips what must follow it, transitively; independent stacks still run', async () => {
    const chain: ScheduledStack[] = [
      { name: 'base', dependsOn: [] },
      { name: 'bus', dependsOn: ['base'] },
      { name: 'rules', dependsOn: ['bus'] },
      { name: 'other', dependsOn: [] },
    ];
    const ran: string[] = [];
    const outcome = await runScheduled(chain, { concurrency: 1 }, async (name) => {
      ran.push(name);
      return name !== 'base';
    });
    expect(outcome).toEqual({ done: ['other'], failed: ['base'], skipped: ['bus', 'rules'] });
    expect(ran).toEqual(['base', 'other']);

    // Reversed: a dependent that could not be destroyed keeps what it depends on.
    const kept = await runScheduled(chain, { concurrency: 2, reverse: true }, async (name) => name !== 'rules');
    expect(kept).toEqual({ done: ['other'], failed: ['rules'], skipped: ['base', 'bus'] });
  });

  test('work that throws or rejects counts as failed', async () => {
    const outcome = await runScheduled(DEV.slice(0, 3), { concurrency: 2 }, (name) => {
      if (name === 'base') throw new Error('spawn failed');
      return name === 'monitoring' ? Promise.reject(new Error('boom')) : Promise.resolve(true);
    });
    expect(outcome).toEqual({ done: [], failed: ['base', 'monitoring'], skipped: ['booking'] });
  });

  test('no stacks: nothing runs; a cycle, an unknown dependency or a bad concurrency is refused before anything runs', async () => {
    const work = jest.fn(async () => true);
    expect(await runScheduled([], { concurrency: 2 }, work)).toEqual({ done: [], failed: [], skipped: [] });
    await expect(
      runScheduled(
        [
          { name: 'a', dependsOn: ['b'] },
          { name: 'b', dependsOn: ['a'] },
          { name: 'c', dependsOn: [] },
        ],
        { concurrency: 2 },
        work,
      ),
    ).rejects.toThrow('dependency cycle among stacks a, b');
    await expect(runScheduled([{ name: 'a', dependsOn: ['gone'] }], { concurrency: 2 }, work)).rejects.toThrow('stack a depends on gone, which is not among the stacks scheduled');
    await expect(runScheduled(DEV, { concurrency: 0 }, work)).rejects.toThrow('concurrency must be a whole number of at least 1, not 0');
    await expect(runScheduled(DEV, { concurrency: 1.5 }, work)).rejects.toThrow('not 1.5');
    expect(work).not.toHaveBeenCalled();
  });

  test('predecessors: dependencies, or reversed the dependents', () => {
    expect(Object.fromEntries(predecessors(DEV))).toEqual({ base: [], monitoring: [], booking: ['monitoring', 'base'], payment: ['monitoring', 'base'], seat: ['monitoring', 'base'] });
    expect(Object.fromEntries(predecessors(DEV, true))).toEqual({ base: ['booking', 'payment', 'seat'], monitoring: ['booking', 'payment', 'seat'], booking: [], payment: [], seat: [] });
  });
});
