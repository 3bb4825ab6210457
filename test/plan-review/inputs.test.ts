/**
 * plan-review/inputs.ts on its own: the files given to the summary sorted into plans, stack errors
 * and unusable files (named, with the reason), and each file's stack name.
 */
import { readSummaryInputs, STACK_ERROR_SUFFIX, stackNameOfFile } from '../../plan-review/inputs';
import { fixtureJson } from './helpers';

const stackError = { kind: 'stack-error', stack: 'dev-base', step: 'plan', exitCode: 1, message: 'Error: no credentials' };

describe('stackNameOfFile', () => {
  test('the base name without .json or .error.json, whatever the separators', () => {
    expect(STACK_ERROR_SUFFIX).toBe('.error.json');
    expect(stackNameOfFile('plans/dev-base.json')).toBe('dev-base');
    expect(stackNameOfFile('plans\\dev-base.json')).toBe('dev-base');
    expect(stackNameOfFile('plans/dev-base.error.json')).toBe('dev-base');
    expect(stackNameOfFile('dev-base')).toBe('dev-base');
    // Only the end: a .json inside the name stays.
    expect(stackNameOfFile('a.json.b.json')).toBe('a.json.b');
    expect(stackNameOfFile('a.error.json.json')).toBe('a.error.json');
  });
});

describe('readSummaryInputs', () => {
  test('plans, stack errors and unusable files, each in order and named by stack', () => {
    const { plans, errors, unusable } = readSummaryInputs([
      { name: 'plans/dev-create.json', json: fixtureJson('terraform/create.json') },
      { name: 'plans/dev-base.error.json', json: stackError },
      { name: 'plans/dev-gone.json', unreadable: 'ENOENT: no such file' },
      { name: 'plans/dev-noop.json', json: fixtureJson('terraform/noop.json') },
      { name: 'plans/dev-odd.json', json: { format_version: 'x' } },
      { name: 'plans/dev-bad.error.json', json: { kind: 'stack-error', stack: 'dev-bad' } },
    ]);
    expect(plans.map((plan) => plan.stack)).toEqual(['dev-create', 'dev-noop']);
    expect(errors).toEqual([stackError]);
    expect(unusable).toEqual([
      { file: 'plans/dev-gone.json', stack: 'dev-gone', message: 'ENOENT: no such file' },
      { file: 'plans/dev-odd.json', stack: 'dev-odd', message: 'dev-odd: unsupported plan format_version "x" (supported: 0.1 to 1.x)' },
      {
        file: 'plans/dev-bad.error.json',
        stack: 'dev-bad',
        message: 'plans/dev-bad.error.json: a stack error marker needs "stack", "step" and "message" strings and an integer or null "exitCode"',
      },
    ]);
  });

  test('an error that is not about the file (a bug) is thrown, not listed as an unusable file', () => {
    const broken = {
      get kind(): string {
        throw new TypeError('boom');
      },
    };
    expect(() => readSummaryInputs([{ name: 'plans/dev-x.json', json: broken }])).toThrow(new TypeError('boom'));
  });

  test('nothing given, nothing read', () => {
    expect(readSummaryInputs([])).toEqual({ plans: [], errors: [], unusable: [] });
  });
});
