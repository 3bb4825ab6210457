/* eslint-disable @typescript-eslint/unbound-method -- Error.prepareStackTrace is compared by identity here, never called */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { synthesize } from '../../stacks/app';
import { synthesizeInParallel } from '../../stacks/parallel-synth';
import { CDKTN_CREATION_STACK_ENV, TOKEN_STACKS_ENV, traceSwitch, tokenStackTracesEnabled, withoutTokenStackTraces } from '../../stacks/token-stack-traces';
import { filesBelow } from '../support/synth';

function synthInto(tokenStacks: boolean): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-stacks-'));
  const previous = process.env[TOKEN_STACKS_ENV];
  if (tokenStacks) process.env[TOKEN_STACKS_ENV] = '1';
  else delete process.env[TOKEN_STACKS_ENV];
  try {
    // dev (managed base) and prod (S3 backend, KMS) cover every kind of stack and backend.
    synthesize({ catalog: bookingSaga, environments, outdir, selection: 'dev,prod' });
  } finally {
    if (previous === undefined) delete process.env[TOKEN_STACKS_ENV];
    else process.env[TOKEN_STACKS_ENV] = previous;
  }
  const files = new Map(filesBelow(outdir).map((file) => [path.relative(outdir, file), fs.readFileSync(file, 'utf8')]));
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

describe('token stack traces', () => {
  it('are off only while the function runs, and back on after, even when it throws', () => {
    expect(tokenStackTracesEnabled()).toBe(true);
    expect(withoutTokenStackTraces(() => tokenStackTracesEnabled())).toBe(false);
    expect(() =>
      withoutTokenStackTraces(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(tokenStackTracesEnabled()).toBe(true);
  });

  it('are turned off through cdktf’s module here, and CDK Terrain’s switch is set while the function runs', () => {
    expect(traceSwitch()).toBe('private-module');
    const prepare = Error.prepareStackTrace;
    expect(process.env[CDKTN_CREATION_STACK_ENV]).toBeUndefined();
    expect(withoutTokenStackTraces(() => [process.env[CDKTN_CREATION_STACK_ENV], Error.prepareStackTrace === prepare])).toEqual(['1', true]);
    expect(process.env[CDKTN_CREATION_STACK_ENV]).toBeUndefined();
  });

  it('can be turned off through the public stack trace API instead, which thrown errors do not notice', () => {
    const prepare = Error.prepareStackTrace;
    expect(withoutTokenStackTraces(() => tokenStackTracesEnabled(), 'prepare-stack-trace')).toBe(false);
    expect(Error.prepareStackTrace).toBe(prepare);
    expect(tokenStackTracesEnabled()).toBe(true);
    let thrown: Error | undefined;
    try {
      withoutTokenStackTraces(() => {
        throw new Error('inside');
      }, 'prepare-stack-trace');
    } catch (error) {
      thrown = error as Error;
    }
    // Formatted when first read, after the hook is back: the real trace.
    expect(thrown!.stack).toMatch(/^Error: inside\n\s+at .*token-stack-traces\.test\.ts/);
  });

  it('change nothing in the synthesized output', () => {
    const without = synthInto(false);
    const withTraces = synthInto(true);
    expect([...without.keys()].sort()).toEqual([...withTraces.keys()].sort());
    expect(without.size).toBeGreaterThan(14);
    for (const [file, text] of without) expect(text).toBe(withTraces.get(file));
  });

  it('are recorded by no token while an App is built and synthesized, serially or in batches here', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
    const capture = jest.spyOn(module, 'captureStackTrace');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-stacks-'));
    try {
      synthesize({ catalog: bookingSaga, environments, outdir: path.join(outdir, 'serial'), selection: 'dev' });
      // One worker, and the first batches run in this process before it is ready.
      await synthesizeInParallel({ catalog: bookingSaga, environments, outdir: path.join(outdir, 'parallel'), selection: 'dev', workers: 1 });
      expect(capture).not.toHaveBeenCalled();
      expect(tokenStackTracesEnabled()).toBe(true);
      expect(capture).toHaveBeenCalledTimes(1);
    } finally {
      capture.mockRestore();
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
