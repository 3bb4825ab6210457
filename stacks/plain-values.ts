/**
 * cdktf resolves every value of every stack through its token resolver, twice (each element, then
 * the whole stack): for each object key and value it builds two resolution contexts and runs three
 * regular expressions over each string, although nearly every value is plain data that resolves to
 * itself. That walk was ~40 % of synthesis CPU (docs/performance.md). So while an App synthesizes,
 * the resolution that `TerraformStack.toTerraform` calls takes a fast path: plain objects, arrays,
 * and strings and numbers that cannot hold a token are copied as cdktf would copy them (dropping
 * `undefined`), and every value that may hold a token goes, whole, to cdktf's own resolution, which
 * resolves it exactly as before: the output is the same bytes (tested, and compared against the
 * cdktf path with `CDKTF_FULL_RESOLVE=1`).
 *
 * When a value may hold a token (the tests below are deliberately broader than cdktf's):
 * - a string with `TfToken[` (cdktf's string, list and map markers: `${TfToken[…]}`,
 *   `#{TfToken[…]}`, `&{TfToken[…]}`), or one of its map-token placeholder strings;
 * - a string with the text of a number token: cdktf encodes a number token as a negative double
 *   below -2^960 (≈ -9.7e288), whose text has an exponent (`-1.8e+289`) or, written out, 289 digits or more; a string with
 *   neither (no `e` followed by a digit or `+`, no run of 200 digits) cannot hold one;
 * - a number below -1e288 (a number or number-list token) or cdktf's map-token placeholder number;
 * - anything that is not a plain object, array or primitive (a token object, a construct, a
 *   class instance, a function), and any object with a key of the kinds above.
 *
 * How the fast path is put in place, on either library: cdktf and CDK Terrain (`cdktn` 0.24) resolve
 * a stack's elements through the export `resolve(scope, value, preparing)` of their private module
 * `lib/_tokens`, read at every call (only `terraform-stack.js` calls it; the same file in both).
 * That export is replaced while `synthesize` runs, and only when the module is there with a
 * writable function export; otherwise synthesis runs as the library wrote it (slower, same bytes).
 * `CDKTF_FULL_RESOLVE=1` turns the fast path off, to compare or to debug a token error.
 */
import { type IResolveContext, StringConcat, Token, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';
import { replaceableExport } from './private-module';

export const FULL_RESOLVE_ENV = 'CDKTF_FULL_RESOLVE';

/** Every number token, and every number-list token, cdktf encodes is a double below this. */
const TOKEN_DOUBLE_BELOW = -1e288;
/** The text of a number token's double: an exponent, or written out in full (289 digits or more; 200 suffice to suspect one). */
const EXPONENT = /e\+?\d/;
const LONG_DIGITS = /\d{200}/;
const mayHoldNumberText = (text: string): boolean => EXPONENT.test(text) || (text.length >= 200 && LONG_DIGITS.test(text));
/** Deeper than this, cdktf resolves the rest (it refuses 200 levels: a cyclic value). */
const MAX_DEPTH = 100;

/** Whether cdktf's string resolution could change `text` or refuse it. */
export function stringMayHoldToken(text: string): boolean {
  return text.includes('TfToken[') || text === Token.STRING_MAP_TOKEN_VALUE || text === Token.ANY_MAP_TOKEN_VALUE || mayHoldNumberText(text);
}

/** Whether cdktf's number resolution could change `value` or refuse it. */
export function numberMayBeToken(value: number): boolean {
  return value < TOKEN_DOUBLE_BELOW || value === Token.NUMBER_MAP_TOKEN_VALUE;
}

const elementMayHoldToken = (item: unknown): boolean => (typeof item === 'string' && stringMayHoldToken(item)) || (typeof item === 'number' && numberMayBeToken(item));

/** cdktf reads `${` not followed by `TfToken[` as the start of an escape, which changes how the tokens after it render. */
const ESCAPE_OPENING = /\$\{(?!TfToken\[)/;
const CONCAT = new StringConcat();

/**
 * A string holding string tokens, resolved as cdktf resolves it, for the strings where that can
 * be done without cdktf's escape scanning (which is quadratic in the string's braces: long JSON
 * documents such as state machine definitions and policies). cdktf splits the string at its
 * tokens, and at every `${` and `}` outside them; resolves each token; joins the pieces with
 * `StringConcat`; then looks for number tokens in the result. Where the string has no `${` but
 * the tokens' own (an escape opening would render the tokens after it without braces), the `}`
 * pieces change nothing, so splitting at the tokens alone (`Tokenization.reverseString`),
 * resolving each (`resolveTokens`: cdktf's resolution of the token, in the same context) and
 * joining the same way gives the same string. Anything else goes to cdktf whole: a string that is
 * one token alone (cdktf returns its value unconverted), one with other markers or escape
 * openings, and a result that still holds a token or the text of a number token.
 */
function resolveTokenText(text: string, resolveTokens: (part: unknown) => unknown): unknown {
  const markers = text.split('TfToken[').length - 1;
  if (markers === 0 || text.split('${TfToken[').length - 1 !== markers || ESCAPE_OPENING.test(text)) return resolveTokens(text);
  const fragments = Tokenization.reverseString(text);
  if (fragments.length < 2) return resolveTokens(text);
  // mapTokens reads `resolve`, and for escape pieces (which reverseString never makes) the brace settings.
  const context: IResolveContext = { scope: undefined as unknown as IConstruct, preparing: false, registerPostProcessor: () => undefined, resolve: resolveTokens };
  const joined: unknown = fragments.mapTokens(context).join(CONCAT);
  // A token left in the result, or number-token text, would need cdktf's further passes: it runs them on the original.
  if (typeof joined !== 'string' || joined.includes('TfToken[') || mayHoldNumberText(joined)) return resolveTokens(text);
  return joined;
}

/** A plain data object: no prototype but Object's, and no `resolve` method (which would make it a token). */
function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as { resolve?: unknown }).resolve !== 'function';
}

/**
 * `value` resolved as cdktf's resolver would: plain data copied here (without `undefined` values
 * and array elements), and each part that may hold a token handed whole to `resolveTokens`.
 */
export function resolvePlainValues(value: unknown, resolveTokens: (part: unknown) => unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return stringMayHoldToken(value) ? resolveTokenText(value, resolveTokens) : value;
    case 'number':
      return numberMayBeToken(value) ? resolveTokens(value) : value;
    case 'object':
      break;
    case 'function':
      return resolveTokens(value);
    default:
      // undefined, booleans, bigints, symbols: cdktf returns them as they are.
      return value;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) return resolveTokens(value);
  if (Array.isArray(value)) {
    if (value.some(elementMayHoldToken)) return resolveTokens(value);
    const resolved: unknown[] = [];
    for (const item of value as unknown[]) {
      const result = resolvePlainValues(item, resolveTokens, depth + 1);
      if (result !== undefined) resolved.push(result);
    }
    return resolved;
  }
  if (!isPlainObject(value)) return resolveTokens(value);
  const keys = Object.keys(value);
  // Keys first, as cdktf looks for map tokens among them before it resolves any value.
  if (keys.some(stringMayHoldToken)) return resolveTokens(value);
  const resolved: Record<string, unknown> = {};
  for (const key of keys) {
    const result = resolvePlainValues(value[key], resolveTokens, depth + 1);
    if (result !== undefined) resolved[key] = result;
  }
  return resolved;
}

type StackResolve = (scope: IConstruct, value: unknown, preparing?: boolean) => unknown;
type TokensModule = { resolve: StackResolve };

/** The library's private module, if it is there with the export its stacks read at every call. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the library's own name, renamed by the migration to cdktn
const privateTokensModule = (): TokensModule | undefined => replaceableExport<TokensModule>(() => require('cdktf/lib/_tokens'), 'resolve');

/** Whether `withPlainValuesFastPath` can put its fast path in place with this library. */
export const plainValuesFastPathAvailable = (): boolean => privateTokensModule() !== undefined;

/** Runs `synthesize` with the fast path in place (unless `CDKTF_FULL_RESOLVE=1`), restoring the library's after. */
export function withPlainValuesFastPath<T>(synthesize: () => T): T {
  const module = process.env[FULL_RESOLVE_ENV] === '1' ? undefined : privateTokensModule();
  if (!module) return synthesize();
  const libraryResolve = module.resolve;
  module.resolve = (scope, value, preparing = false) => resolvePlainValues(value, (part) => libraryResolve(scope, part, preparing));
  try {
    return synthesize();
  } finally {
    module.resolve = libraryResolve;
  }
}
