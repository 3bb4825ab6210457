/** The saga services' store and their once-per-event handling (EventBridge delivers at least once). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { handleOnce } from '../../task-programs/booking-saga/handle-once';
import { ALREADY_HANDLED_EXIT_CODE } from '../../event-client';
import { ServiceStore } from '../../task-programs/booking-saga/store';
import type { TaskEvent } from '../../event-client';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
const newStore = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-test-'));
  dirs.push(dir);
  return new ServiceStore(dir);
};
const event = (executionArn: string): TaskEvent<unknown> => ({ id: 'e-1', source: 's', detailType: 'T', detail: {}, delivery: 'environment', executionArn });

describe('ServiceStore', () => {
  test('insert creates a record only once (put-if-absent), put replaces it, get reads it', () => {
    const store = newStore();
    expect(store.insert('charges', 'pay-1', { amount: 1 })).toBe(true);
    expect(store.insert('charges', 'pay-1', { amount: 2 })).toBe(false);
    expect(store.get('charges', 'pay-1')).toEqual({ amount: 1 });
    store.put('charges', 'pay-1', { amount: 3 });
    expect(store.get('charges', 'pay-1')).toEqual({ amount: 3 });
    expect(store.get('charges', 'pay-2')).toBeUndefined();
    // Only the records are left in the table's folder: nothing staged.
    expect(fs.readdirSync(path.join(store.directory, 'charges'))).toEqual(['pay-1.json']);
  });

  test('keys are file names whatever they hold', () => {
    const store = newStore();
    expect(store.insert('t', 'a/b c', { ok: true })).toBe(true);
    expect(store.get('t', 'a/b c')).toEqual({ ok: true });
  });

  test('without SERVICE_STORE_DIR each task gets a folder of its own, never a shared one', () => {
    const first = ServiceStore.forThisTask({ APP_SERVICE: 'payment' });
    const second = ServiceStore.forThisTask({ APP_SERVICE: 'payment' });
    expect(first.directory).not.toBe(second.directory);
    expect(ServiceStore.forThisTask({ SERVICE_STORE_DIR: '/x/payment' }).directory).toBe('/x/payment');
  });
});

describe('handleOnce', () => {
  test('the first execution handles the event; another execution (a duplicate delivery) does nothing and exits ALREADY_HANDLED_EXIT_CODE', async () => {
    const store = newStore();
    const handled: string[] = [];
    const log: string[] = [];
    const exitCodes: number[] = [];
    const first = await handleOnce(
      store,
      event('arn:exec:a'),
      async () => void handled.push('a'),
      (line) => log.push(line),
      (code) => exitCodes.push(code),
    );
    const second = await handleOnce(
      store,
      event('arn:exec:b'),
      async () => void handled.push('b'),
      (line) => log.push(line),
      (code) => exitCodes.push(code),
    );
    expect([first, second]).toEqual([true, false]);
    expect(handled).toEqual(['a']);
    expect(exitCodes).toEqual([ALREADY_HANDLED_EXIT_CODE]);
    expect(log).toEqual([`event e-1 was delivered again: execution arn:exec:a handles it; exiting 99 so that this execution announces nothing`]);
  });

  test('a rerun of the claiming execution after it finished does nothing more, and exits as it did (no code set)', async () => {
    const store = newStore();
    const exitCodes: number[] = [];
    const handled: number[] = [];
    const rerun = (n: number) =>
      handleOnce(
        store,
        event('arn:exec:a'),
        async () => void handled.push(n),
        () => undefined,
        (code) => exitCodes.push(code),
      );
    expect(await rerun(1)).toBe(true);
    expect(await rerun(2)).toBe(true);
    expect(handled).toEqual([1]);
    expect(exitCodes).toEqual([]);
  });

  test('a rerun in the same execution resumes what an earlier run did not finish, and not what it finished', async () => {
    const store = newStore();
    const handled: number[] = [];
    await expect(
      handleOnce(
        store,
        event('arn:exec:a'),
        async () => {
          throw new Error('interrupted');
        },
        () => undefined,
      ),
    ).rejects.toThrow('interrupted');
    await handleOnce(
      store,
      event('arn:exec:a'),
      async () => void handled.push(2),
      () => undefined,
    );
    await handleOnce(
      store,
      event('arn:exec:a'),
      async () => void handled.push(3),
      () => undefined,
    );
    expect(handled).toEqual([2]);
  });
});
