/** The saga services' store and their once-per-event handling (EventBridge delivers at least once). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimKey, handleOnce } from '../../task-programs/booking-saga/handle-once';
import { ALREADY_HANDLED_EXIT_CODE } from '../../event-client';
import { ServiceStore } from '../../task-programs/booking-saga/store';
import type { TaskEvent, TaskFlowRun } from '../../event-client';

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

/** Two executions of one state machine (a duplicate delivery), and one of another rule's. */
const EXECUTION_A = 'arn:aws:states:eu-west-1:123456789012:execution:dev-booking-charge-payment:a';
const EXECUTION_B = 'arn:aws:states:eu-west-1:123456789012:execution:dev-booking-charge-payment:b';
const OTHER_RULE = 'arn:aws:states:eu-west-1:123456789012:execution:dev-booking-audit-payment:c';
const BOOK_CHARGE: TaskFlowRun = { flow: 'book', step: 'charge', role: 'run' };

/** handleOnce with its output collected; under a rule unless `flow` is given. */
function recorder(store: ServiceStore) {
  const handled: string[] = [];
  const log: string[] = [];
  const exitCodes: number[] = [];
  const once = (executionArn: string, label: string, flow?: TaskFlowRun, handle: () => void | Promise<void> = () => void handled.push(label)) =>
    handleOnce(store, event(executionArn), handle, { log: (line) => log.push(line), setExitCode: (code) => exitCodes.push(code), flow });
  return { once, handled, log, exitCodes };
}

describe('handleOnce', () => {
  test('the first execution handles the event; another execution of the same state machine (a duplicate delivery) does nothing and exits ALREADY_HANDLED_EXIT_CODE', async () => {
    const { once, handled, log, exitCodes } = recorder(newStore());
    expect(await once(EXECUTION_A, 'a')).toBe(true);
    expect(await once(EXECUTION_B, 'b')).toBe(false);
    expect(handled).toEqual(['a']);
    expect(exitCodes).toEqual([ALREADY_HANDLED_EXIT_CODE]);
    expect(log).toEqual([`event e-1 was delivered again: execution ${EXECUTION_A} handles it; exiting 99 so that this execution announces nothing`]);
  });

  test('a rerun of the claiming execution after it finished does nothing more, and exits as it did (no code set)', async () => {
    const { once, handled, exitCodes } = recorder(newStore());
    expect(await once(EXECUTION_A, '1')).toBe(true);
    expect(await once(EXECUTION_A, '2')).toBe(true);
    expect(handled).toEqual(['1']);
    expect(exitCodes).toEqual([]);
  });

  test('a rerun in the same execution resumes what an earlier run did not finish, and not what it finished', async () => {
    const { once, handled } = recorder(newStore());
    await expect(
      once(EXECUTION_A, '1', undefined, () => {
        throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    await once(EXECUTION_A, '2');
    await once(EXECUTION_A, '3');
    expect(handled).toEqual(['2']);
  });

  test('another rule on the same event, in the same service, is other work: both handle it', async () => {
    const { once, handled, exitCodes } = recorder(newStore());
    expect([await once(EXECUTION_A, 'charge'), await once(OTHER_RULE, 'audit')]).toEqual([true, true]);
    expect(handled).toEqual(['charge', 'audit']);
    expect(exitCodes).toEqual([]);
  });

  test('in a flow, each step and each role claims its own: two steps in one service both run, a duplicate execution of a step does not', async () => {
    const { once, handled, exitCodes } = recorder(newStore());
    await once(EXECUTION_A, 'charge', BOOK_CHARGE);
    await once(EXECUTION_A, 'hold', { flow: 'book', step: 'hold', role: 'run' });
    await once(EXECUTION_A, 'undo charge', { ...BOOK_CHARGE, role: 'compensate' });
    await once(EXECUTION_A, 'other flow', { ...BOOK_CHARGE, flow: 'rebook' });
    await once(EXECUTION_B, 'duplicate', BOOK_CHARGE);
    expect(handled).toEqual(['charge', 'hold', 'undo charge', 'other flow']);
    expect(exitCodes).toEqual([ALREADY_HANDLED_EXIT_CODE]);
  });

  test('the claim key: the event, the state machine from the execution ARN, and the flow step and role', () => {
    expect(claimKey({ id: 'e-1', executionArn: EXECUTION_A }, undefined)).toBe('e-1 dev-booking-charge-payment');
    expect(claimKey({ id: 'e-1', executionArn: EXECUTION_A }, BOOK_CHARGE)).toBe('e-1 dev-booking-charge-payment book/charge run');
    expect(claimKey({ id: 'e-1', executionArn: undefined }, undefined)).toBe('e-1 unknown state machine');
  });
});
