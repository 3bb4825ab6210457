/**
 * Plan summaries never print a sensitive value: masks of `true` at any level (the whole resource
 * included), one-sided masks, masks shaped differently from their value, values becoming sensitive.
 * Hand-picked cases first, then a property: random plans with random masks, and no masked leaf in
 * the output.
 */
import fc from 'fast-check';
import { parsePlan, renderSummary } from '../../plan-review';

const plan = (type: string, change: Record<string, unknown>, actions = ['update']) => ({
  format_version: '1.2',
  resource_changes: [{ address: `${type}.x`, mode: 'managed', type, name: 'x', change: { actions, after_unknown: {}, ...change } }],
});

const markdownOf = (json: unknown): string => renderSummary({ title: 'dev', plans: [parsePlan(json, 'dev-x')], errors: [] }).markdown;

const policy = (resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }] });

describe('sensitive values: hand-picked cases', () => {
  it('a wholly sensitive resource (mask `true`): no attribute, no diff, no risk detail', () => {
    const markdown = markdownOf(
      plan('aws_iam_role_policy', {
        before: { name: 'OLDNAME', policy: policy('arn:aws:s3:::OLDSECRET/*') },
        after: { name: 'NEWNAME', policy: policy('*') },
        before_sensitive: true,
        after_sensitive: true,
      }),
    );
    expect(markdown).not.toMatch(/OLDNAME|NEWNAME|OLDSECRET|s3:GetObject/);
    expect(markdown).toContain('| 🟡 update | `aws_iam_role_policy.x` | all values sensitive |');
    expect(markdown).toContain('  - `policy`: the document is sensitive: no diff shown');
    expect(markdown).toContain('`policy` is sensitive or the plan has no sensitivity data: cannot be checked');
  });

  it('a whole-resource mask on one side only hides both sides', () => {
    const markdown = markdownOf(
      plan('aws_security_group_rule', {
        before: { cidr_blocks: ['10.0.0.0/8'], description: 'BEFORE-SECRET', from_port: 1, to_port: 1, protocol: 'tcp', type: 'ingress' },
        after: { cidr_blocks: ['0.0.0.0/0'], description: 'AFTER-SECRET', from_port: 1, to_port: 1, protocol: 'tcp', type: 'ingress' },
        before_sensitive: {},
        after_sensitive: true,
      }),
    );
    expect(markdown).not.toMatch(/BEFORE-SECRET|AFTER-SECRET|10\.0\.0\.0\/8|0\.0\.0\.0\/0/);
    expect(markdown).toContain('its addresses or ports are sensitive or the plan has no sensitivity data: cannot be checked');
  });

  it('a value that becomes sensitive: its old value is hidden too', () => {
    const markdown = markdownOf(
      plan('aws_db_instance', {
        before: { password: 'OLD-PASSWORD', port: 5432 },
        after: { password: 'NEW-PASSWORD', port: 5433 },
        before_sensitive: {},
        after_sensitive: { password: true },
      }),
    );
    expect(markdown).not.toMatch(/OLD-PASSWORD|NEW-PASSWORD/);
    expect(markdown).toContain('`password`: (sensitive) → (sensitive)');
    expect(markdown).toContain('`port`: `5432` → `5433`');
  });

  it('a mask on the old side only hides the new value too', () => {
    const markdown = markdownOf(
      plan('aws_db_instance', { before: { password: 'OLD-PASSWORD' }, after: { password: 'NEW-PASSWORD' }, before_sensitive: { password: true }, after_sensitive: {} }),
    );
    expect(markdown).not.toMatch(/OLD-PASSWORD|NEW-PASSWORD/);
  });

  it('masks shaped differently from their value hide the whole value', () => {
    const markdown = markdownOf(
      plan('aws_ecs_task_definition', {
        before: { env: ['A=1', 'TOKEN=LIST-SECRET'], command: 'STRING-SECRET', tags: { k: 'MAP-SECRET' }, other: 'weird-mask-SECRET' },
        after: { env: ['A=2', 'TOKEN=LIST-SECRET2'], command: 'STRING-SECRET2', tags: { k: 'MAP-SECRET2' }, other: 'weird-mask-SECRET2' },
        // a map mask on a list, a nested mask on a string, a list mask on a map, a mask that is not a boolean
        before_sensitive: { env: { 1: true }, command: { part: true }, tags: [true], other: 'yes' },
        after_sensitive: {},
      }),
    );
    expect(markdown).not.toMatch(/SECRET/);
    expect(markdown).toContain('`command`: (sensitive) → (sensitive)');
    expect(markdown).toContain('`env`: (sensitive) → (sensitive)');
  });

  it('a sensitive definition on one side only gets no diff', () => {
    const asl = (state: string) => JSON.stringify({ StartAt: state, States: { [state]: { Type: 'Pass', End: true } } });
    const markdown = markdownOf(
      plan('aws_sfn_state_machine', {
        before: { definition: asl('OldSecretState') },
        after: { definition: asl('NewSecretState') },
        before_sensitive: { definition: true },
        after_sensitive: {},
      }),
    );
    expect(markdown).not.toMatch(/SecretState/);
    expect(markdown).toContain('  - `definition`: the document is sensitive: no diff shown');
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random plans, random masks.

type Tree = string | Tree[] | { [key: string]: Tree };

const KEYS = ['definition', 'policy', 'assume_role_policy', 'cidr_ipv4', 'cidr_blocks', 'ingress', 'egress', 'policy_arn', 'name', 'tags', 'env', 'block_public_acls', 'principal', 'acl'];
const DOCUMENT_KEYS = new Set(['definition', 'policy', 'assume_role_policy']);
const TYPES = [
  'aws_sfn_state_machine',
  'aws_iam_role_policy',
  'aws_iam_role',
  'aws_vpc_security_group_egress_rule',
  'aws_security_group',
  'aws_s3_bucket_policy',
  'aws_kms_key',
  'aws_s3_bucket_public_access_block',
  'aws_iam_role_policy_attachment',
  'aws_lambda_permission',
  'aws_s3_bucket_acl',
  'aws_ecs_task_definition',
  'custom_thing',
];
const ACTIONS = [['update'], ['delete', 'create'], ['create', 'delete'], ['delete'], ['create']];

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A shape with `LEAF` placeholders; tokens are assigned afterwards so every leaf is unique. */
const shape: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant('LEAF'),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 3 }),
  ),
})).node;

const weirdMask = fc.constantFrom<unknown>(true, false, undefined, null, 1, 'yes', [true], { x: true }, { 0: true }, [], {});

/** A random mask for a value: matching its shape, mismatched, `true` anywhere, or nonsense. */
const maskFor = (value: unknown): fc.Arbitrary<unknown> => {
  if (Array.isArray(value)) {
    const items = fc.tuple(...value.map(maskFor));
    return fc.oneof(
      weirdMask,
      items,
      items.map((masks) => Object.fromEntries(masks.map((m, i) => [String(i), m]))),
    );
  }
  if (isRecord(value)) {
    const entries = Object.keys(value).map((key) => fc.tuple(fc.constant(key), maskFor(value[key])));
    const record = fc
      .tuple(...entries)
      .chain((pairs) => fc.subarray(pairs))
      .map((pairs) => Object.fromEntries(pairs));
    return fc.oneof(
      weirdMask,
      record,
      record.map((r) => Object.values(r)),
    );
  }
  return fc.oneof(weirdMask, fc.constant(true), fc.record({ deeper: fc.constant(true) }));
};

let counter = 0;
const tokenize = (tree: Tree): unknown => {
  if (tree === 'LEAF') return `sek${counter++}x`;
  if (Array.isArray(tree)) return tree.map(tokenize);
  if (typeof tree === 'string') return tree;
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, tokenize(v)]));
};

/** The new side: each leaf kept (same token, same place) or replaced, keys dropped or added. */
const mutate = (value: unknown): fc.Arbitrary<unknown> => {
  if (typeof value === 'string') return fc.boolean().map((keep) => (keep ? value : `sek${counter++}x`));
  if (Array.isArray(value)) return fc.tuple(...value.map(mutate)).chain((items) => fc.subarray(items, { minLength: 0 }));
  if (isRecord(value)) {
    return fc.tuple(...Object.entries(value).map(([k, v]) => mutate(v).map((m) => [k, m] as const)), shape).chain(([...parts]) => {
      const extra = parts.pop() as Tree;
      return fc.subarray(parts as (readonly [string, unknown])[]).map((kept) => ({ ...Object.fromEntries(kept), ...(isRecord(extra) ? (tokenize(extra) as object) : {}) }));
    });
  }
  return fc.constant(value);
};

/** Documents are JSON strings in plans: serialize those attributes (their tokens stay inside). */
const asResource = (value: unknown): Record<string, unknown> => {
  const record = isRecord(value) ? value : { name: value };
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, DOCUMENT_KEYS.has(k) && typeof v !== 'string' ? JSON.stringify(v) : v]));
};

const childLoose = (mask: unknown, key: string | number): unknown => {
  if (Array.isArray(mask)) return typeof key === 'number' || /^\d+$/.test(String(key)) ? mask[Number(key)] : undefined;
  return isRecord(mask) ? mask[String(key)] : undefined;
};
const marks = (mask: unknown): boolean => mask === true || (mask !== undefined && mask !== null && mask !== false && typeof mask !== 'object');
const hasTrue = (mask: unknown): boolean => marks(mask) || (Array.isArray(mask) ? mask.some(hasTrue) : isRecord(mask) && Object.values(mask).some(hasTrue));

const TOKEN = /sek\d+x/g;

/** Tokens of every leaf, split by whether a mask (either side's, walked loosely) marks it or a parent. */
const leaves = (value: unknown, masks: unknown[], into: { masked: Set<string>; clear: Set<string> }): void => {
  if (masks.some(marks)) {
    for (const token of JSON.stringify(value ?? null).match(TOKEN) ?? []) into.masked.add(token);
    return;
  }
  if (typeof value === 'string') {
    const target = masks.some(hasTrue) ? into.masked : into.clear; // a mask deeper than its value
    for (const token of value.match(TOKEN) ?? []) target.add(token);
    return;
  }
  if (Array.isArray(value))
    value.forEach((v, i) =>
      leaves(
        v,
        masks.map((m) => childLoose(m, i)),
        into,
      ),
    );
  else if (isRecord(value))
    for (const [k, v] of Object.entries(value))
      leaves(
        v,
        masks.map((m) => childLoose(m, k)),
        into,
      );
};

const resourceChange = fc
  .tuple(shape, fc.constantFrom(...TYPES), fc.constantFrom(...ACTIONS))
  .chain(([tree, type, actions]) => {
    const before = asResource(tokenize(isRecord(tree) ? tree : { name: tree }));
    return fc.tuple(fc.constant(type), fc.constant(actions), fc.constant(before), mutate(before).map(asResource));
  })
  .chain(([type, actions, before, after]) =>
    fc.record({
      type: fc.constant(type),
      actions: fc.constant(actions),
      before: fc.constant(before),
      after: fc.constant(after),
      before_sensitive: fc.oneof(maskFor(before), fc.constant({})),
      after_sensitive: fc.oneof(maskFor(after), fc.constant({})),
      after_unknown: fc.oneof(fc.constant({}), maskFor(after)),
    }),
  );

describe('sensitive values: property', () => {
  it('random plans with random masks: no masked leaf appears in the summary', () => {
    fc.assert(
      fc.property(fc.array(resourceChange, { minLength: 1, maxLength: 3 }), (changes) => {
        const json = {
          format_version: '1.2',
          resource_changes: changes.map((c, i) => ({
            address: `${c.type}.r${i}`,
            mode: 'managed',
            type: c.type,
            name: `r${i}`,
            change: {
              actions: c.actions,
              before: c.actions[0] === 'create' && c.actions.length === 1 ? null : c.before,
              after: c.actions.length === 1 && c.actions[0] === 'delete' ? null : c.after,
              after_unknown: c.after_unknown,
              before_sensitive: c.before_sensitive,
              after_sensitive: c.after_sensitive,
            },
          })),
        };
        const tokens = { masked: new Set<string>(), clear: new Set<string>() };
        for (const rc of json.resource_changes) {
          const masks = [rc.change.before_sensitive, rc.change.after_sensitive];
          leaves(rc.change.before, masks, tokens);
          leaves(rc.change.after, masks, tokens);
        }
        const markdown = renderSummary({ title: 'dev', plans: [parsePlan(json, 'dev-p')], errors: [] }).markdown;
        // A token that also sits unmasked somewhere (e.g. moved within a list) may legitimately show.
        const leaked = (markdown.match(TOKEN) ?? []).filter((token) => tokens.masked.has(token) && !tokens.clear.has(token));
        expect(leaked).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('the generator produces masked leaves, and unmasked ones that the summary does print', () => {
    // Guards the property above against a generator that never masks or a summary that prints nothing.
    const samples = fc.sample(fc.array(resourceChange, { minLength: 1, maxLength: 3 }), { numRuns: 200, seed: 42 });
    let masked = 0;
    let printed = 0;
    for (const changes of samples) {
      const tokens = { masked: new Set<string>(), clear: new Set<string>() };
      for (const c of changes) {
        leaves(c.before, [c.before_sensitive, c.after_sensitive], tokens);
        leaves(c.after, [c.before_sensitive, c.after_sensitive], tokens);
      }
      masked += tokens.masked.size;
      const json = { format_version: '1.2', resource_changes: changes.map((c, i) => ({ address: `${c.type}.r${i}`, mode: 'managed', type: c.type, change: { ...c } })) };
      printed += (renderSummary({ plans: [parsePlan(json, 'dev-p')], errors: [] }).markdown.match(TOKEN) ?? []).length;
    }
    expect(masked).toBeGreaterThan(100);
    expect(printed).toBeGreaterThan(100);
  });
});
