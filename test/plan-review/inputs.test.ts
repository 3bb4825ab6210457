/**
 * plan-review/inputs.ts on its own: the files given to the summary sorted into plans, stack errors
 * and unusable files (named, with the reason), and each file's stack name.
 */
import { readSummaryInputs, STACK_ERROR_SUFFIX, stackNameOfFile } from '../../plan-review/inputs';
import { fixtureJson } from './helpers';

describe('each rule on its smallest input', () => {
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
});

describe('each message exact, each bound on both sides', () => {
  const PLAN = { format_version: '1.2', resource_changes: [] };
  const STACK_ERROR = { kind: 'stack-error', stack: 'dev-base', step: 'plan', exitCode: 1, message: 'Error: boom' };

  describe('stackNameOfFile', () => {
    it.each([
      ['plans/dev-base.json', 'dev-base'],
      ['dev-base.json', 'dev-base'],
      ['plans\\dev-base.json', 'dev-base'],
      ['a/b\\c/dev-base.error.json', 'dev-base'],
      ['plans/dev-base.error.json', 'dev-base'],
      ['plans/dev.json.txt', 'dev.json.txt'],
      ['plans/dev-base', 'dev-base'],
      ['plans/dev.json.json', 'dev.json'],
      ['plans/dev.error.json.json', 'dev.error.json'],
      ['plans/dev-errorxjson', 'dev-errorxjson'],
      ['plans/dev-base.jsonx', 'dev-base.jsonx'],
      ['plans/', ''],
    ])('%s → %s', (file, stack) => {
      expect(stackNameOfFile(file)).toBe(stack);
    });

    it('names the marker suffix the plan command writes', () => {
      expect(STACK_ERROR_SUFFIX).toBe('.error.json');
    });
  });

  describe('readSummaryInputs', () => {
    it('returns empty lists for no files', () => {
      expect(readSummaryInputs([])).toStrictEqual({ plans: [], errors: [], unusable: [] });
    });

    it('sorts plans, stack errors and unusable files, keeping their order and naming each', () => {
      const result = readSummaryInputs([
        { name: 'plans/dev-base.json', json: PLAN },
        { name: 'plans/dev-base.error.json', json: STACK_ERROR },
        { name: 'plans/dev-orders.json', unreadable: 'EACCES: permission denied' },
        { name: 'plans/dev-app.json', json: { ...PLAN, format_version: '2.0' } },
        { name: 'plans/dev-pay.error.json', json: { kind: 'stack-error', stack: 'dev-pay' } },
        { name: 'plans/dev-two.json', json: { format_version: '0.1' } },
      ]);
      expect(result.plans.map((plan) => [plan.stack, plan.formatVersion])).toStrictEqual([
        ['dev-base', '1.2'],
        ['dev-two', '0.1'],
      ]);
      expect(result.errors).toStrictEqual([{ kind: 'stack-error', stack: 'dev-base', step: 'plan', exitCode: 1, message: 'Error: boom' }]);
      expect(result.unusable).toStrictEqual([
        { file: 'plans/dev-orders.json', stack: 'dev-orders', message: 'EACCES: permission denied' },
        { file: 'plans/dev-app.json', stack: 'dev-app', message: 'dev-app: unsupported plan format_version "2.0" (supported: 0.1 to 1.x)' },
        {
          file: 'plans/dev-pay.error.json',
          stack: 'dev-pay',
          message: 'plans/dev-pay.error.json: a stack error marker needs "stack", "step" and "message" strings and an integer or null "exitCode"',
        },
      ]);
    });

    it('names a plan by its file, not by anything inside it', () => {
      expect(readSummaryInputs([{ name: 'x/prod-core.json', json: PLAN }]).plans[0]).toStrictEqual({
        stack: 'prod-core',
        formatVersion: '1.2',
        changes: [],
        outputChanges: [],
        errored: false,
        failedChecks: [],
      });
    });

    it('lists a file that is not JSON of a plan as unusable', () => {
      expect(readSummaryInputs([{ name: 'dev.json', json: 'text' }]).unusable).toStrictEqual([
        { file: 'dev.json', stack: 'dev', message: 'dev: a plan must be a JSON object (output of "terraform show -json <planfile>")' },
      ]);
    });

    it('lets an error that is not a plan format error through', () => {
      const hostile = {
        get format_version(): string {
          throw new RangeError('getter failed');
        },
      };
      expect(() => readSummaryInputs([{ name: 'dev.json', json: hostile }])).toThrow(new RangeError('getter failed'));
    });
  });
});
