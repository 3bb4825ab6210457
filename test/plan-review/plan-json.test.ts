/**
 * plan-review/plan-json.ts on its own: Terraform's machine-readable plan validated and normalized,
 * each malformed part refused with an error naming the stack and where (a hostile or foreign file must
 * be named and refused, never half-read), and the fields of each format version read only where they
 * exist. Two sets of cases, written separately while the module's mutation score was raised; each on
 * the smallest plan that shows its rule.
 */
import { actionOf, isStackError, MAX_PLAN_NESTING, nestedDeeperThan, parsePlan, parseStackError, PlanFormatError, type ResourceChange } from '../../plan-review/plan-json';

describe('each rule on its smallest input', () => {
  const change = (actions: string[], more: Record<string, unknown> = {}) => ({ actions, ...more });
  const resource = (more: Record<string, unknown> = {}) => ({ address: 'aws_sqs_queue.q', type: 'aws_sqs_queue', change: change(['create']), ...more });
  const plan = (more: Record<string, unknown> = {}) => ({ format_version: '1.2', ...more });
  const refused = (json: unknown) => {
    try {
      parsePlan(json, 'dev-x');
    } catch (error) {
      expect(error).toBeInstanceOf(PlanFormatError);
      return (error as Error).message;
    }
    throw new Error('not refused');
  };

  describe('actionOf', () => {
    test.each(['no-op', 'create', 'read', 'update', 'delete', 'forget'])('%s is itself', (action) => {
      expect(actionOf([action], 'here')).toStrictEqual({ action });
    });
    test('a replace, and which half comes first', () => {
      expect(actionOf(['delete', 'create'], 'here')).toStrictEqual({ action: 'replace', replaceOrder: 'delete-first' });
      expect(actionOf(['create', 'delete'], 'here')).toStrictEqual({ action: 'replace', replaceOrder: 'create-first' });
    });
    test('an unknown list names where and what', () => {
      expect(() => actionOf(['create', 'update'], 'dev: r')).toThrow(new PlanFormatError('dev: r: unknown action list [create, update]'));
      expect(() => actionOf([], 'dev: r')).toThrow('dev: r: unknown action list []');
    });
  });

  describe('nestedDeeperThan', () => {
    const nest = (levels: number): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
      return value;
    };
    test('exactly at the limit is not deeper; one more is', () => {
      expect(nestedDeeperThan(nest(3), 3)).toBe(false);
      expect(nestedDeeperThan(nest(4), 3)).toBe(true);
      expect(nestedDeeperThan(nest(MAX_PLAN_NESTING), MAX_PLAN_NESTING)).toBe(false);
      expect(nestedDeeperThan(nest(MAX_PLAN_NESTING + 1), MAX_PLAN_NESTING)).toBe(true);
      expect(MAX_PLAN_NESTING).toBe(256);
    });
    test('scalars and null are no level; every branch is walked, not only the last', () => {
      expect(nestedDeeperThan('x', 0)).toBe(false);
      expect(nestedDeeperThan(null, 0)).toBe(false);
      expect(nestedDeeperThan({}, 0)).toBe(true);
      expect(nestedDeeperThan({ a: null, b: 1 }, 1)).toBe(false);
      expect(nestedDeeperThan({ deep: { x: { y: 1 } }, flat: 1 }, 2)).toBe(true);
      expect(nestedDeeperThan({ flat: 1, deep: { x: { y: 1 } } }, 2)).toBe(true);
    });
  });

  describe('parsePlan', () => {
    test('a plan normalized: its stack and version, changes, outputs, errored, failed checks', () => {
      expect(parsePlan(plan({ resource_changes: [resource()] }), 'dev-x')).toStrictEqual({
        stack: 'dev-x',
        formatVersion: '1.2',
        changes: [{ address: 'aws_sqs_queue.q', type: 'aws_sqs_queue', mode: 'managed', action: 'create', change: change(['create']) }],
        outputChanges: [],
        errored: false,
        failedChecks: [],
      });
      expect(parsePlan(plan(), 's').changes).toEqual([]);
      expect(parsePlan(plan({ errored: true }), 's').errored).toBe(true);
      expect(parsePlan(plan({ errored: 'yes' }), 's').errored).toBe(false);
    });

    test('format versions 0.x and 1.x are read; anything else is refused', () => {
      for (const version of ['0.1', '0.2', '1.0', '1.2', '1.10']) expect(parsePlan({ format_version: version }, 's').formatVersion).toBe(version);
      expect(refused({ format_version: '2.0' })).toBe('dev-x: unsupported plan format_version "2.0" (supported: 0.1 to 1.x)');
      for (const version of ['1', '1.2.3', 'v1.2', '1.x', '11.0']) expect(refused({ format_version: version })).toContain('unsupported plan format_version');
      expect(refused({ format_version: 1.2 })).toBe('dev-x: missing "format_version"; is this the output of "terraform show -json <planfile>"?');
      expect(refused({})).toContain('missing "format_version"');
    });

    test('not an object: refused', () => {
      for (const json of [null, [], 'plan', 3]) expect(refused(json)).toBe('dev-x: a plan must be a JSON object (output of "terraform show -json <planfile>")');
    });

    test('nested deeper than any plan: refused before it is walked', () => {
      let deep: unknown = 1;
      for (let i = 0; i < MAX_PLAN_NESTING; i++) deep = [deep];
      expect(refused(plan({ x: deep }))).toBe('dev-x: the plan nests deeper than 256 levels; no Terraform plan does, refusing to read it');
    });

    test('resource_changes must be a list of objects with an address, a type and a list of actions', () => {
      expect(refused(plan({ resource_changes: {} }))).toBe('dev-x: "resource_changes" must be a list');
      expect(refused(plan({ resource_changes: [resource(), 'x'] }))).toBe('dev-x: resource_changes[1]: expected an object with "address" and "type"');
      expect(refused(plan({ resource_changes: [resource({ address: 1 })] }))).toContain('resource_changes[0]: expected an object');
      expect(refused(plan({ resource_changes: [resource({ type: null })] }))).toContain('resource_changes[0]: expected an object');
      const actions = 'dev-x: resource_changes[0] (aws_sqs_queue.q): expected "change.actions" to be a list of strings';
      expect(refused(plan({ resource_changes: [resource({ change: 'create' })] }))).toBe(actions);
      expect(refused(plan({ resource_changes: [resource({ change: { actions: 'create' } })] }))).toBe(actions);
      expect(refused(plan({ resource_changes: [resource({ change: { actions: ['create', 1] } })] }))).toBe(actions);
      expect(refused(plan({ resource_changes: [resource({ change: change(['create', 'update']) })] }))).toBe(
        'dev-x: resource_changes[0] (aws_sqs_queue.q): unknown action list [create, update]',
      );
    });

    test('data sources: by mode, or by address at the root or in a module', () => {
      const modeOf = (more: Record<string, unknown>) => parsePlan(plan({ resource_changes: [resource(more)] }), 's').changes[0]!.mode;
      expect(modeOf({ mode: 'data' })).toBe('data');
      expect(modeOf({ address: 'data.aws_iam_policy_document.p' })).toBe('data');
      expect(modeOf({ address: 'module.m.data.aws_region.r' })).toBe('data');
      expect(modeOf({ mode: 'managed' })).toBe('managed');
      expect(modeOf({ address: 'aws_s3_bucket.data' })).toBe('managed');
      expect(modeOf({ address: 'module.data_x.aws_s3_bucket.b' })).toBe('managed');
    });

    test('a moved, imported, deposed resource and why it changes, each only when given', () => {
      const [moved] = parsePlan(
        plan({
          resource_changes: [
            resource({ previous_address: 'aws_sqs_queue.old', action_reason: 'replace_because_tainted', deposed: 'abc123', change: change(['no-op'], { importing: { id: 'q-url' } }) }),
          ],
        }),
        's',
      ).changes;
      expect(moved).toMatchObject({ previousAddress: 'aws_sqs_queue.old', actionReason: 'replace_because_tainted', deposed: 'abc123', importId: 'q-url', action: 'no-op' });
      const [plain] = parsePlan(plan({ resource_changes: [resource({ previous_address: 'aws_sqs_queue.q', action_reason: null, deposed: '' })] }), 's').changes;
      expect(plain).toStrictEqual({ address: 'aws_sqs_queue.q', type: 'aws_sqs_queue', mode: 'managed', action: 'create', change: change(['create']) });
      // An import by identity (Terraform 1.12) has no id: imported all the same.
      const [byIdentity] = parsePlan(plan({ resource_changes: [resource({ change: change(['create'], { importing: { identity: { name: 'q' } } }) })] }), 's').changes;
      expect(byIdentity!.importId).toBe('');
      const [noImport] = parsePlan(plan({ resource_changes: [resource({ change: change(['create'], { importing: null }) })] }), 's').changes;
      expect(noImport).not.toHaveProperty('importId');
    });

    test('malformed optional fields are refused, naming the field', () => {
      const at = 'dev-x: resource_changes[0] (aws_sqs_queue.q)';
      expect(refused(plan({ resource_changes: [resource({ previous_address: 3 })] }))).toBe(`${at}: "previous_address" must be a string`);
      expect(refused(plan({ resource_changes: [resource({ action_reason: {} })] }))).toBe(`${at}: "action_reason" must be a string`);
      expect(refused(plan({ resource_changes: [resource({ deposed: true })] }))).toBe(`${at}: "deposed" must be a string`);
      expect(refused(plan({ resource_changes: [resource({ change: change(['create'], { importing: 'q' }) })] }))).toBe(`${at}: "change.importing" must be an object`);
      expect(refused(plan({ resource_changes: [resource({ change: change(['create'], { importing: { id: 7 } }) })] }))).toBe(`${at} change.importing: "id" must be a string`);
    });

    test('replace_paths: a list of paths of names and indexes, or absent', () => {
      const message = 'dev-x: resource_changes[0] (aws_sqs_queue.q): "change.replace_paths" must be a list of paths (lists of names and indexes)';
      const paths = (replace_paths: unknown) => plan({ resource_changes: [resource({ change: change(['delete', 'create'], { replace_paths }) })] });
      expect(parsePlan(paths([['name'], ['tags', 0]]), 's').changes[0]!.action).toBe('replace');
      expect(parsePlan(paths(null), 's').changes).toHaveLength(1);
      expect(refused(paths('name'))).toBe(message);
      expect(refused(paths(['name']))).toBe(message);
      expect(refused(paths([['name', true]]))).toBe(message);
      // Every path, not only the first.
      expect(refused(paths([['name'], 'tags']))).toBe(message);
    });

    test('output changes: their action, and sensitive when either side has any mark', () => {
      const outputs = parsePlan(
        plan({
          output_changes: {
            url: change(['create'], { after_sensitive: false }),
            secret: change(['update'], { before_sensitive: false, after_sensitive: true }),
            old: change(['delete'], { before_sensitive: { nested: [false, true] } }),
          },
        }),
        's',
      ).outputChanges;
      expect(outputs).toStrictEqual([
        { name: 'url', action: 'create', sensitive: false },
        { name: 'secret', action: 'update', sensitive: true },
        { name: 'old', action: 'delete', sensitive: true },
      ]);
      expect(parsePlan(plan({ output_changes: null }), 's').outputChanges).toEqual([]);
      expect(refused(plan({ output_changes: [] }))).toBe('dev-x: "output_changes" must be an object of output names to changes');
      expect(refused(plan({ output_changes: { url: { actions: 'create' } } }))).toBe('dev-x: output_changes.url: expected "change.actions" to be a list of strings');
    });

    test('failed checks: each failing or erroring instance with its messages; passing and unknown ones are not listed', () => {
      const failedChecks = parsePlan(
        plan({
          checks: [
            {
              address: { kind: 'resource', to_display: 'aws_sqs_queue.q' },
              status: 'fail',
              instances: [
                { address: { to_display: 'aws_sqs_queue.q[0]' }, status: 'fail', problems: [{ message: 'too small' }, { nope: 1 }, 'x'] },
                { address: { to_display: 'aws_sqs_queue.q[1]' }, status: 'pass' },
                { status: 'error', problems: 'not a list' },
                'not an instance',
                null,
              ],
            },
            { address: { kind: 'check', to_display: 'check.health' }, status: 'pass', instances: [{ status: 'pass' }] },
            { address: { to_display: 'var.size' }, status: 'unknown' },
            'not a check',
            null,
          ],
        }),
        's',
      ).failedChecks;
      expect(failedChecks).toStrictEqual([
        { address: 'aws_sqs_queue.q[0]', kind: 'resource', status: 'fail', messages: ['too small', '(no message)', '(no message)'] },
        { address: 'aws_sqs_queue.q', kind: 'resource', status: 'error', messages: [] },
      ]);
    });

    test('a check that fails as a whole, with no instance to blame; unnamed and kindless ones are shown, not dropped', () => {
      const failedChecks = parsePlan(
        plan({
          checks: [
            { address: { kind: 'output_value', to_display: 'output.url' }, status: 'error' },
            { status: 'fail', instances: 'none' },
            { address: { kind: 3, to_display: 4 }, status: 'fail', instances: [] },
            { address: { to_display: 'check.ok' }, status: 'pass', instances: [] },
          ],
        }),
        's',
      ).failedChecks;
      expect(failedChecks).toStrictEqual([
        { address: 'output.url', kind: 'output_value', status: 'error', messages: [] },
        { address: '(unnamed check)', kind: 'check', status: 'fail', messages: [] },
        { address: '(unnamed check)', kind: 'check', status: 'fail', messages: [] },
      ]);
      expect(parsePlan(plan({ checks: null }), 's').failedChecks).toEqual([]);
      expect(refused(plan({ checks: {} }))).toBe('dev-x: "checks" must be a list');
    });
  });

  describe('stack error markers', () => {
    const marker = { kind: 'stack-error', stack: 'dev-base', step: 'plan', exitCode: 1, message: 'Error: no credentials' };
    test('recognized by their kind', () => {
      expect(isStackError(marker)).toBe(true);
      expect(isStackError({ ...marker, kind: 'plan' })).toBe(false);
      expect(isStackError([marker])).toBe(false);
      expect(isStackError(null)).toBe(false);
    });
    test('read with an integer or null exit code; anything else refused, naming the file', () => {
      expect(parseStackError(marker, 'f')).toStrictEqual(marker);
      expect(parseStackError({ ...marker, exitCode: null, extra: 1 }, 'f')).toStrictEqual({ ...marker, exitCode: null });
      const message = 'plans/dev-base.error.json: a stack error marker needs "stack", "step" and "message" strings and an integer or null "exitCode"';
      for (const bad of [
        null,
        { ...marker, kind: 'x' },
        { ...marker, stack: 1 },
        { ...marker, step: undefined },
        { ...marker, exitCode: 1.5 },
        { ...marker, exitCode: '1' },
        { ...marker, message: null },
      ]) {
        expect(() => parseStackError(bad, 'plans/dev-base.error.json')).toThrow(new PlanFormatError(message));
      }
    });
  });
});

describe('each message exact, each bound on both sides', () => {
  const plan = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({ format_version: '1.2', ...fields });
  const resource = (fields: Record<string, unknown> = {}, change: Record<string, unknown> = {}): Record<string, unknown> => ({
    address: 'aws_sqs_queue.q',
    type: 'aws_sqs_queue',
    change: { actions: ['create'], ...change },
    ...fields,
  });
  const onlyChange = (raw: Record<string, unknown>): ResourceChange => {
    const changes = parsePlan(plan({ resource_changes: [raw] }), 'dev').changes;
    expect(changes).toHaveLength(1);
    return changes[0];
  };
  const refusal = (json: unknown, stack = 'dev'): string => {
    try {
      parsePlan(json, stack);
    } catch (error) {
      expect(error).toBeInstanceOf(PlanFormatError);
      return (error as Error).message;
    }
    throw new Error('parsePlan accepted the plan');
  };
  const nested = (depth: number): unknown => {
    let value: unknown = 'leaf';
    for (let level = 0; level < depth; level++) value = { inner: value };
    return value;
  };

  describe('actionOf', () => {
    it.each(['no-op', 'create', 'read', 'update', 'delete', 'forget'])('maps [%s] to itself', (action) => {
      expect(actionOf([action], 'x')).toStrictEqual({ action });
    });

    it('maps the two replace orders', () => {
      expect(actionOf(['delete', 'create'], 'x')).toStrictEqual({ action: 'replace', replaceOrder: 'delete-first' });
      expect(actionOf(['create', 'delete'], 'x')).toStrictEqual({ action: 'replace', replaceOrder: 'create-first' });
    });

    it('refuses an action list it does not know, naming where and the list', () => {
      expect(() => actionOf(['create', 'update'], 'dev: aws_x.y')).toThrow(new PlanFormatError('dev: aws_x.y: unknown action list [create, update]'));
      expect(() => actionOf([], 'here')).toThrow(new PlanFormatError('here: unknown action list []'));
      expect(() => actionOf(['delete,create'], 'here')).not.toThrow();
      expect(() => actionOf(['Create'], 'here')).toThrow(PlanFormatError);
    });
  });

  describe('nestedDeeperThan', () => {
    it('counts object and list levels against the limit', () => {
      expect(MAX_PLAN_NESTING).toBe(256);
      expect(nestedDeeperThan('text', 0)).toBe(false);
      expect(nestedDeeperThan(null, 0)).toBe(false);
      expect(nestedDeeperThan({}, 0)).toBe(true);
      expect(nestedDeeperThan({}, 1)).toBe(false);
      expect(nestedDeeperThan(nested(3), 2)).toBe(true);
      expect(nestedDeeperThan(nested(3), 3)).toBe(false);
      expect(nestedDeeperThan([[[1]]], 2)).toBe(true);
      expect(nestedDeeperThan([[[1]]], 3)).toBe(false);
      expect(nestedDeeperThan({ a: null, b: 1, c: 'x' }, 1)).toBe(false);
    });

    it('finds the deep branch beside shallow ones, in any position', () => {
      expect(nestedDeeperThan({ a: 1, b: { c: { d: {} } }, e: {} }, 3)).toBe(true);
      expect(nestedDeeperThan({ a: { b: { c: {} } }, z: 1 }, 3)).toBe(true);
      expect(nestedDeeperThan([{}, [[[]]]], 3)).toBe(true);
      expect(nestedDeeperThan([{}, [[[]]]], 4)).toBe(false);
    });

    it('checks a nesting far deeper than the stack allows without overflowing', () => {
      expect(nestedDeeperThan(nested(100_000), MAX_PLAN_NESTING)).toBe(true);
    });
  });

  describe('parsePlan: the plan as a whole', () => {
    it('normalizes an empty plan', () => {
      expect(parsePlan(plan(), 'dev-base')).toStrictEqual({ stack: 'dev-base', formatVersion: '1.2', changes: [], outputChanges: [], errored: false, failedChecks: [] });
      expect(parsePlan(plan({ resource_changes: null, output_changes: null, checks: null }), 'd').changes).toStrictEqual([]);
    });

    it('is errored only when Terraform says so with true', () => {
      expect(parsePlan(plan({ errored: true }), 'd').errored).toBe(true);
      expect(parsePlan(plan({ errored: 'true' }), 'd').errored).toBe(false);
    });

    it('refuses what is not a plan object, naming the stack', () => {
      const notObject = 'dev: a plan must be a JSON object (output of "terraform show -json <planfile>")';
      expect(refusal(null)).toBe(notObject);
      expect(refusal([])).toBe(notObject);
      expect(refusal('{}')).toBe(notObject);
      expect(refusal({}, 'prod-app')).toBe('prod-app: missing "format_version"; is this the output of "terraform show -json <planfile>"?');
      expect(refusal({ format_version: 1.2 })).toBe('dev: missing "format_version"; is this the output of "terraform show -json <planfile>"?');
    });

    it.each(['0.1', '0.2', '1.0', '1.2', '1.10'])('reads format_version %s', (version) => {
      expect(parsePlan({ format_version: version }, 'd').formatVersion).toBe(version);
    });

    it.each(['2.0', '1', '1.', 'v1.2', '1.2 ', ' 1.2', '1.2.3', '10.1', '1.x', ''])('refuses format_version %j', (version) => {
      expect(refusal({ format_version: version })).toBe(`dev: unsupported plan format_version "${version}" (supported: 0.1 to 1.x)`);
    });

    it('refuses a plan nested deeper than the limit and reads one at the limit', () => {
      // The plan object is level 0, resource_changes level 1: a value inside adds its own levels.
      expect(refusal(plan({ extra: nested(MAX_PLAN_NESTING) }))).toBe('dev: the plan nests deeper than 256 levels; no Terraform plan does, refusing to read it');
      expect(parsePlan(plan({ extra: nested(MAX_PLAN_NESTING - 1) }), 'd').changes).toStrictEqual([]);
    });

    it('refuses resource_changes that is not a list', () => {
      expect(refusal(plan({ resource_changes: {} }))).toBe('dev: "resource_changes" must be a list');
    });
  });

  describe('parsePlan: resource changes', () => {
    it('normalizes a change with every optional field', () => {
      const change = { actions: ['delete', 'create'], before: { a: 1 }, after: { a: 2 }, replace_paths: [['a'], ['b', 0]], importing: { id: 'q-1' } };
      expect(
        onlyChange({ address: 'aws_sqs_queue.q', previous_address: 'aws_sqs_queue.old', type: 'aws_sqs_queue', action_reason: 'replace_because_cannot_update', deposed: 'abc', change }),
      ).toStrictEqual({
        address: 'aws_sqs_queue.q',
        type: 'aws_sqs_queue',
        mode: 'managed',
        action: 'replace',
        replaceOrder: 'delete-first',
        previousAddress: 'aws_sqs_queue.old',
        importId: 'q-1',
        actionReason: 'replace_because_cannot_update',
        deposed: 'abc',
        change,
      });
    });

    it('leaves out optional fields that are absent, null, empty or the same as the address', () => {
      expect(onlyChange(resource({ previous_address: 'aws_sqs_queue.q', action_reason: '', deposed: null }))).toStrictEqual({
        address: 'aws_sqs_queue.q',
        type: 'aws_sqs_queue',
        mode: 'managed',
        action: 'create',
        change: { actions: ['create'] },
      });
      expect(onlyChange(resource({ previous_address: '' }))).not.toHaveProperty('previousAddress');
    });

    it('keeps an import without an id as an import of an empty id, and no import for a null one', () => {
      expect(onlyChange(resource({}, { importing: {} })).importId).toBe('');
      expect(onlyChange(resource({}, { importing: { id: null, identity: { arn: 'x' } } })).importId).toBe('');
      expect(onlyChange(resource({}, { importing: null }))).not.toHaveProperty('importId');
    });

    it('takes the mode Terraform writes, even where the address has a module named data', () => {
      expect(onlyChange(resource({ mode: 'data', address: 'x.y' })).mode).toBe('data');
      expect(onlyChange(resource({ mode: 'managed', address: 'module.data.aws_db_instance.main' })).mode).toBe('managed');
      expect(onlyChange(resource({ mode: 'managed', address: 'data.aws_x.y' })).mode).toBe('managed');
    });

    it('without a mode, reads a data source from the address after any module path', () => {
      expect(onlyChange(resource({ address: 'data.aws_iam_policy_document.p' })).mode).toBe('data');
      expect(onlyChange(resource({ address: 'module.m.data.aws_caller_identity.c' })).mode).toBe('data');
      expect(onlyChange(resource({ address: 'module.network.data.aws_caller_identity.c' })).mode).toBe('data');
      expect(onlyChange(resource({ address: 'module.a.module.b["k"].data.aws_region.r' })).mode).toBe('data');
      expect(onlyChange(resource({ address: 'module.a[0].data.aws_region.r' })).mode).toBe('data');
      expect(onlyChange(resource({ mode: 'other', address: 'data.aws_region.r' })).mode).toBe('data');
      expect(onlyChange(resource({ address: 'aws_s3_bucket.data' })).mode).toBe('managed');
      expect(onlyChange(resource({ address: 'module.data.aws_db_instance.main' })).mode).toBe('managed');
      expect(onlyChange(resource({ address: 'module.data[0].aws_db_instance.main' })).mode).toBe('managed');
      expect(onlyChange(resource({ address: 'module.m.aws_s3_bucket.data' })).mode).toBe('managed');
      expect(onlyChange(resource({ address: 'metadata.aws_s3_bucket.b' })).mode).toBe('managed');
      expect(onlyChange(resource({ address: 'xdata.aws_s3_bucket.b' })).mode).toBe('managed');
      expect(onlyChange(resource({ mode: 'other', address: 'aws_s3_bucket.b' })).mode).toBe('managed');
    });

    it('refuses a change without address and type, naming its index', () => {
      const message = (raw: unknown) => refusal(plan({ resource_changes: [resource(), raw] }));
      expect(message(null)).toBe('dev: resource_changes[1]: expected an object with "address" and "type"');
      expect(message([])).toBe('dev: resource_changes[1]: expected an object with "address" and "type"');
      expect(message({ type: 'aws_x', change: { actions: ['create'] } })).toBe('dev: resource_changes[1]: expected an object with "address" and "type"');
      expect(message({ address: 'aws_x.y', type: 3, change: { actions: ['create'] } })).toBe('dev: resource_changes[1]: expected an object with "address" and "type"');
    });

    it('refuses actions that are not a list of strings, naming the address', () => {
      const expected = 'dev: resource_changes[0] (aws_sqs_queue.q): expected "change.actions" to be a list of strings';
      expect(refusal(plan({ resource_changes: [resource({ change: null })] }))).toBe(expected);
      expect(refusal(plan({ resource_changes: [resource({ change: [] })] }))).toBe(expected);
      expect(refusal(plan({ resource_changes: [resource({ change: { actions: 'create' } })] }))).toBe(expected);
      expect(refusal(plan({ resource_changes: [resource({ change: { actions: ['create', 1] } })] }))).toBe(expected);
      expect(refusal(plan({ resource_changes: [resource({ change: { actions: ['explode'] } })] }))).toBe('dev: resource_changes[0] (aws_sqs_queue.q): unknown action list [explode]');
    });

    it('refuses replace_paths that are not lists of names and indexes', () => {
      const expected = 'dev: resource_changes[0] (aws_sqs_queue.q): "change.replace_paths" must be a list of paths (lists of names and indexes)';
      for (const paths of [{}, 'a', ['a'], [['a', true]], [['a'], [null]]]) expect(refusal(plan({ resource_changes: [resource({}, { replace_paths: paths })] }))).toBe(expected);
      expect(onlyChange(resource({}, { replace_paths: null })).action).toBe('create');
      expect(onlyChange(resource({}, { replace_paths: [] })).action).toBe('create');
      expect(onlyChange(resource({}, { replace_paths: [[], ['tags', 0, 'k']] })).action).toBe('create');
    });

    it('refuses an importing that is not an object, and an import id that is not a string', () => {
      expect(refusal(plan({ resource_changes: [resource({}, { importing: 'q-1' })] }))).toBe('dev: resource_changes[0] (aws_sqs_queue.q): "change.importing" must be an object');
      expect(refusal(plan({ resource_changes: [resource({}, { importing: ['q-1'] })] }))).toBe('dev: resource_changes[0] (aws_sqs_queue.q): "change.importing" must be an object');
      expect(refusal(plan({ resource_changes: [resource({}, { importing: { id: 7 } })] }))).toBe('dev: resource_changes[0] (aws_sqs_queue.q) change.importing: "id" must be a string');
    });

    it.each(['previous_address', 'action_reason', 'deposed'])('refuses a %s that is not a string', (field) => {
      expect(refusal(plan({ resource_changes: [resource({ [field]: 1 })] }))).toBe(`dev: resource_changes[0] (aws_sqs_queue.q): "${field}" must be a string`);
    });
  });

  describe('parsePlan: output changes', () => {
    it('reads each output with its action and whether any mark makes it sensitive', () => {
      const outputs = {
        plain: { actions: ['create'], after: 'x', after_sensitive: false },
        secret: { actions: ['update'], before_sensitive: false, after_sensitive: true },
        was: { actions: ['delete'], before_sensitive: true },
        inner: { actions: ['no-op'], before_sensitive: { a: [false, true] }, after_sensitive: {} },
        unmarked: { actions: ['delete', 'create'] },
      };
      expect(parsePlan(plan({ output_changes: outputs }), 'd').outputChanges).toStrictEqual([
        { name: 'plain', action: 'create', sensitive: false },
        { name: 'secret', action: 'update', sensitive: true },
        { name: 'was', action: 'delete', sensitive: true },
        { name: 'inner', action: 'no-op', sensitive: true },
        { name: 'unmarked', action: 'replace', sensitive: false },
      ]);
    });

    it('refuses output_changes that is not an object, and an output without actions', () => {
      expect(refusal(plan({ output_changes: [] }))).toBe('dev: "output_changes" must be an object of output names to changes');
      expect(refusal(plan({ output_changes: 'x' }))).toBe('dev: "output_changes" must be an object of output names to changes');
      expect(refusal(plan({ output_changes: { url: { after: 'x' } } }))).toBe('dev: output_changes.url: expected "change.actions" to be a list of strings');
    });
  });

  describe('parsePlan: failed checks', () => {
    const checksOf = (checks: unknown) => parsePlan(plan({ checks }), 'd').failedChecks;

    it('lists failing and erroring instances with their messages, and nothing for passing ones', () => {
      expect(
        checksOf([
          {
            address: { kind: 'resource', to_display: 'aws_s3_bucket.b' },
            status: 'fail',
            instances: [
              { address: { to_display: 'aws_s3_bucket.b[0]' }, status: 'fail', problems: [{ message: 'must be private' }, { message: 'must be encrypted' }] },
              { address: { to_display: 'aws_s3_bucket.b[1]' }, status: 'pass', problems: [] },
              { address: { to_display: 'aws_s3_bucket.b[2]' }, status: 'error', problems: [{ detail: 'x' }, 'y'] },
              'not an instance',
            ],
          },
          { address: { kind: 'check', to_display: 'check.health' }, status: 'pass', instances: [{ address: { to_display: 'check.health' }, status: 'pass' }] },
        ]),
      ).toStrictEqual([
        { address: 'aws_s3_bucket.b[0]', kind: 'resource', status: 'fail', messages: ['must be private', 'must be encrypted'] },
        { address: 'aws_s3_bucket.b[2]', kind: 'resource', status: 'error', messages: ['(no message)', '(no message)'] },
      ]);
    });

    it('shows a check failing as a whole, and malformed entries with placeholders rather than dropping them', () => {
      expect(
        checksOf([
          { address: { kind: 'output_value', to_display: 'output.url' }, status: 'error' },
          { address: { to_display: 'var.size' }, status: 'fail', instances: [] },
          { status: 'fail', instances: [{ status: 'fail' }] },
          { address: { kind: 7, to_display: 7 }, status: 'fail', instances: 'x' },
          { address: 'check.x', status: 'unknown' },
          'not a check',
          null,
          { address: { to_display: 'check.n' }, status: 'pass', instances: [null, { status: 'pass' }] },
        ]),
      ).toStrictEqual([
        { address: 'output.url', kind: 'output_value', status: 'error', messages: [] },
        { address: 'var.size', kind: 'check', status: 'fail', messages: [] },
        { address: '(unnamed check)', kind: 'check', status: 'fail', messages: [] },
        { address: '(unnamed check)', kind: 'check', status: 'fail', messages: [] },
      ]);
    });

    it('refuses checks that is not a list', () => {
      expect(refusal(plan({ checks: {} }), 'prod')).toBe('prod: "checks" must be a list');
    });
  });

  describe('stack error markers', () => {
    const MARKER = { kind: 'stack-error', stack: 'dev-base', step: 'init', exitCode: 1, message: 'Error: no backend' };
    const NEEDS = 'plans/dev-base.error.json: a stack error marker needs "stack", "step" and "message" strings and an integer or null "exitCode"';

    it('recognizes a marker by its kind only', () => {
      expect(isStackError(MARKER)).toBe(true);
      expect(isStackError({ kind: 'stack-error' })).toBe(true);
      expect(isStackError({ kind: 'plan' })).toBe(false);
      expect(isStackError(null)).toBe(false);
      expect(isStackError([])).toBe(false);
      expect(isStackError('stack-error')).toBe(false);
    });

    it('reads a valid marker, with an integer or null exit code', () => {
      expect(parseStackError(MARKER, 'f')).toStrictEqual(MARKER);
      expect(parseStackError({ ...MARKER, exitCode: null, extra: 'dropped' }, 'f')).toStrictEqual({ ...MARKER, exitCode: null });
    });

    it.each([
      ['not an object', null],
      ['a list', []],
      ['another kind', { ...MARKER, kind: 'plan' }],
      ['no stack', { ...MARKER, stack: undefined }],
      ['no step', { ...MARKER, step: 1 }],
      ['an exit code that is not an integer', { ...MARKER, exitCode: 1.5 }],
      ['an exit code that is text', { ...MARKER, exitCode: '1' }],
      ['no exit code', { ...MARKER, exitCode: undefined }],
      ['no message', { ...MARKER, message: null }],
    ])('refuses a marker with %s', (_, json) => {
      expect(() => parseStackError(json, 'plans/dev-base.error.json')).toThrow(new PlanFormatError(NEEDS));
    });
  });
});
