/**
 * The task programs' shared runtime: an error exits 1, SIGTERM exits 143 at once. And for real: a
 * task program stopped as the local runner (and ECS) stops a task ends on the SIGTERM, long before
 * the stop timeout's SIGKILL.
 */
import { join } from 'node:path';
import { TaskProcess } from '../../local/task-process';
import { runTaskProgram, SIGTERM_EXIT_CODE, type TaskRuntime } from '../../task-programs/runtime';
import { TS_NODE_ARGS } from '../../tooling/synth';

const ROOT = join(__dirname, '..', '..');

function fakeRuntime() {
  const handlers = new Map<string, () => void>();
  const exits: number[] = [];
  const lines: string[] = [];
  const runtime: TaskRuntime = { onSignal: (signal, handler) => handlers.set(signal, handler), exit: (code) => exits.push(code), error: (line) => lines.push(line) };
  return { runtime, handlers, exits, lines };
}

describe('runTaskProgram', () => {
  it('a main that resolves exits by itself; one that throws exits 1, naming the program and the error', async () => {
    const ok = fakeRuntime();
    await runTaskProgram('payment', async () => undefined, ok.runtime);
    expect(ok.exits).toEqual([]);
    const failing = fakeRuntime();
    await runTaskProgram('payment', () => Promise.reject(new TypeError('no detail')), failing.runtime);
    expect([failing.exits, failing.lines]).toEqual([[1], ['payment: TypeError: no detail']]);
  });

  it('SIGTERM (and SIGINT) end the program at once with 143, whatever main is doing', () => {
    const stopped = fakeRuntime();
    void runTaskProgram('seat', () => new Promise<void>(() => undefined), stopped.runtime);
    expect([...stopped.handlers.keys()]).toEqual(['SIGTERM', 'SIGINT']);
    stopped.handlers.get('SIGTERM')!();
    expect(stopped.exits).toEqual([SIGTERM_EXIT_CODE]);
    expect(SIGTERM_EXIT_CODE).toBe(128 + 15);
    expect(stopped.lines).toEqual(['seat: SIGTERM received (the task is being stopped); exiting with 143, a rerun resumes the work']);
  });
});

describe('a real task program, stopped', () => {
  it('charge-payment hanging on its event ends on SIGTERM with 143 within seconds, not at the SIGKILL 60 s later', async () => {
    const lines: string[] = [];
    let reachedHang!: () => void;
    const hanging = new Promise<void>((resolve) => (reachedHang = resolve));
    const task = TaskProcess.start({
      command: [process.execPath, ...TS_NODE_ARGS, 'task-programs/booking-saga/charge-payment.ts'],
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        eventDelivery: 'environment',
        eventId: 'e-stop',
        eventSource: 'booking-saga.booking',
        eventDetailType: 'BookingCreated',
        eventDetail: JSON.stringify({ bookingId: 'b-stop', seats: [1], amount: 10, simulate: 'hang' }),
      },
      onLine: (_stream, line) => {
        lines.push(line);
        if (line.startsWith('payment: hanging on booking b-stop')) reachedHang();
      },
    });
    // Stopped once it says it hangs on its event (however long start-up takes on a shared machine).
    await Promise.race([hanging, task.exited.then((exit) => Promise.reject(new Error(`it exited before it hung: ${JSON.stringify(exit)}\n${lines.join('\n')}`)))]);
    const started = Date.now();
    const exit = await task.stop(60_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect({ exitCode: exit.exitCode, signal: exit.signal }).toEqual({ exitCode: SIGTERM_EXIT_CODE, signal: null });
    expect(lines).toContain('payment: SIGTERM received (the task is being stopped); exiting with 143, a rerun resumes the work');
  }, 30_000);
});
