/** A task process as ECS runs a container: its own group, done when its main process exits, stopped with SIGTERM then SIGKILL. */
import * as path from 'node:path';
import { exitCodeOf, isRunning, type ProcessExit, TaskProcess } from '../../local/task-process';

const fixture = (name: string) => path.join(__dirname, '../fixtures/task-processes', name);

function start(script: string) {
  const lines: string[] = [];
  const task = TaskProcess.start({
    command: [process.execPath, fixture(script)],
    cwd: __dirname,
    env: { PATH: process.env.PATH ?? '' },
    onLine: (stream, line) => lines.push(`${stream}: ${line}`),
  });
  return { task, lines };
}

/** The pid a fixture prints as `child <pid>`. */
async function childPid(lines: string[]): Promise<number> {
  for (let waited = 0; waited < 5000; waited += 20) {
    const line = lines.find((l) => l.startsWith('stdout: child '));
    if (line) return Number(line.slice('stdout: child '.length));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no child pid printed: ${lines.join(' | ')}`);
}

async function gone(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 2000; waited += 20) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('a task process', () => {
  test('is done when its main process exits, even if it left a background child, which is reported and ended', async () => {
    const { task, lines } = start('leaves-a-child.js');
    const exit = await task.exited;
    const child = await childPid(lines);
    expect(exit.exitCode).toBe(0);
    expect(exit.lingering.map((p) => p.pid)).toEqual([child]);
    expect(exit.lingering[0]!.command).toContain('setInterval');
    expect(await gone(child)).toBe(true);
  });

  test('stopping it sends SIGTERM to the whole group: the main process and its child end (exit 143)', async () => {
    const { task, lines } = start('runs-until-stopped.js');
    const child = await childPid(lines);
    const exit: ProcessExit = await task.stop(10_000);
    expect(exit).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
    expect(lines).toContain('stderr: working');
    expect(await gone(child)).toBe(true);
  });

  test('a process that ignores SIGTERM is killed after the stop timeout (exit 137), its grandchildren too', async () => {
    const { task, lines } = start('ignores-sigterm.js');
    const child = await childPid(lines);
    const stopping = Date.now();
    const exit = await task.stop(300);
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(290);
    expect(exit).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    expect(lines).toContain('stdout: got SIGTERM, ignoring it');
    expect(await gone(child)).toBe(true);
  });

  test('a command that cannot start resolves with the reason and no exit code', async () => {
    const task = TaskProcess.start({ command: ['/nonexistent/binary'], cwd: __dirname, env: {} });
    const exit = await task.exited;
    expect(exit.exitCode).toBeNull();
    expect(exit.spawnError).toMatch(/ENOENT/);
  });

  test('exit codes as a container reports them', () => {
    expect(exitCodeOf(3, null)).toBe(3);
    expect(exitCodeOf(null, 'SIGTERM')).toBe(143);
    expect(exitCodeOf(null, 'SIGKILL')).toBe(137);
    expect(exitCodeOf(null, null)).toBeNull();
  });
});
