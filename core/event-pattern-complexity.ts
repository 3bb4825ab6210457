/**
 * "Rule is too complex": EventBridge refuses a rule whose wildcards make matching too
 * non-deterministic. event-ruler measures this with `MachineComplexityEvaluator`: the most wildcard
 * patterns whose prefixes one worst-case input value can match at the same time. This module
 * rebuilds the part of event-ruler's byte machine that wildcards create (`ByteMachine.addMatchValue`
 * and the wildcard transitions it adds) and runs the same evaluation over it. An anything-but
 * wildcard set is inserted as event-ruler inserts it (`addAnythingButValuesSetPattern`), in its
 * HashSet's order. Where event-ruler's choice depends on identity hash codes (which of several
 * matches a longer string extends) or an order is not modelled, the score taken is at least
 * event-ruler's: stricter than AWS there, never kinder.
 *
 * The limit is `EVENT_PATTERN_MAX_COMPLEXITY` (core/aws-limits.ts, with the evidence for it).
 *
 * Pure: no dependencies beyond the JSON helpers and the AWS limits.
 */
import { EVENT_PATTERN_MAX_COMPLEXITY } from './aws-limits';
import { javaUtf8 } from './event-pattern-json';

/** What this module needs of a compiled rule's state machine (event-pattern.ts builds it). */
export interface ComplexityState {
  readonly values: ReadonlyMap<string, { readonly next: ReadonlyMap<ComplexityPattern, ComplexityState> }>;
  readonly absent: ReadonlyMap<string, ComplexityState>;
}
export type ComplexityPattern = { readonly type: string; readonly text?: string; readonly texts?: readonly string[] };

/**
 * The rule's complexity: the worst of its byte machines, reached through every state (absent-key
 * edges included, as event-ruler's evaluator follows them). Evaluation stops at `cap`.
 */
export function ruleComplexity(start: ComplexityState, cap = EVENT_PATTERN_MAX_COMPLEXITY + 1): number {
  let worst = 0;
  const seen = new Set<ComplexityState>();
  const visit = (state: ComplexityState): void => {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: only ends work early: the states form no cycle (event-ruler's NameStates do not), and past the cap the result is the cap (Math.min below)
    if (seen.has(state) || worst >= cap) return;
    seen.add(state);
    for (const values of state.values.values()) {
      worst = Math.max(worst, patternsComplexity([...values.next.keys()], cap));
      for (const next of values.next.values()) visit(next);
    }
    for (const next of state.absent.values()) visit(next);
  };
  visit(start);
  return Math.min(worst, cap);
}

// ---------------------------------------------------------------------------------------------
// The wildcard part of a byte machine
// ---------------------------------------------------------------------------------------------

const WILDCARD = -1; // an input character that is a wildcard rather than a byte

/** A transition target: a state (event-ruler's ByteState is its own transition), a match, or both. */
interface ByteState {
  readonly id: number;
  readonly bytes: Map<number, Set<Single>>;
  readonly allBytes: Set<Single>;
  indeterminate: boolean;
}
interface Match {
  readonly id: number;
  readonly pattern: object;
}
interface Composite {
  readonly id: number;
  readonly state: ByteState;
  readonly match: Match;
}
type Single = ByteState | Match | Composite;

class WildcardMachine {
  private ids = 0;
  readonly start = this.state(false);

  state(indeterminate: boolean): ByteState {
    return { id: this.ids++, bytes: new Map(), allBytes: new Set(), indeterminate };
  }

  private readonly matches = new Map<object, Map<object, Match>>();

  /** event-ruler's ByteMatch equals another of the same pattern and next NameState: one object here, which transition sets hold once. */
  match(pattern: object, nameState: object): Match {
    const byNameState = this.matches.get(pattern) ?? new Map<object, Match>();
    this.matches.set(pattern, byNameState);
    const match = byNameState.get(nameState) ?? { id: this.ids++, pattern };
    byNameState.set(nameState, match);
    return match;
  }

  composite(state: ByteState, match: Match): Composite {
    return { id: this.ids++, state, match };
  }

  /** `ByteMachine.addMatchValue` for a pattern parsed into bytes and wildcards. */
  add(pattern: object, characters: readonly number[], nameState: object): void {
    let state = this.start;
    let previous: ByteState | undefined;
    let index = 0;
    for (; index < characters.length - 1; index++) {
      const reuse = [...transition(state, characters[index]!)].map(nextState).find((next) => this.canReuse(state, next, characters, index));
      if (!reuse) break;
      previous = state;
      state = reuse;
    }
    // addEndOfMatch: a transition that only carries a match gets a next state of its own, the match
    // and the new state becoming one composite (putTransitionNextState), unless the pattern's last
    // character is a wildcard right after it (that needs a composite of this pattern's own).
    const extended = index < characters.length - 1 && !(index === characters.length - 2 && characters[index + 1] === WILDCARD) && this.extendMatch(state, characters[index]!);
    if (extended) {
      previous = state;
      state = extended;
      index++;
    }
    // Then new states to the end.
    for (; index < characters.length - 1; index++) {
      const next = this.makeNext(state, previous, characters, index, pattern, nameState);
      previous = state;
      state = next;
    }
    this.insertMatch(characters, state, pattern, previous, nameState);
  }

  /**
   * event-ruler takes the transition's first single when none has a next state. With several
   * (matches of different patterns, in a HashSet ordered by identity hash codes) which one it takes
   * cannot be known, so none is taken: makeNext then adds a separate state, which scores at least as
   * high as any of them would (its match is counted apart from the state's patterns).
   */
  private extendMatch(state: ByteState, character: number): ByteState | undefined {
    const singles = state.bytes.get(character);
    const only = singles?.size === 1 && state.allBytes.size === 0 ? [...singles][0]! : undefined;
    if (!only || !('pattern' in only)) return undefined;
    const next = this.state(state.indeterminate);
    singles!.clear();
    singles!.add(this.composite(next, only));
    return next;
  }

  private canReuse(state: ByteState, next: ByteState | undefined, characters: readonly number[], index: number): next is ByteState {
    if (!next || next === state) return false;
    if (!next.indeterminate) return !(index === characters.length - 2 && characters[index + 1] === WILDCARD);
    return !convergesForInputByte(state, characters, index);
  }

  /**
   * A new state for the character at `index`. Never an existing one: the reuse loop of `add` took
   * every next state that may be reused, and the states made here are new, so the ones left are
   * indeterminate, or lead to a pattern's last wildcard.
   */
  private makeNext(state: ByteState, previous: ByteState | undefined, characters: readonly number[], index: number, pattern: object, nameState: object): ByteState {
    const next = this.state(state.indeterminate);
    const character = characters[index]!;
    if (character === WILDCARD) {
      next.allBytes.add(next);
      next.indeterminate = true;
      state.allBytes.add(next);
      return next;
    }
    let single: Single = next;
    if (index === characters.length - 2 && characters[characters.length - 1] === WILDCARD) {
      single = this.composite(next, this.match(pattern, nameState));
      // Stryker disable next-line BooleanLiteral: equivalent: insertMatch, next for this pattern's trailing wildcard, marks the state indeterminate too (nothing reads it before)
      next.indeterminate = true;
    }
    addTransition(state, character, single);
    // The character after a wildcard may also be reached with the wildcard matching nothing.
    if (previous && characters[index - 1] === WILDCARD) addTransition(previous, character, single);
    return next;
  }

  /** The pattern's last character, from `state`. */
  private insertMatch(characters: readonly number[], state: ByteState, pattern: object, previous: ByteState | undefined, nameState: object): void {
    const index = characters.length - 1;
    const character = characters[index]!;
    if ([...transition(state, character)].some((single) => matchOf(single)?.pattern === pattern)) return;
    const match = this.match(pattern, nameState);
    if (character === WILDCARD) {
      // A trailing wildcard: the state matches and loops on every byte with a second composite.
      const composite = previous && [...transition(previous, characters[index - 1]!)].find((single) => nextState(single) === state);
      const base = composite && 'match' in composite ? composite : this.composite(state, match);
      state.allBytes.add(this.composite(base.state, base.match));
      state.indeterminate = true;
      return;
    }
    addTransition(state, character, match);
    // A wildcard before the last character: a step was taken, so there is a previous state.
    if (characters[index - 1] === WILDCARD) addTransition(previous!, character, match);
  }
}

/** The transitions on a byte (a wildcard, which has no entry in `bytes`, takes only `allBytes`). */
function transition(state: ByteState, character: number): Set<Single> {
  const specific = state.bytes.get(character);
  if (!specific) return state.allBytes;
  return new Set([...specific, ...state.allBytes]);
}

function addTransition(state: ByteState, byte: number, single: Single): void {
  const set = state.bytes.get(byte) ?? new Set<Single>();
  set.add(single);
  state.bytes.set(byte, set);
}

/** The state a transition leads to: itself, a composite's state, or none for a bare match. */
function nextState(single: Single): ByteState | undefined {
  return 'bytes' in single ? single : (single as Partial<Composite>).state;
}

/** The match a transition carries: itself, a composite's match, or none for a bare state. */
function matchOf(single: Single): Match | undefined {
  return 'pattern' in single ? single : (single as Partial<Composite>).match;
}

/**
 * `ByteMachine.doMultipleTransitionsConvergeForInputByte`: an indeterminate state is not reused
 * when the state also leaves on a wildcard (to somewhere other than itself), or, as event-ruler's
 * check is written, when the next character has distinct upper- and lower-case forms.
 */
function convergesForInputByte(state: ByteState, characters: readonly number[], index: number): boolean {
  const byte = characters[index]!;
  if (byte === WILDCARD || (byte >= 0x80 && byte <= 0xbf)) return false;
  if (state.allBytes.size > 0 && !(state.allBytes.size === 1 && state.allBytes.has(state))) return true;
  const char = decodeCharacter(characters, index);
  return char.toLowerCase() !== char.toUpperCase();
}

/**
 * The character whose UTF-8 starts at `index` (a lead byte: a wildcard never falls inside a
 * character), as event-ruler's `extractNextJavaCharacterFromInputCharactersForForwardArrays` reads
 * it: at most three bytes, so a four-byte character (𐐨) decodes to U+FFFD, which has no case.
 */
function decodeCharacter(characters: readonly number[], index: number): string {
  const first = characters[index]!;
  // Stryker disable next-line EqualityOperator: equivalent: 0x80 is never a lead byte, and the characters led by 0xE0 (U+0800 to U+0FFF) have no case, decoded whole or not
  const length = first < 0x80 ? 1 : first < 0xe0 ? 2 : 3;
  return new TextDecoder().decode(Uint8Array.from(characters.slice(index, index + length)));
}

/** event-ruler's `WildcardParser` (the text is already valid). */
function wildcardCharacters(text: string): number[] {
  const characters: number[] = [];
  const bytes = javaUtf8(text);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes.charCodeAt(i);
    if (byte === 0x2a) {
      characters.push(WILDCARD);
    } else if (byte === 0x5c) {
      characters.push(bytes.charCodeAt(++i));
    } else {
      characters.push(byte);
    }
  }
  return characters;
}

// ---------------------------------------------------------------------------------------------
// MachineComplexityEvaluator.evaluate
// ---------------------------------------------------------------------------------------------

/**
 * The complexity of one field's patterns at one state (one event-ruler ByteMachine). `wildcard`
 * patterns count, and so does an `anything-but` wildcard set, once for all its strings (one
 * pattern object in event-ruler). `quoted: false` evaluates raw byte patterns, as event-ruler's
 * own ByteMachine tests do; rules always quote them.
 */
export function patternsComplexity(patterns: readonly ComplexityPattern[], cap = Number.MAX_SAFE_INTEGER, quoted = true): number {
  const machine = new WildcardMachine();
  let startMatches = 0;
  const canonical = new Map<string, ComplexityPattern>();
  // event-ruler's ByteMatch equals another of the same pattern and next NameState. A rule's patterns
  // on one field share one NameState (GenericMachine.addStep hands each the last one returned), so an
  // anything-but set's strings end in one match however many they are. A raw ByteMachine.addPattern
  // starts from no NameState each time, so its insertions do not share one.
  const fieldNameState = {};
  for (const given of patterns) {
    // Equal patterns are one pattern in event-ruler (`Patterns.equals`): they share one match, so
    // count once. But a repeated one is inserted again, and the states that second insertion adds
    // raise the score (a rule with "*a*a*a" twice scores 11 in event-ruler, once 6), so it is not skipped.
    // An anything-but set is a Java Set: the same strings in another order, or repeated, are equal.
    const identity = JSON.stringify([given.type, given.text, given.texts && [...new Set(given.texts)].sort()]);
    const pattern = canonical.get(identity) ?? given;
    canonical.set(identity, pattern);
    const texts = complexityTexts(pattern, quoted);
    // An order event-ruler's HashSet gives that is not modelled: refused, as the strictest score is.
    if (!texts) return cap;
    for (const text of texts) {
      const characters = wildcardCharacters(text);
      // A lone "*" makes the start state itself a match (ByteMachine.startStateMatch): one more prefix.
      if (characters.length === 1 && characters[0] === WILDCARD) startMatches = 1;
      else machine.add(pattern, characters, quoted ? fieldNameState : {});
    }
  }
  // No pattern: an empty machine, which evaluates to 0.
  return Math.min(cap, startMatches + evaluate(machine.start, cap));
}

/**
 * The byte strings event-ruler inserts, in its order, or undefined where that order cannot be known.
 * A wildcard is `"text"`. An anything-but wildcard set is its strings, each `"text"` too
 * (JsonRuleCompiler.generateValueBasedOnMatchType), deduplicated and inserted in the iteration order
 * of the HashSet they are parsed into (ByteMachine.addAnythingButValuesSetPattern).
 */
function complexityTexts(pattern: ComplexityPattern, quoted: boolean): readonly string[] | undefined {
  if (pattern.type === 'wildcard') return [quoted ? `"${pattern.text!}"` : pattern.text!];
  if (pattern.type === 'anything-but-wildcard') return javaHashSetOrder(pattern.texts!.map((text) => (quoted ? `"${text}"` : text)));
  return [];
}

/**
 * The order a `java.util.HashSet<String>` built by adding `values` iterates them: by bucket
 * (`hashCode ^ hashCode >>> 16`, masked to the table size), then in insertion order within a bucket.
 * The table starts at 16 buckets and doubles when the set holds more than three quarters of it, or
 * when a bucket reaches 9 strings while the table is under 64 (HashMap.treeifyBin); splitting keeps
 * each bucket's order. A bucket of 9 in a table of 64 or more becomes a red-black tree whose order
 * is not modelled: undefined (11 strings of one hash code, e.g. "AaAa…"/"BBBB…", get there).
 */
export function javaHashSetOrder(values: readonly string[]): string[] | undefined {
  // Stryker disable next-line ArrayDeclaration: equivalent: resize(16) below replaces it before any use
  let buckets: string[][] = [[]];
  const resize = (size: number): void => {
    const previous = buckets.flat();
    buckets = Array.from({ length: size }, () => []);
    for (const value of previous) buckets[bucketOf(value, size)]!.push(value);
  };
  resize(16);
  let size = 0;
  for (const value of values) {
    const bucket = buckets[bucketOf(value, buckets.length)]!;
    if (bucket.includes(value)) continue;
    bucket.push(value);
    if (bucket.length > 8) {
      if (buckets.length >= 64) return undefined;
      resize(buckets.length * 2);
    }
    size++;
    if (size > buckets.length * 0.75) resize(buckets.length * 2);
  }
  return buckets.flat();
}

function bucketOf(value: string, size: number): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) hash = (Math.imul(hash, 31) + value.charCodeAt(i)) | 0;
  return (hash ^ (hash >>> 16)) & (size - 1);
}

function evaluate(start: ByteState, cap: number): number {
  const reachable = new Map<Single, Set<object>>();
  const patternsFrom = (single: Single): Set<object> => {
    const known = reachable.get(single);
    // Stryker disable next-line ConditionalExpression: a memo; computing the set again gives an equal set
    if (known) return known;
    const patterns = new Set<object>();
    reachable.set(single, patterns);
    const stack: Single[] = [single];
    // Stryker disable next-line ArrayDeclaration: marking the start visited only saves pushing it again; its patterns are in the set already
    const visited = new Set<Single>([single]);
    while (stack.length > 0) {
      const current = stack.pop()!;
      const match = matchOf(current);
      if (match) patterns.add(match.pattern);
      const next = nextState(current);
      if (!next) continue;
      for (const target of outgoing(next)) {
        if (!visited.has(target)) {
          visited.add(target);
          stack.push(target);
        }
      }
    }
    return patterns;
  };

  let worst = 0;
  const visited = new Set<string>();
  const queue: Set<Single>[] = transitionsOf([start]);
  while (queue.length > 0) {
    const current = queue.shift()!;
    // Stryker disable MethodExpression,ArrowFunction,ArithmeticOperator: equivalent: sorting only makes equal sets one identity; unsorted, a set is scored again, to the same size
    const identity = [...current]
      .map((single) => single.id)
      .sort((a, b) => a - b)
      .join(',');
    // Stryker restore MethodExpression,ArrowFunction,ArithmeticOperator
    if (visited.has(identity)) continue;
    visited.add(identity);
    let size = 0;
    for (const single of current) {
      size += patternsFrom(single).size;
      const next = nextState(single);
      if (!next) continue;
      // An input that matches foo also matches foo*: count what the state's wildcard leads to.
      for (const viaWildcard of next.allBytes) if (!current.has(viaWildcard)) size += patternsFrom(viaWildcard).size;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: an early return; past the cap the caller's Math.min gives the cap anyway
    if (size >= cap) return cap;
    worst = Math.max(worst, size);
    const states = [...current].map(nextState).filter((state): state is ByteState => state !== undefined);
    queue.push(...transitionsOf(states));
  }
  return worst;
}

function outgoing(state: ByteState): Set<Single> {
  const all = new Set<Single>(state.allBytes);
  for (const set of state.bytes.values()) for (const single of set) all.add(single);
  return all;
}

/** The distinct sets of transitions the given states take together on each possible byte. */
function transitionsOf(states: readonly ByteState[]): Set<Single>[] {
  const specificBytes = new Set<number>();
  for (const state of states) for (const byte of state.bytes.keys()) specificBytes.add(byte);
  const result = new Map<string, Set<Single>>();
  const add = (set: Set<Single>): void => {
    if (set.size === 0) return;
    // Stryker disable MethodExpression,ArrowFunction,ArithmeticOperator: equivalent: sorting only makes equal sets one entry; unsorted, an equal set is queued twice and scored the same
    const identity = [...set]
      .map((single) => single.id)
      .sort((a, b) => a - b)
      .join(',');
    // Stryker restore MethodExpression,ArrowFunction,ArithmeticOperator
    if (!result.has(identity)) result.set(identity, set);
  };
  for (const byte of specificBytes) {
    const set = new Set<Single>();
    for (const state of states) for (const single of transition(state, byte)) set.add(single);
    add(set);
  }
  // The bytes no state names take only the wildcard transitions. There always are some: the
  // machine holds UTF-8, in which 0xF8 to 0xFF never occur.
  const unnamed = new Set<Single>();
  for (const state of states) for (const single of state.allBytes) unnamed.add(single);
  add(unnamed);
  return [...result.values()];
}
