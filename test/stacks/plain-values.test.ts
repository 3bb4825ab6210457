import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { App, DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformStack, Token, Tokenization } from 'cdktf';
import fc from 'fast-check';
import { synthesize } from '../../stacks/app';
import { FULL_RESOLVE_ENV, numberMayBeToken, plainValuesFastPathAvailable, resolvePlainValues, stringMayHoldToken, withPlainValuesFastPath } from '../../stacks/plain-values';
import { expectSameTree, synthOutDir, treeOf } from '../support/synth';
import { example } from '../invariants/subject';
import { githubRepository } from '../../environments/github';

const stack = new TerraformStack(new App({ stackTraces: false }), 'values');
const queue = new SqsQueue(stack, 'queue', { name: 'q' });
/** cdktf's own resolution, as `TerraformStack.toTerraform` runs it. */
const libraryResolve = (value: unknown): unknown => Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()), preparing: false });
const fastResolve = (value: unknown): unknown => resolvePlainValues(value, libraryResolve);

/** What resolving gives: the value, or that it threw (messages name paths, which differ). */
function outcome(resolve: (value: unknown) => unknown, value: unknown): { value: unknown } | { threw: true } {
  try {
    return { value: resolve(value) };
  } catch {
    return { threw: true };
  }
}

// Values of every kind cdktf meets: tokens of each encoding, text around them, escapes, numbers
// near the token doubles, and the placeholders cdktf refuses.
const tokenStrings = [
  queue.arn,
  `arn prefix/${queue.name}/suffix {"a": "}"}`,
  `{"Resource": "${queue.arn}", "Other": "${queue.url}"}`,
  Fn.element(Token.asList(queue.arn), 0),
  Lazy.stringValue({ produce: () => 'lazy text' }),
  `$\${literal} ${queue.arn}`,
  `\${not a token} ${queue.id}`,
  // Inside an escape cdktf renders a token without its braces: `${upper(aws_sqs_queue.queue.arn)}`.
  `{"Upper": "\${upper(${queue.arn})}"}`,
  `number ${queue.delaySeconds} inside`,
  Token.STRING_MAP_TOKEN_VALUE,
];
const plainStrings = ['', 'plain', 'arn:aws:sqs:eu-west-1:111111111111:q', '$${escaped}', '%{x}', '{"a":1}', '1e5', '-1.8e+289', 'x'.repeat(300), '9'.repeat(250), 'TfToken'];
const special = fc.constantFrom<unknown>(
  ...tokenStrings,
  ...plainStrings,
  queue.delaySeconds,
  Token.asList(queue.arn),
  Token.asNumberList(queue.delaySeconds),
  Token.asStringMap(queue.arn),
  Token.NUMBER_MAP_TOKEN_VALUE,
  Lazy.anyValue({ produce: () => ({ nested: [1, undefined, 'two'] }) }),
  new Date(0),
  -1e300,
  -1e287,
  Number.NaN,
  undefined,
  null,
  true,
);
const values = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    special,
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...plainStrings, queue.arn)), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('resolvePlainValues', () => {
  it('resolves every value exactly as cdktf does, or refuses what cdktf refuses', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(outcome(fastResolve, value)).toStrictEqual(outcome(libraryResolve, value));
      }),
      { numRuns: 2000 },
    );
  });

  it('copies plain data itself, without undefined values, and hands cdktf only what may hold a token', () => {
    const handed: unknown[] = [];
    const resolveTokens = (part: unknown) => {
      handed.push(part);
      return `resolved:${String(handed.length)}`;
    };
    const lazy = Lazy.stringValue({ produce: () => 'x' });
    // Each read of an attribute makes a new token: read once.
    const arn = queue.arn;
    const list = ['x', Token.asList(arn)[0]];
    const plain = { a: 'text', b: [1, undefined, null, { c: undefined, d: false }], e: undefined };
    expect(resolvePlainValues({ ...plain, arn, lazy, list }, resolveTokens)).toStrictEqual({
      a: 'text',
      b: [1, null, { d: false }],
      arn: 'resolved:1',
      lazy: 'resolved:2',
      list: 'resolved:3',
    });
    expect(handed).toEqual([arn, lazy, list]);
    // A map token among the keys: the whole object, before any of its values.
    handed.length = 0;
    const withMapKey = { plain: arn, ...Token.asStringMap(arn) };
    expect(resolvePlainValues(withMapKey, resolveTokens)).toBe('resolved:1');
    expect(handed).toEqual([withMapKey]);
  });

  it('resolves the tokens of a text one by one, and hands cdktf the whole text where an escape opens or one token is all', () => {
    const handed: unknown[] = [];
    const resolveTokens = (part: unknown) => (handed.push(part), libraryResolve(part));
    const arn = queue.arn;
    const document = `{"Resource": "${arn}", "Braces": "}}{"}`;
    expect(resolvePlainValues(document, resolveTokens)).toBe('{"Resource": "${aws_sqs_queue.queue.arn}", "Braces": "}}{"}');
    expect(handed).toHaveLength(1);
    expect(Tokenization.isResolvable(handed[0])).toBe(true);
    for (const whole of [`$\${x} ${arn}`, `\${x} ${arn}`, arn, `${arn} #{TfToken[TOKEN.1]}`]) {
      handed.length = 0;
      outcome((value) => resolvePlainValues(value, resolveTokens), whole);
      expect(handed).toEqual([whole]);
    }
  });

  it('hands over class instances and values nested deeper than 100 levels whole', () => {
    const handed: unknown[] = [];
    const resolveTokens = (part: unknown) => (handed.push(part), 'whole');
    class Shape {
      readonly side = 1;
    }
    expect(resolvePlainValues({ shape: new Shape() }, resolveTokens)).toEqual({ shape: 'whole' });
    let deep: unknown = 'bottom';
    for (let level = 0; level < 101; level++) deep = [deep];
    expect(JSON.stringify(resolvePlainValues(deep, resolveTokens))).toBe(`${'['.repeat(100)}"whole"${']'.repeat(100)}`);
    expect(handed).toHaveLength(2);
  });
});

describe('what may hold a token', () => {
  it('strings: cdktf’s markers and placeholders, and the text of a number token', () => {
    expect(stringMayHoldToken(queue.arn)).toBe(true);
    expect(stringMayHoldToken(`#{TfToken[TOKEN.1]}`)).toBe(true);
    expect(stringMayHoldToken(Token.STRING_MAP_TOKEN_VALUE)).toBe(true);
    expect(stringMayHoldToken(Token.ANY_MAP_TOKEN_VALUE)).toBe(true);
    expect(stringMayHoldToken(`${queue.delaySeconds}`)).toBe(true);
    expect(stringMayHoldToken('-1.8e+289')).toBe(true);
    expect(stringMayHoldToken('-1.8e289')).toBe(true);
    expect(stringMayHoldToken(`-${'9'.repeat(200)}`)).toBe(true);
    for (const text of ['', 'plain ${x} $${y} %{z}', 'TfToken', 'e-5 e+ E+5', `-${'9'.repeat(199)}`]) expect([text, stringMayHoldToken(text)]).toEqual([text, false]);
  });

  it('numbers: below -1e288 (every token double is), and the map placeholder', () => {
    expect(numberMayBeToken(queue.delaySeconds)).toBe(true);
    expect(numberMayBeToken(Token.asNumberList(queue.delaySeconds)[0]!)).toBe(true);
    expect(numberMayBeToken(Token.NUMBER_MAP_TOKEN_VALUE)).toBe(true);
    expect(numberMayBeToken(-1.0001e288)).toBe(true);
    for (const value of [-1e288, 0, 1e300, -123456788, Number.NaN, Number.POSITIVE_INFINITY]) expect([value, numberMayBeToken(value)]).toEqual([value, false]);
  });
});

describe('withPlainValuesFastPath', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tokens = require('cdktf/lib/_tokens') as { resolve: unknown };

  it('replaces cdktf’s stack resolution only while the function runs, even when it throws', () => {
    const library = tokens.resolve;
    expect(plainValuesFastPathAvailable()).toBe(true);
    expect(withPlainValuesFastPath(() => tokens.resolve !== library)).toBe(true);
    expect(tokens.resolve).toBe(library);
    expect(() =>
      withPlainValuesFastPath(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(tokens.resolve).toBe(library);
  });

  it(`is off with ${FULL_RESOLVE_ENV}=1`, () => {
    const library = tokens.resolve;
    process.env[FULL_RESOLVE_ENV] = '1';
    try {
      expect(withPlainValuesFastPath(() => tokens.resolve === library)).toBe(true);
    } finally {
      delete process.env[FULL_RESOLVE_ENV];
    }
  });

  it('changes nothing in the synthesized output', () => {
    // The suite's shared synth (test/support/global-setup.ts) ran with the fast path: every example
    // environment, the existing-base one and the CI roles stacks. The same again through cdktf alone.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-values-'));
    try {
      process.env[FULL_RESOLVE_ENV] = '1';
      try {
        synthesize({ catalog: example.catalog, environments: example.environments, repository: githubRepository, outdir: root });
      } finally {
        delete process.env[FULL_RESOLVE_ENV];
      }
      const fast = treeOf(synthOutDir());
      expect(fast.size).toBeGreaterThan(20);
      expectSameTree(fast, treeOf(root));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
