/**
 * EventBridge event pattern matching, for routing events locally exactly as a rule would in AWS.
 * Pure: no I/O, no dependencies beyond `node:net` (IPv4/IPv6 subnet checks).
 *
 * Semantics (Amazon EventBridge user guide, "Event patterns", "Content filtering", "Comparison
 * operators"):
 * - Every key of the pattern must match (AND); the array under a key lists alternatives (OR).
 * - A pattern object under a key descends into the event's object at that key.
 * - An array-valued event field matches when any of its elements matches.
 * - Operators (one key per object): `prefix`, `suffix` (each also `{equals-ignore-case: s}`),
 *   `anything-but` (value, list, `{prefix}`, `{suffix}`, `{equals-ignore-case}`, `{wildcard}`),
 *   `numeric`, `exists`, `equals-ignore-case`, `wildcard`, `cidr`; `$or` lists alternative
 *   sub-patterns at any object level.
 * - `exists` works on leaf nodes only: an object under the key is neither "existing" nor "absent".
 *   An empty array holds no value, so it counts as absent.
 *
 * `validatePattern` rejects anything this module does not implement, so a rule that AWS would
 * evaluate differently fails loudly instead of silently mis-routing.
 */
import { BlockList, isIP } from 'node:net';

export type EventPattern = { readonly [key: string]: unknown };

export class EventPatternError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'EventPatternError';
  }
}

const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='] as const;
type NumericOperator = (typeof NUMERIC_OPERATORS)[number];
const SUPPORTED_OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard', 'cidr'];
const ANYTHING_BUT_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];
const OR_KEY = '$or';

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/** True when `event` (a full EventBridge envelope, or any JSON object) matches `pattern`. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isPlainObject(event)) return false;
  return matchObject(pattern, event);
}

function matchObject(pattern: EventPattern, event: Record<string, unknown>): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === OR_KEY) {
      const alternatives = expected as EventPattern[];
      if (!alternatives.some((alternative) => matchObject(alternative, event))) return false;
      continue;
    }
    const present = Object.prototype.hasOwnProperty.call(event, key);
    const actual = present ? event[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchField(expected, actual, present)) return false;
    } else if (isPlainObject(expected)) {
      if (!matchNested(expected, actual)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/**
 * A nested pattern matches an object, or any object inside an array of objects. Where there is no
 * object (the key is absent or holds a scalar) every field below it is absent, which only
 * `exists: false` accepts: EventBridge matches on the flattened paths (`detail.state`).
 */
function matchNested(pattern: EventPattern, actual: unknown): boolean {
  if (Array.isArray(actual) && actual.length > 0) return actual.some((element) => matchNested(pattern, element));
  return matchObject(pattern, isPlainObject(actual) ? actual : {});
}

/** The leaf values held by an event field: arrays (nested too) are flattened; objects are not leaves. */
function leafValues(actual: unknown): { leaves: unknown[]; intermediate: boolean } {
  if (Array.isArray(actual)) {
    const leaves: unknown[] = [];
    let intermediate = false;
    for (const element of actual) {
      const inner = leafValues(element);
      leaves.push(...inner.leaves);
      intermediate ||= inner.intermediate;
    }
    return { leaves, intermediate };
  }
  if (isPlainObject(actual)) return { leaves: [], intermediate: true };
  return { leaves: [actual], intermediate: false };
}

function matchField(alternatives: readonly unknown[], actual: unknown, present: boolean): boolean {
  const { leaves, intermediate } = present ? leafValues(actual) : { leaves: [], intermediate: false };
  return alternatives.some((alternative) => {
    if (isPlainObject(alternative) && 'exists' in alternative) {
      if (intermediate) return false; // exists does not work on intermediate nodes
      return alternative.exists === true ? leaves.length > 0 : leaves.length === 0;
    }
    return leaves.some((leaf) => matchLeaf(alternative, leaf));
  });
}

/** One pattern alternative (a literal or an operator object) against one scalar event value. */
function matchLeaf(alternative: unknown, value: unknown): boolean {
  if (!isPlainObject(alternative)) return scalarEquals(alternative, value);
  const [operator, argument] = Object.entries(alternative)[0]!;
  switch (operator) {
    case 'prefix':
      return matchAffix(argument, value, (s, a) => s.startsWith(a));
    case 'suffix':
      return matchAffix(argument, value, (s, a) => s.endsWith(a));
    case 'equals-ignore-case':
      return typeof value === 'string' && equalsIgnoreCase(value, argument as string);
    case 'wildcard':
      return typeof value === 'string' && matchWildcard(argument as string, value);
    case 'numeric':
      return typeof value === 'number' && matchNumeric(argument as unknown[], value);
    case 'cidr':
      return typeof value === 'string' && matchCidr(argument as string, value);
    case 'anything-but':
      return matchAnythingBut(argument, value);
    default:
      return false; // unreachable for validated patterns
  }
}

function scalarEquals(expected: unknown, value: unknown): boolean {
  return expected === value;
}

function matchAffix(argument: unknown, value: unknown, test: (value: string, affix: string) => boolean): boolean {
  if (typeof value !== 'string') return false;
  if (typeof argument === 'string') return test(value, argument);
  const ignoreCase = (argument as { 'equals-ignore-case': string })['equals-ignore-case'];
  return test(value.toLowerCase(), ignoreCase.toLowerCase());
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function matchAnythingBut(argument: unknown, value: unknown): boolean {
  if (Array.isArray(argument)) return !argument.some((excluded) => scalarEquals(excluded, value));
  if (!isPlainObject(argument)) return !scalarEquals(argument, value);
  // The string variants only say something about strings; other values are not "anything but" them.
  if (typeof value !== 'string') return false;
  const [operator, operand] = Object.entries(argument)[0]!;
  const operands = (Array.isArray(operand) ? operand : [operand]) as string[];
  switch (operator) {
    case 'prefix':
      return !operands.some((prefix) => value.startsWith(prefix));
    case 'suffix':
      return !operands.some((suffix) => value.endsWith(suffix));
    case 'equals-ignore-case':
      return !operands.some((excluded) => equalsIgnoreCase(value, excluded));
    case 'wildcard':
      return !operands.some((wildcard) => matchWildcard(wildcard, value));
    default:
      return false;
  }
}

/**
 * `*` matches any run of characters; `\*` is a literal asterisk and `\\` a literal backslash.
 * Compiled to an anchored regular expression (the pattern is validated to have no `**`).
 */
export function matchWildcard(pattern: string, value: string): boolean {
  return wildcardRegExp(pattern).test(value);
}

function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    const next = pattern[i + 1];
    if (char === '\\' && (next === '*' || next === '\\')) {
      source += escapeRegExp(next);
      i++;
    } else if (char === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function matchNumeric(conditions: readonly unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const operator = conditions[i] as NumericOperator;
    const bound = conditions[i + 1] as number;
    if (!compareNumber(operator, value, bound)) return false;
  }
  return true;
}

function compareNumber(operator: NumericOperator, value: number, bound: number): boolean {
  switch (operator) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}

/** IPv4 or IPv6 CIDR membership; an address of the other family never matches. */
export function matchCidr(cidr: string, address: string): boolean {
  const parsed = parseCidr(cidr);
  if (!parsed) return false;
  const family = isIP(address);
  if (family !== parsed.family) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(parsed.network, parsed.prefix, type);
  return list.check(address, type);
}

function parseCidr(cidr: string): { network: string; prefix: number; family: 4 | 6 } | undefined {
  const parts = cidr.split('/');
  if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1]!)) return undefined;
  const network = parts[0]!;
  const prefix = Number(parts[1]);
  const family = isIP(network);
  if (family === 4 && prefix <= 32) return { network, prefix, family };
  if (family === 6 && prefix <= 128) return { network, prefix, family };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/**
 * Throws an `EventPatternError` listing every problem (with its path, e.g. `detail.amount[0]`) if
 * `pattern` is not an event pattern this module evaluates as EventBridge does. `where` names the
 * rule in the message (for example `dev-payment-reserve-seats`).
 */
export function validatePattern(pattern: unknown, where = 'event pattern'): asserts pattern is EventPattern {
  const problems: string[] = [];
  if (!isPlainObject(pattern)) {
    problems.push('the pattern must be a JSON object');
  } else {
    validateObject(pattern, '', problems);
  }
  if (problems.length > 0) {
    throw new EventPatternError(`${where}: invalid or unsupported event pattern:\n  - ${problems.join('\n  - ')}`, problems);
  }
}

function validateObject(pattern: Record<string, unknown>, path: string, problems: string[]): void {
  if (Object.keys(pattern).length === 0) problems.push(`${path || '(root)'}: empty object`);
  for (const [key, value] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    if (key === OR_KEY) {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
        problems.push(`${here}: "$or" must be an array of at least two pattern objects`);
        continue;
      }
      value.forEach((alternative, index) => validateObject(alternative as Record<string, unknown>, `${here}[${index}]`, problems));
    } else if (Array.isArray(value)) {
      if (value.length === 0) problems.push(`${here}: empty arrays are not allowed`);
      value.forEach((alternative, index) => validateAlternative(alternative, `${here}[${index}]`, problems));
    } else if (isPlainObject(value)) {
      validateObject(value, here, problems);
    } else {
      problems.push(`${here}: must be an array of values or a nested object, got ${JSON.stringify(value)}`);
    }
  }
}

function validateAlternative(alternative: unknown, path: string, problems: string[]): void {
  if (isScalar(alternative)) return;
  if (!isPlainObject(alternative)) {
    problems.push(`${path}: a match value must be a string, number, true, false, null or an operator object`);
    return;
  }
  const entries = Object.entries(alternative);
  if (entries.length !== 1) {
    problems.push(`${path}: an operator object must have exactly one key, got ${JSON.stringify(Object.keys(alternative))}`);
    return;
  }
  const [operator, argument] = entries[0]!;
  if (!SUPPORTED_OPERATORS.includes(operator)) {
    problems.push(`${path}: operator "${operator}" is not supported locally (supported: ${SUPPORTED_OPERATORS.join(', ')})`);
    return;
  }
  const problem = operatorProblem(operator, argument);
  if (problem) problems.push(`${path}: ${problem}`);
}

function operatorProblem(operator: string, argument: unknown): string | undefined {
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (typeof argument === 'string') return undefined;
      if (isSingle(argument, 'equals-ignore-case') && typeof argument['equals-ignore-case'] === 'string') return undefined;
      return `"${operator}" takes a string or {"equals-ignore-case": string}`;
    case 'equals-ignore-case':
      return typeof argument === 'string' ? undefined : '"equals-ignore-case" takes a string';
    case 'wildcard':
      return typeof argument === 'string' ? wildcardProblem(argument) : '"wildcard" takes a string';
    case 'exists':
      return typeof argument === 'boolean' ? undefined : '"exists" takes true or false';
    case 'cidr':
      return typeof argument === 'string' && parseCidr(argument) ? undefined : `"cidr" takes an IPv4 or IPv6 CIDR such as "10.0.0.0/24", got ${JSON.stringify(argument)}`;
    case 'numeric':
      return numericProblem(argument);
    case 'anything-but':
      return anythingButProblem(argument);
    default:
      return `operator "${operator}" is not supported`;
  }
}

function wildcardProblem(pattern: string): string | undefined {
  if (pattern.includes('**')) return `"wildcard" must not contain consecutive "*" ("${pattern}")`;
  return undefined;
}

function numericProblem(argument: unknown): string | undefined {
  if (!Array.isArray(argument) || (argument.length !== 2 && argument.length !== 4)) {
    return '"numeric" takes [operator, number] or [">" | ">=", number, "<" | "<=", number]';
  }
  for (let i = 0; i < argument.length; i += 2) {
    if (!NUMERIC_OPERATORS.includes(argument[i])) return `"numeric": unknown operator ${JSON.stringify(argument[i])}`;
    if (typeof argument[i + 1] !== 'number' || !Number.isFinite(argument[i + 1])) return `"numeric": ${JSON.stringify(argument[i + 1])} is not a number`;
  }
  if (argument.length === 4) {
    if (!['>', '>='].includes(argument[0]) || !['<', '<='].includes(argument[2])) {
      return '"numeric" range must be a lower bound (">" or ">=") followed by an upper bound ("<" or "<=")';
    }
    if (argument[1] >= argument[3]) return '"numeric" range: the lower bound must be less than the upper bound';
  }
  return undefined;
}

function anythingButProblem(argument: unknown): string | undefined {
  if (typeof argument === 'string' || typeof argument === 'number') return undefined;
  if (Array.isArray(argument)) {
    const allStrings = argument.every((v) => typeof v === 'string');
    const allNumbers = argument.every((v) => typeof v === 'number');
    return argument.length > 0 && (allStrings || allNumbers) ? undefined : '"anything-but" list must hold only strings or only numbers';
  }
  if (isPlainObject(argument)) {
    const entries = Object.entries(argument);
    if (entries.length !== 1 || !ANYTHING_BUT_OPERATORS.includes(entries[0]![0])) {
      return `"anything-but" object takes exactly one of ${ANYTHING_BUT_OPERATORS.join(', ')}`;
    }
    const [operator, operand] = entries[0]!;
    const operands = Array.isArray(operand) ? operand : [operand];
    if (operands.length === 0 || !operands.every((v) => typeof v === 'string')) return `"anything-but"/"${operator}" takes a string or a list of strings`;
    if (operator === 'wildcard') return operands.map((p) => wildcardProblem(p as string)).find(Boolean);
    return undefined;
  }
  return '"anything-but" takes a string, a number, a list, or {prefix|suffix|equals-ignore-case|wildcard}';
}

// ---------------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function isSingle<K extends string>(value: unknown, key: K): value is Record<K, unknown> {
  return isPlainObject(value) && Object.keys(value).length === 1 && key in value;
}
