/**
 * Numbers as event-ruler 2.x compares them (`ComparableNumber`): a JSON number is comparable only
 * when a double holds it exactly, i.e. when the decimal value of its text equals the decimal value
 * of the double's shortest representation (`BigDecimal.valueOf(double).compareTo(bigDecimal) == 0`).
 * `0.3`, `5.0` and `3e0` are comparable; `0.30000000000000000001` and `9007199254740993` are not,
 * and a numeric operator given one of those is refused. Comparable numbers are ordered by their
 * IEEE-754 bits with the sign folded in (so `-0` sorts just below `0` and the two are not equal,
 * exactly as in event-ruler, which compares these keys byte by byte).
 */

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const SIGN_BIT = 1n << 63n;
const ALL_BITS = (1n << 64n) - 1n;

/** The smallest and largest keys: the open ends of `["<", x]` and `[">", x]`. */
export const LOWEST_NUMBER_KEY = 0n;
export const HIGHEST_NUMBER_KEY = ALL_BITS;

/** The order-preserving key of a JSON number's text, or `undefined` when it is not comparable. */
export function comparableNumberKey(text: string): bigint | undefined {
  if (!JSON_NUMBER.test(text)) return undefined;
  // Java parses the text as a BigDecimal, which has no negative zero: "-0" is 0.0.
  const value = Number(text) || 0;
  // Stryker disable next-line ConditionalExpression: no text is the same decimal as "Infinity" (below); this only says so first.
  if (!Number.isFinite(value)) return undefined;
  if (!sameDecimal(text, javaDoubleToString(value))) return undefined;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  return bits & SIGN_BIT ? ~bits & ALL_BITS : bits | SIGN_BIT;
}

/**
 * The decimal Java's `Double.toString` (JDK 19+) writes: JavaScript's shortest round-trip form,
 * except that Java never writes a single significant digit: where the shortest form has one, Java
 * writes the double's exact value rounded to two digits. That is the same decimal (`3` is `3.0`)
 * except for the least precise subnormals (`5e-324` is written `4.9E-324`), which are therefore not
 * comparable when spelled the JavaScript way. The two-digit form always reads back as the same
 * double (test/core/event-pattern-values.test.ts checks every double with a one-digit shortest form).
 */
function javaDoubleToString(value: number): string {
  const shortest = String(value);
  const { digits, exponent } = parseDecimal(shortest);
  if (digits.length !== 1) return shortest;
  const scale = exponent - 1n; // two digits: N × 10^scale
  // Unsigned, like the decimals it is compared with (parseDecimal).
  return `${roundedQuotient(exactValue(Math.abs(value)), scale)}e${scale}`;
}

/** A positive finite double as an exact fraction. */
function exactValue(value: number): { numerator: bigint; denominator: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const power = (exponentBits === 0 ? 1 : exponentBits) - 1075;
  return { numerator: mantissa << BigInt(Math.max(power, 0)), denominator: 1n << BigInt(Math.max(-power, 0)) };
}

/** round(value / 10^scale), halves rounded up. */
function roundedQuotient({ numerator, denominator }: { numerator: bigint; denominator: bigint }, scale: bigint): bigint {
  const top = numerator * 10n ** BigInt(Math.max(-Number(scale), 0));
  const bottom = denominator * 10n ** BigInt(Math.max(Number(scale), 0));
  return (2n * top + bottom) / (2n * bottom);
}

/** A decimal value: `digits` × 10^`exponent`, without leading or trailing zeros ('' and 0 for zero). */
interface Decimal {
  readonly digits: string;
  readonly exponent: bigint;
}

/**
 * The value of a JSON number's text (already checked) or of `String(double)`. The sign is left out:
 * a text and the double it reads as never differ in sign, once "-0" is read as 0.
 */
function parseDecimal(text: string): Decimal {
  // No anchors needed: the text is a number already, so this matches all of it.
  const match = /-?([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?/.exec(text)!;
  const fraction = match[2] ?? '';
  const written = (match[1]! + fraction).replace(/^0+/, '');
  const trailingZeros = /0*$/.exec(written)![0].length;
  const digits = written.slice(0, written.length - trailingZeros);
  const exponent = BigInt(match[3] ?? 0) - BigInt(fraction.length) + BigInt(trailingZeros);
  return { digits, exponent: digits === '' ? 0n : exponent };
}

function sameDecimal(a: string, b: string): boolean {
  const canonical = ({ digits, exponent }: Decimal) => `${digits}e${exponent}`;
  return canonical(parseDecimal(a)) === canonical(parseDecimal(b));
}
