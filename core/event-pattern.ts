/**
 * EventBridge event patterns, validated and matched as EventBridge's own engine does it.
 *
 * EventBridge matches with the open-source `aws/event-ruler` library; this module reproduces its
 * behaviour (version 2.0.1, `Machine.addRule` + `rulesForJSONEvent`) rather than the prose of the
 * user guide, because the two differ in ways that decide whether a rule fires:
 * - A pattern is compiled into flattened field paths (`detail.state`): `{"a": {"b": [..]}}` and
 *   `{"a.b": [..]}` are the same field, and an event key `"a.b"` is the same field as `a` → `b`.
 * - Field values keep their JSON type: a string is compared with its quotes, so `prefix`,
 *   `suffix`, `wildcard` and `equals-ignore-case` only ever match strings, while `anything-but`
 *   and its `prefix`/`suffix`/`wildcard`/`equals-ignore-case` forms match every value that is not
 *   excluded, numbers, booleans and `null` included (AWS confirms these, see the corpus).
 * - Numbers compare numerically only when a double holds them exactly (event-pattern-numbers.ts).
 * - A string value that is an IP address matches the same address in any spelling; `cidr` clears
 *   the host bits it was given and refuses /32 and /128 (event-pattern-ip.ts).
 * - Arrays in an event are matched array-consistently: two fields of one pattern must come from
 *   the same element of an array of objects.
 * - `exists: false` holds when no leaf with that path exists (a field holding an object has no
 *   leaf of its own), checked against the array elements already chosen for fields that sort
 *   before it.
 * - `$or` forks the pattern into alternatives that each carry the sibling fields; a `$or` that is
 *   not an array of at least two objects free of operator names is, as in event-ruler, an
 *   ordinary field called "$or" (`literalOr`).
 * - A rule whose wildcards make matching too non-deterministic is refused ("Rule is too complex").
 *
 * Pure: no I/O, no dependencies outside core/ (the `event-pattern-*` helpers and the AWS limits).
 */
import { JsonTextError, type JsonNode, javaSplit, javaUtf8, parseJsonText, toJsonNode } from './event-pattern-json';
import { HIGHEST_NUMBER_KEY, LOWEST_NUMBER_KEY, comparableNumberKey } from './event-pattern-numbers';
import { type IpRange, cidrRange, exactIpRange, inRange, ipToHex } from './event-pattern-ip';
import { EVENT_PATTERN_MAX_COMPLEXITY } from './aws-limits';
import { ruleComplexity } from './event-pattern-complexity';

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

// ---------------------------------------------------------------------------------------------
// Compiled form
// ---------------------------------------------------------------------------------------------

/** A value pattern, in event-ruler's terms (its `Patterns` subclasses). Byte strings are binary strings of UTF-8. */
export type ValuePattern =
  | { readonly type: 'exact'; readonly bytes: string }
  | { readonly type: 'numeric-equals'; readonly key: bigint }
  | { readonly type: 'numeric-range'; readonly bottom: bigint; readonly openBottom: boolean; readonly top: bigint; readonly openTop: boolean }
  | { readonly type: 'ip-range'; readonly range: IpRange }
  | { readonly type: 'prefix' | 'suffix'; readonly bytes: string }
  | { readonly type: 'equals-ignore-case' | 'prefix-equals-ignore-case' | 'suffix-equals-ignore-case'; readonly text: string; readonly regex: RegExp }
  | { readonly type: 'wildcard'; readonly text: string; readonly regex: RegExp }
  | { readonly type: 'anything-but'; readonly values: ReadonlySet<string>; readonly numeric: boolean }
  | { readonly type: 'anything-but-prefix' | 'anything-but-suffix'; readonly values: readonly string[] }
  | { readonly type: 'anything-but-equals-ignore-case'; readonly texts: readonly string[]; readonly regexes: readonly RegExp[] }
  | { readonly type: 'anything-but-wildcard'; readonly texts: readonly string[]; readonly regexes: readonly RegExp[] }
  | { readonly type: 'exists' };

/** A pattern on a field: a value pattern, or `exists: false` (matched on the field's absence). */
export type FieldPattern = ValuePattern | { readonly type: 'absent' };

/** One alternative of a pattern: field path → the patterns any of which must hold. */
export type SubRule = ReadonlyMap<string, readonly FieldPattern[]>;

export interface CompiledPattern {
  /** The alternatives (`$or` branches multiplied out); the pattern matches when any one does. */
  readonly subRules: readonly SubRule[];
  /** True when `$or` was not valid `$or` syntax and is read as a field literally named "$or". */
  readonly literalOr: boolean;
  /** event-ruler's `MachineComplexityEvaluator` score (wildcard non-determinism). */
  readonly complexity: number;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/**
 * Compiles a pattern (a JSON value, such as a catalog rule's `eventPattern`) or throws an
 * `EventPatternError` listing each problem as `path: reason` (`(root)` for the whole pattern).
 * `where` prefixes the message, e.g. the rule's name.
 */
export function compilePattern(pattern: unknown, where = 'event pattern'): CompiledPattern {
  return compileNode(() => toJsonNode(pattern), where);
}

/**
 * As `compilePattern`, from JSON text: only text keeps number spellings (`3.0`, `1e400`) and
 * duplicate keys exactly as EventBridge receives them.
 */
export function compilePatternText(text: string, where = 'event pattern'): CompiledPattern {
  return compileNode(() => parseJsonText(text), where);
}

function compileNode(read: () => JsonNode, where: string): CompiledPattern {
  const fail = (problems: string[]): never => {
    throw new EventPatternError(`${where}: invalid event pattern (EventBridge would refuse it):\n  - ${problems.join('\n  - ')}`, problems);
  };
  let node: JsonNode;
  try {
    node = read();
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    return fail([`(root): ${error.message}`]);
  }
  const modern = new RuleCompiler('or-aware').compile(node);
  let compiled = modern.problems.length === 0 ? modern : undefined;
  // event-ruler's Machine.addRule retries a rule its JSON compiler rejects with a parse error with
  // the legacy RuleCompiler, which knows no `$or`; its other errors (a bad `cidr`, an anything-but
  // number a double cannot hold) are thrown straight out.
  if (!compiled && modern.problems[0]!.kind === 'syntax') {
    const legacy = new RuleCompiler('legacy').compile(node);
    if (legacy.problems.length === 0) compiled = legacy;
  }
  if (!compiled) return fail(modern.problems.map(formatProblem));
  const problems = machineProblems(compiled.subRules);
  if (problems.length > 0) return fail(problems);
  const complexity = ruleComplexity(buildMachine(compiled.subRules).start);
  if (complexity > EVENT_PATTERN_MAX_COMPLEXITY) {
    return fail([
      `(root): Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character (complexity over ${EVENT_PATTERN_MAX_COMPLEXITY}, the most EventBridge allows)`,
    ]);
  }
  // The legacy compiler is asked only after the or-aware one refused the rule, and it accepts no rule
  // without a "$or" key that the or-aware one refuses (it differs only in reading "$or", and knows
  // fewer anything-but forms): a legacy rule always has a field literally named "$or".
  const result: CompiledPattern = { subRules: compiled.subRules, literalOr: compiled.mode === 'legacy', complexity };
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent: isCompiled asks whether the property is there, not its value
  Object.defineProperty(result, COMPILED, { value: true });
  return result;
}

/** Marks `compilePattern` results, so a pattern that happens to have a `subRules` field is never taken for one. */
const COMPILED = Symbol('compiled event pattern');

/** True when the pattern uses a wildcard (`wildcard`, or `anything-but` with `wildcard`): EventBridge limits such rules per bus. */
export function usesWildcards(compiled: CompiledPattern): boolean {
  return compiled.subRules.some((subRule) => [...subRule.values()].some((patterns) => patterns.some((pattern) => pattern.type === 'wildcard' || pattern.type === 'anything-but-wildcard')));
}

/** Throws an `EventPatternError` if EventBridge would refuse `pattern` (see `compilePattern`). */
export function validatePattern(pattern: unknown, where = 'event pattern'): asserts pattern is EventPattern {
  compilePattern(pattern, where);
}

/** event-ruler limits a rule alternative to 256 fields (`GenericMachine.MAXIMUM_RULE_SIZE`). */
const MAX_FIELDS_PER_ALTERNATIVE = 256;

/** What `GenericMachine.addPatternRule` refuses after the compiler accepted the rule. */
function machineProblems(subRules: readonly SubRule[]): string[] {
  const problems: string[] = [];
  for (const subRule of subRules) {
    if (subRule.size > MAX_FIELDS_PER_ALTERNATIVE) problems.push(`(root): an alternative has ${subRule.size} fields; event-ruler allows at most ${MAX_FIELDS_PER_ALTERNATIVE}`);
    for (const [path, patterns] of subRule) {
      for (const pattern of patterns) {
        if ((pattern.type === 'anything-but-prefix' || pattern.type === 'anything-but-suffix') && pattern.values.length === 0) {
          problems.push(`${path}: "anything-but" needs at least one value`);
        }
        if ((pattern.type === 'anything-but-equals-ignore-case' || pattern.type === 'anything-but-wildcard') && pattern.texts.length === 0) {
          problems.push(`${path}: "anything-but" needs at least one value`);
        }
      }
    }
  }
  return [...new Set(problems)];
}

// ---------------------------------------------------------------------------------------------
// The compilers: event-ruler's JsonRuleCompiler ('or-aware') and RuleCompiler ('legacy')
// ---------------------------------------------------------------------------------------------

const OR_KEY = '$or';

/** Alternatives (`$or` multiplied out) one pattern may have here; event-ruler sets no limit. */
const MAX_ALTERNATIVES = 10_000;

/** Field names event-ruler refuses inside a `$or` alternative (`Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP`). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * `syntax`: event-ruler throws a JsonParseException (the rule may still compile as a legacy rule);
 * `rejected`: it throws another exception, which `Machine.addRule` does not retry.
 */
interface Problem {
  readonly path: string;
  readonly message: string;
  readonly kind: 'syntax' | 'rejected';
}

function formatProblem(problem: Problem): string {
  return `${problem.path || '(root)'}: ${problem.message}`;
}

type Mode = 'or-aware' | 'legacy';

class RuleCompiler {
  private readonly problems: Problem[] = [];

  constructor(private readonly mode: Mode) {}

  compile(node: JsonNode): { mode: Mode; subRules: SubRule[]; problems: Problem[] } {
    const rules: Map<string, FieldPattern[]>[] = [];
    if (node.kind !== 'object') {
      this.problem('', 'the pattern must be a JSON object');
    } else {
      this.object(rules, [], '', node, false);
    }
    return { mode: this.mode, subRules: rules, problems: this.problems };
  }

  private problem(path: string, message: string, kind: Problem['kind'] = 'syntax'): undefined {
    this.problems.push({ path, message, kind });
    return undefined;
  }

  /** `parseObject` / `parseObjectInsideOrRelationship`: `steps` are the field names leading here. */
  private object(rules: Map<string, FieldPattern[]>[], steps: readonly string[], where: string, node: Extract<JsonNode, { kind: 'object' }>, insideOr: boolean): void {
    for (const [key, value] of node.entries) {
      const here = where ? `${where}.${key}` : key;
      if (this.mode === 'or-aware' && key === OR_KEY) {
        this.or(rules, steps, here, value);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(key)) {
        this.problem(here, `"${key}" is an operator name and cannot be a field inside "$or"`);
        continue;
      }
      if (value.kind === 'object') {
        this.object(rules, [...steps, key], here, value, insideOr);
      } else if (value.kind === 'array') {
        this.field(rules, [...steps, key].join('.'), here, value);
      } else {
        this.problem(here, `must be an array of match values or an object, got ${describe(value)}`);
      }
    }
    if (node.entries.length === 0) this.problem(where, 'empty objects are not allowed');
  }

  /** `parseIntoOrRelationship`: each alternative continues every rule built so far. */
  private or(rules: Map<string, FieldPattern[]>[], steps: readonly string[], where: string, value: JsonNode): void {
    const before = rules.map((rule) => new Map(rule));
    rules.length = 0;
    if (value.kind !== 'array') {
      this.problem(where, '"$or" must be an array of at least two pattern objects');
      return;
    }
    for (const [index, alternative] of value.items.entries()) {
      if (alternative.kind !== 'object') {
        this.problem(`${where}[${index}]`, 'each "$or" alternative must be a pattern object');
        continue;
      }
      // With no rule before the "$or", the alternative's first field starts one (`field`).
      const branch = before.map((rule) => new Map(rule));
      this.object(branch, steps, `${where}[${index}]`, alternative, true);
      rules.push(...branch);
    }
    if (value.items.length < 2) this.problem(where, '"$or" must be an array of at least two pattern objects');
    if (rules.length > MAX_ALTERNATIVES) {
      // Sibling and nested `$or`s multiply: a 2 KB pattern could ask for 2^70 alternatives.
      this.problem(where, `multiplies the pattern into ${rules.length} alternatives; more than ${MAX_ALTERNATIVES} are refused (a local safety limit)`, 'rejected');
      rules.length = MAX_ALTERNATIVES;
    }
  }

  /** `writeRules`: a field's array of alternatives; a later occurrence of the same path replaces an earlier one. */
  private field(rules: Map<string, FieldPattern[]>[], path: string, where: string, node: Extract<JsonNode, { kind: 'array' }>): void {
    const patterns: FieldPattern[] = [];
    for (const [index, item] of node.items.entries()) {
      const at = `${where}[${index}]`;
      switch (item.kind) {
        case 'object':
          patterns.push(...this.operator(at, item));
          break;
        case 'string': {
          const ip = exactIpRange(item.value);
          patterns.push(ip ? { type: 'ip-range', range: ip } : { type: 'exact', bytes: javaUtf8(`"${item.value}"`) });
          break;
        }
        case 'number': {
          // Both the numeric value (when a double holds it) and the text as written.
          const key = comparableNumberKey(item.text);
          if (key !== undefined) patterns.push({ type: 'numeric-equals', key });
          patterns.push({ type: 'exact', bytes: item.text });
          break;
        }
        case 'literal':
          patterns.push({ type: 'exact', bytes: item.text });
          break;
        case 'array':
          this.problem(at, 'a match value must be a string, number, true, false, null or an operator object');
      }
    }
    if (node.items.length === 0) this.problem(where, 'empty arrays are not allowed');
    if (rules.length === 0) rules.push(new Map());
    for (const rule of rules) rule.set(path, patterns);
  }

  /** `processMatchExpression`: one operator object. Returns no pattern when it is refused. */
  private operator(at: string, node: Extract<JsonNode, { kind: 'object' }>): FieldPattern[] {
    const first = node.entries[0];
    if (!first) return this.none(at, 'an operator object needs an operator');
    const [operator, argument] = first;
    const here = `${at}.${operator}`;
    const onlyOne = (pattern: FieldPattern | undefined): FieldPattern[] => {
      if (node.entries.length > 1) return this.none(at, `an operator object takes exactly one operator, got ${JSON.stringify(node.entries.map(([key]) => key))}`);
      return pattern ? [pattern] : [];
    };
    switch (operator) {
      case 'exactly':
        if (argument.kind !== 'string') return this.none(here, '"exactly" takes a string');
        return onlyOne({ type: 'exact', bytes: javaUtf8(`"${argument.value}"`) });
      case 'prefix':
      case 'suffix':
        return onlyOne(this.affix(here, operator, argument));
      case 'equals-ignore-case':
        if (argument.kind !== 'string') return this.none(here, '"equals-ignore-case" takes a string');
        return onlyOne(ignoreCasePattern('equals-ignore-case', argument.value));
      case 'wildcard':
        if (argument.kind !== 'string') return this.none(here, '"wildcard" takes a string');
        return onlyOne(this.wildcard(here, argument.value));
      case 'numeric':
        if (argument.kind !== 'array') return this.none(here, '"numeric" takes an array such as [">", 0, "<=", 5]');
        return onlyOne(this.numeric(here, argument.items));
      case 'exists':
        if (argument.kind !== 'literal' || argument.text === 'null') return this.none(here, '"exists" takes true or false');
        return onlyOne(argument.text === 'true' ? { type: 'exists' } : { type: 'absent' });
      case 'cidr':
        if (argument.kind !== 'string') return this.none(here, '"cidr" takes a string such as "10.0.0.0/24"');
        try {
          return onlyOne({ type: 'ip-range', range: cidrRange(argument.value) });
        } catch (error) {
          return this.none(here, `${JSON.stringify(argument.value)}: ${(error as Error).message}`, 'rejected');
        }
      case 'anything-but':
        return onlyOne(this.anythingBut(here, argument));
      default:
        return this.none(at, `unknown operator ${JSON.stringify(operator)} (operators: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr)`);
    }
  }

  private none(path: string, message: string, kind: Problem['kind'] = 'syntax'): FieldPattern[] {
    this.problem(path, message, kind);
    return [];
  }

  private affix(here: string, operator: 'prefix' | 'suffix', argument: JsonNode): ValuePattern | undefined {
    if (argument.kind === 'string') {
      return operator === 'prefix' ? { type: 'prefix', bytes: javaUtf8(`"${argument.value}`) } : { type: 'suffix', bytes: javaUtf8(`${argument.value}"`) };
    }
    if (argument.kind === 'object') {
      const [inner, text] = argument.entries[0] ?? [];
      if (inner !== 'equals-ignore-case' || text?.kind !== 'string') {
        return this.problem(here, `"${operator}" takes a string or {"equals-ignore-case": string}`);
      }
      if (argument.entries.length > 1) return this.problem(here, `"${operator}" object takes only "equals-ignore-case"`);
      return ignoreCasePattern(operator === 'prefix' ? 'prefix-equals-ignore-case' : 'suffix-equals-ignore-case', text.value);
    }
    return this.problem(here, `"${operator}" takes a string or {"equals-ignore-case": string}`);
  }

  private wildcard(here: string, text: string): ValuePattern | undefined {
    const problem = wildcardProblem(text);
    if (problem) return this.problem(here, problem);
    return { type: 'wildcard', text, regex: wildcardRegExp(`"${text}"`) };
  }

  /** `processNumericMatchExpression`: `[op, n]` or `[">"|">=", n, "<"|"<=", n]`. */
  private numeric(here: string, items: readonly JsonNode[]): ValuePattern | undefined {
    const [operator, first, upperOperator, second, ...rest] = items;
    if (operator?.kind !== 'string') return this.problem(here, `the first element must be an operator (=, <, <=, > or >=), got ${operator ? describe(operator) : 'nothing'}`);
    if (first?.kind !== 'number') return this.problem(here, `the value after ${JSON.stringify(operator.value)} must be a number, got ${first ? describe(first) : 'nothing'}`);
    const key = comparableNumberKey(first.text);
    if (!['=', '<', '<=', '>', '>='].includes(operator.value)) return this.problem(here, `unknown numeric operator ${JSON.stringify(operator.value)}`);
    const single = upperOperator === undefined;
    if (!single && !['>', '>='].includes(operator.value)) return this.problem(here, `nothing may follow ${JSON.stringify(operator.value)} ${first.text}; a range starts with ">" or ">="`);
    if (key === undefined) return this.problem(here, `${first.text} cannot be compared exactly: EventBridge compares numbers as doubles and refuses one a double does not hold exactly`);
    if (single) {
      switch (operator.value) {
        case '=':
          return { type: 'numeric-equals', key };
        case '<':
          return numericRange(LOWEST_NUMBER_KEY, OPEN_AT_NO_NUMBER, key, true);
        case '<=':
          return numericRange(LOWEST_NUMBER_KEY, OPEN_AT_NO_NUMBER, key, false);
        case '>':
          return numericRange(key, true, HIGHEST_NUMBER_KEY, OPEN_AT_NO_NUMBER);
        default:
          return numericRange(key, false, HIGHEST_NUMBER_KEY, OPEN_AT_NO_NUMBER);
      }
    }
    if (upperOperator.kind !== 'string' || !['<', '<='].includes(upperOperator.value)) return this.problem(here, `a range continues with "<" or "<=", got ${describe(upperOperator)}`);
    if (second?.kind !== 'number') return this.problem(here, `the value after ${JSON.stringify(upperOperator.value)} must be a number, got ${second ? describe(second) : 'nothing'}`);
    if (rest.length > 0) return this.problem(here, 'too many elements in a numeric range');
    const upper = comparableNumberKey(second.text);
    if (upper === undefined) return this.problem(here, `${second.text} cannot be compared exactly: EventBridge compares numbers as doubles and refuses one a double does not hold exactly`);
    if (key >= upper) return this.problem(here, `the lower bound ${first.text} must be less than the upper bound ${second.text}`);
    return numericRange(key, operator.value === '>', upper, upperOperator.value === '<');
  }

  private anythingBut(here: string, argument: JsonNode): ValuePattern | undefined {
    if (argument.kind === 'object') {
      const [variant, operand] = argument.entries[0] ?? [];
      if (variant === undefined || operand === undefined) return this.problem(here, '"anything-but" object needs one of prefix, suffix, equals-ignore-case, wildcard');
      const supported = this.mode === 'legacy' ? ['prefix', 'suffix', 'equals-ignore-case'] : ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];
      if (!supported.includes(variant)) return this.problem(here, `unsupported "anything-but" form ${JSON.stringify(variant)} (supported: ${supported.join(', ')})`);
      const pattern = this.anythingButSet(`${here}.${variant}`, variant as AnythingButVariant, operand);
      if (argument.entries.length > 1) return this.problem(here, '"anything-but" object takes exactly one key');
      return pattern;
    }
    if (argument.kind === 'string') return { type: 'anything-but', values: new Set([javaUtf8(`"${argument.value}"`)]), numeric: false };
    if (argument.kind === 'number') {
      const key = comparableNumberKey(argument.text);
      // A single number is converted outside the compiler's error handling: the rule is refused outright.
      if (key === undefined) return this.problem(here, `${argument.text} cannot be compared exactly as a double`, 'rejected');
      return { type: 'anything-but', values: new Set([key.toString()]), numeric: true };
    }
    if (argument.kind === 'array') {
      const strings = argument.items.filter((item) => item.kind === 'string');
      const numbers = argument.items.filter((item) => item.kind === 'number');
      if (strings.length + numbers.length < argument.items.length) return this.problem(here, '"anything-but" list holds only strings or only numbers (no null, booleans, objects or arrays)');
      if (strings.length > 0 && numbers.length > 0) return this.problem(here, '"anything-but" list must hold only strings or only numbers, not both');
      if (argument.items.length === 0) return this.problem(here, '"anything-but" list must not be empty');
      if (numbers.length > 0) {
        const keys = numbers.map((item) => comparableNumberKey(item.text));
        if (keys.some((key) => key === undefined)) return this.problem(here, '"anything-but" numbers must be ones a double holds exactly');
        return { type: 'anything-but', values: new Set(keys.map(String)), numeric: true };
      }
      return { type: 'anything-but', values: new Set(strings.map((item) => javaUtf8(`"${item.value}"`))), numeric: false };
    }
    return this.problem(here, '"anything-but" takes a string, a number, a list of either, or {prefix|suffix|equals-ignore-case|wildcard: ...}');
  }

  private anythingButSet(here: string, variant: AnythingButVariant, operand: JsonNode): ValuePattern | undefined {
    const legacyAffix = this.mode === 'legacy' && (variant === 'prefix' || variant === 'suffix');
    let texts: string[];
    if (operand.kind === 'string') {
      texts = [operand.value];
    } else if (operand.kind === 'array' && !legacyAffix) {
      if (!operand.items.every((item) => item.kind === 'string')) return this.problem(here, `"anything-but"/"${variant}" list takes only strings`);
      texts = operand.items.map((item) => (item as { value: string }).value);
    } else {
      return this.problem(here, `"anything-but"/"${variant}" takes ${legacyAffix ? 'a string' : 'a string or a list of strings'}`);
    }
    switch (variant) {
      case 'prefix':
      case 'suffix':
        if (texts.some((text) => text === '')) return this.problem(here, `"anything-but"/"${variant}" must not be empty`);
        return { type: variant === 'prefix' ? 'anything-but-prefix' : 'anything-but-suffix', values: texts.map((text) => javaUtf8(variant === 'prefix' ? `"${text}` : `${text}"`)) };
      case 'equals-ignore-case':
        return { type: 'anything-but-equals-ignore-case', texts, regexes: texts.map((text) => ignoreCaseRegExp(`"${text}"`, 'whole')) };
      case 'wildcard': {
        const problem = texts.map(wildcardProblem).find(Boolean);
        if (problem) return this.problem(here, problem);
        return { type: 'anything-but-wildcard', texts, regexes: texts.map((text) => wildcardRegExp(`"${text}"`)) };
      }
    }
  }
}

type AnythingButVariant = 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard';

/**
 * Whether a one-sided range is open at its far end (LOWEST_NUMBER_KEY or HIGHEST_NUMBER_KEY). Those
 * keys are the bit patterns of NaNs, which no JSON number reads as, so open or closed is the same.
 */
// Stryker disable next-line BooleanLiteral: equivalent, as said above: no value has the key at the far end
const OPEN_AT_NO_NUMBER = false;

function numericRange(bottom: bigint, openBottom: boolean, top: bigint, openTop: boolean): ValuePattern {
  return { type: 'numeric-range', bottom, openBottom, top, openTop };
}

function describe(node: JsonNode): string {
  return node.kind === 'string' ? JSON.stringify(node.value) : node.kind === 'number' || node.kind === 'literal' ? node.text : node.kind;
}

// ---------------------------------------------------------------------------------------------
// Text operators on UTF-8 bytes
// ---------------------------------------------------------------------------------------------

/**
 * event-ruler's wildcard syntax: `*` matches any run of bytes, `\*` is a literal asterisk and `\\`
 * a literal backslash; any other backslash, a trailing backslash, and `**` are refused. (`\**`
 * is valid: an escaped asterisk followed by a wildcard.)
 */
function wildcardProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '*' && text[i + 1] === '*') return `consecutive wildcard characters at position ${i} of ${JSON.stringify(text)}`;
    if (text[i] === '\\') {
      if (text[i + 1] !== '*' && text[i + 1] !== '\\') return `invalid escape at position ${i} of ${JSON.stringify(text)} (only \\* and \\\\ are escapes)`;
      i++;
    }
  }
  return undefined;
}

/** The wildcard (already valid) as an anchored regular expression over UTF-8 bytes. */
function wildcardRegExp(text: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '*') {
      source += '[\\s\\S]*';
    } else {
      if (char === '\\') i++;
      source += escapeBytes(javaUtf8(text[i]!));
    }
  }
  return new RegExp(`^${source}$`);
}

type IgnoreCaseAnchor = 'whole' | 'start' | 'end';

function ignoreCasePattern(type: 'equals-ignore-case' | 'prefix-equals-ignore-case' | 'suffix-equals-ignore-case', text: string): ValuePattern {
  if (type === 'equals-ignore-case') return { type, text, regex: ignoreCaseRegExp(`"${text}"`, 'whole') };
  if (type === 'prefix-equals-ignore-case') return { type, text, regex: ignoreCaseRegExp(`"${text}`, 'start') };
  return { type, text, regex: ignoreCaseRegExp(`${text}"`, 'end') };
}

/**
 * event-ruler's `EqualsIgnoreCaseParser`: each UTF-16 unit of the pattern may appear in the event
 * as its lower-case or its upper-case form (`ß` also matches `SS`); the event value itself is not
 * folded. A lone surrogate (half of an emoji) encodes as `?`, as Java's UTF-8 encoder writes it.
 */
function ignoreCaseRegExp(text: string, anchor: IgnoreCaseAnchor): RegExp {
  let source = '';
  for (const unit of text.split('')) {
    const forms = [...new Set([javaUtf8(unit.toLowerCase()), javaUtf8(unit.toUpperCase())])];
    source += forms.length === 1 ? escapeBytes(forms[0]!) : `(?:${forms.map(escapeBytes).join('|')})`;
  }
  return new RegExp(anchor === 'whole' ? `^${source}$` : anchor === 'start' ? `^${source}` : `${source}$`);
}

function escapeBytes(bytes: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += `\\x${bytes.charCodeAt(i).toString(16).padStart(2, '0')}`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/** A field of the flattened event: its path, its value as event-ruler writes it, the array elements it sits in. */
interface EventField {
  readonly text: string; // strings with their quotes; numbers as written; true, false, null
  readonly bytes: string;
  readonly membership: ReadonlyMap<number, number>; // array id → element index
}

const compiledObjects = new WeakMap<object, CompiledPattern>();

function compiled(pattern: EventPattern | CompiledPattern): CompiledPattern {
  if (isCompiled(pattern)) return pattern;
  let result = compiledObjects.get(pattern);
  if (!result) {
    result = compilePattern(pattern);
    compiledObjects.set(pattern, result);
  }
  return result;
}

function isCompiled(pattern: EventPattern | CompiledPattern): pattern is CompiledPattern {
  return COMPILED in pattern;
}

/**
 * True when `event` (a full EventBridge envelope) matches `pattern` (a pattern value, compiled on
 * first use and cached per object, or the result of `compilePattern`). Throws `EventPatternError`
 * for an invalid pattern. An event that is not a JSON object matches nothing.
 */
export function matchesPattern(pattern: EventPattern | CompiledPattern, event: unknown): boolean {
  return matchesReadEvent(pattern, readEvent(event));
}

/**
 * An event as the matcher reads it (its JSON text, parsed), or undefined when it has none or is
 * nested deeper than Jackson reads: to match many patterns against one event, read it once (a
 * detail near the size limit takes milliseconds to read).
 */
export function readEvent(event: unknown): JsonNode | undefined {
  try {
    return toJsonNode(event);
  } catch (error) {
    if (error instanceof JsonTextError) return undefined;
    throw error;
  }
}

/** As `matchesPattern`, for an event from `readEvent`; an event without JSON form matches nothing. */
export function matchesReadEvent(pattern: EventPattern | CompiledPattern, event: JsonNode | undefined): boolean {
  const rule = compiled(pattern);
  return event !== undefined && matchesNode(rule, event);
}

/** As `matchesPattern`, for an event given as JSON text (number spellings and duplicate keys kept). */
export function matchesEventText(pattern: EventPattern | CompiledPattern, eventText: string): boolean {
  let node: JsonNode;
  try {
    node = parseJsonText(eventText);
  } catch (error) {
    if (error instanceof JsonTextError) return false;
    throw error;
  }
  return matchesNode(compiled(pattern), node);
}

function matchesNode({ subRules }: CompiledPattern, event: JsonNode): boolean {
  if (event.kind !== 'object') return false;
  const machine = buildMachine(subRules);
  const fields = flattenEvent(event, usedSteps(subRules));
  return subRules.some((subRule) => new SubRuleMatch(subRule, fields).matches(machine.start));
}

/** The field-name steps a rule uses; event-ruler skips event members whose name is none of them. */
function usedSteps(subRules: readonly SubRule[]): Set<string> {
  const steps = new Set<string>();
  for (const subRule of subRules) for (const path of subRule.keys()) for (const step of javaSplit(path, '.')) steps.add(step);
  return steps;
}

function isStepUsed(step: string, steps: ReadonlySet<string>): boolean {
  if (steps.has(step)) return true;
  // Stryker disable next-line LogicalOperator,StringLiteral,MethodExpression: equivalent: they only visit more members, whose leaves no field of the rule asks for
  return step.includes('.') && javaSplit(step, '.').every((part) => steps.has(part));
}

/** event-ruler's `Event`: leaves keyed by dotted path, each element of an array of objects/arrays numbered. */
function flattenEvent(root: Extract<JsonNode, { kind: 'object' }>, steps: ReadonlySet<string>): Map<string, EventField[]> {
  const fields = new Map<string, EventField[]>();
  const membership = new Map<number, number>();
  let arrays = 0;
  const add = (path: readonly string[], node: JsonNode): void => {
    const name = path.join('.');
    const text = node.kind === 'string' ? `"${node.value}"` : (node as { text: string }).text;
    const list = fields.get(name) ?? [];
    list.push({ text, bytes: node.kind === 'string' ? javaUtf8(text) : text, membership: new Map(membership) });
    fields.set(name, list);
  };
  const visit = (path: readonly string[], node: JsonNode): void => {
    if (node.kind === 'object') {
      for (const [key, value] of node.entries) if (isStepUsed(key, steps)) visit([...path, key], value);
    } else if (node.kind === 'array') {
      // Stryker disable next-line UpdateOperator: ids need only be distinct
      const id = arrays++;
      node.items.forEach((item, index) => {
        if (item.kind === 'object' || item.kind === 'array') {
          membership.set(id, index);
          visit(path, item);
          membership.delete(id);
        } else {
          add(path, item);
        }
      });
    } else {
      add(path, node);
    }
  };
  visit([], root);
  return fields;
}

/** `ArrayMembership.checkArrayConsistency`: the merged membership, or undefined when one array's elements differ. */
function consistent(soFar: ReadonlyMap<number, number>, field: ReadonlyMap<number, number>): ReadonlyMap<number, number> | undefined {
  let merged: Map<number, number> | undefined;
  for (const [array, index] of field) {
    const previous = soFar.get(array);
    if (previous === undefined) {
      merged ??= new Map(soFar);
      merged.set(array, index);
    } else if (previous !== index) {
      return undefined;
    }
  }
  return merged ?? soFar;
}

/**
 * One alternative against the event, field by field in sorted order as event-ruler's ACFinder walks
 * its state machine: each field is matched by one event leaf array-consistent with those chosen
 * before it, or, for `exists: false`, by the absence of any such leaf.
 *
 * The search backtracks over the leaves of arrays, so it remembers the positions it has seen fail.
 * What remains to match depends only on the array elements chosen so far in arrays that the
 * remaining fields' leaves belong to, which keeps a failing search over independent arrays linear
 * instead of multiplying their lengths.
 */
class SubRuleMatch {
  private readonly keys: readonly string[];
  /** For each position, the arrays whose elements hold leaves of the fields from there on. */
  private readonly arraysAhead: ReadonlySet<number>[];
  private readonly failed = new Map<NameState, Set<string>>();

  constructor(
    private readonly subRule: SubRule,
    private readonly fields: ReadonlyMap<string, EventField[]>,
  ) {
    this.keys = [...subRule.keys()].sort();
    // Stryker disable next-line ArrayDeclaration: every index the search reads is assigned below
    const ahead: Set<number>[] = [];
    let arrays = new Set<number>();
    // Stryker disable next-line ArithmeticOperator: starting past the last key only adds entries nothing reads
    for (let index = this.keys.length - 1; index >= 0; index--) {
      arrays = new Set(arrays);
      for (const field of fields.get(this.keys[index]!) ?? []) for (const array of field.membership.keys()) arrays.add(array);
      ahead[index] = arrays;
    }
    this.arraysAhead = ahead;
  }

  matches(start: NameState): boolean {
    // A field that must hold a value but has no leaf at all fails the alternative outright.
    // Stryker disable next-line BlockStatement: equivalent: only fails early what step() fails (no leaf, no value)
    for (const [key, patterns] of this.subRule) {
      if (!patterns.some((pattern) => pattern.type === 'absent') && !this.fields.has(key)) return false;
    }
    return this.from(start, 0, new Map());
  }

  private from(state: NameState, index: number, membership: ReadonlyMap<number, number>): boolean {
    if (index === this.keys.length) return true;
    const seen = `${index}:${[...membership]
      .filter(([array]) => this.arraysAhead[index]!.has(array))
      .sort(([a], [b]) => a - b)
      .join(';')}`;
    const failed = this.failed.get(state) ?? new Set<string>();
    if (failed.has(seen)) return false;
    if (this.step(state, index, membership)) return true;
    failed.add(seen);
    this.failed.set(state, failed);
    return false;
  }

  private step(state: NameState, index: number, membership: ReadonlyMap<number, number>): boolean {
    const key = this.keys[index]!;
    const patterns = this.subRule.get(key)!;
    const candidates = this.fields.get(key) ?? [];
    if (patterns.some((pattern) => pattern.type === 'absent')) {
      const next = state.absent.get(key)!;
      if (!candidates.some((field) => consistent(membership, field.membership)) && this.from(next, index + 1, membership)) return true;
    }
    const values = state.values.get(key);
    if (!values) return false;
    for (const field of candidates) {
      const merged = consistent(membership, field.membership);
      if (!merged) continue;
      const matched = values.transitionOn(field);
      for (const pattern of patterns) {
        // Stryker disable next-line StringLiteral: equivalent: an absent pattern is never among the matched values either
        if (pattern.type === 'absent' || !matched.has(pattern)) continue;
        if (this.from(values.next.get(pattern)!, index + 1, merged)) return true;
      }
    }
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The state machine: event-ruler's NameStates and ByteMachines, as far as they change outcomes
// ---------------------------------------------------------------------------------------------

/**
 * Alternatives share event-ruler's NameStates and ByteMachines the way `GenericMachine.addStep`
 * builds them (no forced NameState reuse, the default). It matters because a ByteMachine holding a
 * numeric pattern reads every number-like value numerically, and one holding a `cidr` pattern also
 * reads IP-like strings as addresses.
 */
interface NameState {
  readonly values: Map<string, ValueMachine>;
  readonly absent: Map<string, NameState>;
}

interface Machine {
  readonly start: NameState;
}

function newNameState(): NameState {
  return { values: new Map(), absent: new Map() };
}

const machines = new WeakMap<readonly SubRule[], Machine>();

function buildMachine(subRules: readonly SubRule[]): Machine {
  const cached = machines.get(subRules);
  if (cached) return cached;
  const start = newNameState();
  for (const subRule of subRules) addSteps(start, subRule, [...subRule.keys()].sort(), 0);
  const machine = { start };
  machines.set(subRules, machine);
  return machine;
}

function addSteps(state: NameState, subRule: SubRule, keys: readonly string[], index: number): void {
  const key = keys[index]!;
  let last: NameState | undefined;
  const nextStates = new Set<NameState>();
  for (const pattern of subRule.get(key)!) {
    if (pattern.type === 'absent') {
      let next = state.absent.get(key);
      if (!next) {
        next = last ?? newNameState();
        state.absent.set(key, next);
      }
      last = next;
    } else {
      let values = state.values.get(key);
      if (!values) {
        values = new ValueMachine();
        state.values.set(key, values);
      }
      last = values.add(pattern, last);
    }
    nextStates.add(last);
  }
  if (index + 1 < keys.length) for (const next of nextStates) addSteps(next, subRule, keys, index + 1);
}

const VALUE_CACHE_LIMIT = 1000;

/** A ByteMachine: the value patterns of one field at one NameState. */
class ValueMachine {
  readonly next = new Map<ValuePattern, NameState>();
  private readonly byIdentity = new Map<string, ValuePattern>();
  // Stryker disable next-line BooleanLiteral: equivalent: without a numeric pattern, no pattern here matches a number's text that does not also match it read as a number (text patterns need quotes; anything-but holds either way)
  private hasNumeric = false;
  // Stryker disable next-line BooleanLiteral: equivalent: without an address pattern (a cidr, or a string that is an address), the address reading matches only what the text reading matches (exists)
  private hasIp = false;
  private readonly cache = new Map<string, ReadonlySet<ValuePattern>>();

  /** Adds a pattern (an equal pattern already here keeps its NameState) and returns its NameState. */
  add(pattern: ValuePattern, candidate: NameState | undefined): NameState {
    const identity = patternIdentity(pattern);
    const existing = this.byIdentity.get(identity);
    if (existing) {
      const state = this.next.get(existing)!;
      this.next.set(pattern, state);
      return state;
    }
    const state = candidate ?? newNameState();
    this.byIdentity.set(identity, pattern);
    this.next.set(pattern, state);
    if (pattern.type === 'numeric-equals' || pattern.type === 'numeric-range' || (pattern.type === 'anything-but' && pattern.numeric)) this.hasNumeric = true;
    if (pattern.type === 'ip-range') this.hasIp = true;
    return state;
  }

  /**
   * `ByteMachine.transitionOn`: the patterns a value satisfies. An IP-like string is also tried as
   * an address when a `cidr` pattern is present, before and independently of the numeric reading
   * (aws/event-ruler#131); a comparable number is read only numerically when a numeric pattern is
   * present.
   */
  transitionOn(field: EventField): ReadonlySet<ValuePattern> {
    const cached = this.cache.get(field.bytes);
    if (cached) return cached;
    const matched = new Set<ValuePattern>();
    if (this.hasIp) {
      // Stryker disable next-line LogicalOperator,EqualityOperator,MethodExpression,StringLiteral: equivalent: a string's text is always quoted, and no number's or literal's text, quoted or not, is an address
      const unquoted = field.text.length >= 2 && field.text.startsWith('"') && field.text.endsWith('"') ? field.text.slice(1, -1) : field.text;
      const hex = ipToHex(unquoted);
      if (hex) this.collect(hex, 'address', matched);
    }
    const key = this.hasNumeric ? comparableNumberKey(field.text) : undefined;
    if (key !== undefined) this.collect(key.toString(), 'number', matched, key);
    else this.collect(field.bytes, 'text', matched);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: when the cache is cleared only changes how much work is saved
    if (this.cache.size >= VALUE_CACHE_LIMIT) this.cache.clear(); // a long local run sees unbounded distinct values
    this.cache.set(field.bytes, matched);
    return matched;
  }

  private collect(value: string, as: 'address' | 'number' | 'text', matched: Set<ValuePattern>, key?: bigint): void {
    for (const pattern of this.next.keys()) {
      if (matchesValue(pattern, value, as, key)) matched.add(pattern);
    }
  }
}

/** One value pattern against a value read as text (UTF-8 bytes), as a number (its key) or as an address (hex). */
function matchesValue(pattern: ValuePattern, value: string, as: 'address' | 'number' | 'text', key: bigint | undefined): boolean {
  switch (pattern.type) {
    case 'exists':
      return true;
    case 'ip-range':
      return as === 'address' && inRange(value, pattern.range);
    case 'numeric-equals':
      return as === 'number' && key === pattern.key;
    case 'numeric-range':
      return as === 'number' && key !== undefined && (pattern.openBottom ? key > pattern.bottom : key >= pattern.bottom) && (pattern.openTop ? key < pattern.top : key <= pattern.top);
    case 'anything-but':
      // Fails only on an excluded value of its own kind: a string set never excludes a number.
      // Never satisfied by the address reading (hex digits are never excluded, so it would always
      // hold: event-ruler bug fixed in aws/event-ruler#131); the text reading decides.
      if (as === 'address') return false;
      return !((as === 'number') === pattern.numeric && pattern.values.has(value));
    case 'anything-but-prefix':
      return as !== 'text' ? as === 'number' : !pattern.values.some((prefix) => value.startsWith(prefix));
    case 'anything-but-suffix':
      return as !== 'text' ? as === 'number' : !pattern.values.some((suffix) => value.endsWith(suffix));
    case 'anything-but-equals-ignore-case':
    case 'anything-but-wildcard':
      return as !== 'text' ? as === 'number' : !pattern.regexes.some((regex) => regex.test(value));
    default:
      break;
  }
  if (as !== 'text') return false;
  switch (pattern.type) {
    case 'exact':
      return value === pattern.bytes;
    case 'prefix':
      return value.startsWith(pattern.bytes);
    case 'suffix':
      return value.endsWith(pattern.bytes);
    case 'equals-ignore-case':
    case 'prefix-equals-ignore-case':
    case 'suffix-equals-ignore-case':
    case 'wildcard':
      return pattern.regex.test(value);
  }
}

/** Equal patterns share one match in a ByteMachine (event-ruler compares `Patterns` by value). */
function patternIdentity(pattern: ValuePattern): string {
  return JSON.stringify(pattern, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Set) return [...(value as Set<string>)].sort();
    if (value instanceof RegExp) return value.source;
    return value;
  });
}
