/**
 * JSON as event-ruler reads it, and the Java string behaviour it relies on. Its streaming Jackson
 * parser keeps every member of an object in document order (a duplicate key is seen twice, not
 * overwritten) and every number as the text it was written in (`3.0`, `3e0` and
 * `9007199254740993` stay distinct; `JSON.parse` would collapse them). Pure: no dependencies.
 */

export type JsonNode =
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonNode])[] }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: 'true' | 'false' | 'null' };

export class JsonTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonTextError';
  }
}

/** Parses strict JSON (RFC 8259, as Jackson's defaults accept it) into a `JsonNode`. */
export function parseJsonText(text: string): JsonNode {
  const parser = new Parser(text);
  parser.skipWhitespace();
  const node = parser.value(0);
  parser.skipWhitespace();
  if (parser.position < text.length) parser.fail('unexpected content after the JSON value');
  return node;
}

/**
 * A JavaScript value as JSON text would carry it: `JSON.stringify` (so `toJSON`, dropped
 * `undefined` members and `NaN` → `null` behave as they do when the value is sent to AWS), then
 * parsed. Numbers are then spelled as JavaScript spells them (the shortest round-trip form).
 */
export function toJsonNode(value: unknown): JsonNode {
  const text = JSON.stringify(value);
  if (text === undefined) throw new JsonTextError('the value has no JSON form');
  return parseJsonText(text);
}

/** A JSON number's text, matched where the parser stands (sticky: no copy of the rest of the text). */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** A valid JSON string token, matched where the parser stands: what the loop in `string()` accepts. */
// eslint-disable-next-line no-control-regex -- JSON forbids control characters in a string: the token excludes them
const STRING_TOKEN = /"(?:[^"\\\u0000-\u001f]+|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;

/** Nesting limit: far above any legal event pattern, low enough that recursion cannot overflow. */
const MAX_DEPTH = 1000;

/** JSON's whitespace (RFC 8259): nothing else, not even a form feed. */
const WHITESPACE: ReadonlySet<string> = new Set([' ', '\t', '\n', '\r']);

class Parser {
  position = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new JsonTextError(`invalid JSON at character ${this.position}: ${message}`);
  }

  skipWhitespace(): void {
    // Past the end the character is undefined: no whitespace.
    while (WHITESPACE.has(this.text[this.position]!)) this.position++;
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    const char = this.text[this.position];
    switch (char) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return { kind: 'string', value: this.string() };
      case 't':
        return this.literal('true');
      case 'f':
        return this.literal('false');
      case 'n':
        return this.literal('null');
      case '-':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9':
        return this.number();
      default:
        return this.fail(char === undefined ? 'unexpected end of text' : `unexpected character ${JSON.stringify(char)}`);
    }
  }

  private object(depth: number): JsonNode {
    this.position++;
    const entries: [string, JsonNode][] = [];
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') this.fail('expected a member name');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.position] !== ':') this.fail('expected ":"');
      this.position++;
      this.skipWhitespace();
      entries.push([key, this.value(depth + 1)]);
      this.skipWhitespace();
      const next = this.text[this.position++];
      if (next === '}') return { kind: 'object', entries };
      if (next !== ',') this.fail('expected "," or "}"');
    }
  }

  private array(depth: number): JsonNode {
    this.position++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return { kind: 'array', items };
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      const next = this.text[this.position++];
      if (next === ']') return { kind: 'array', items };
      if (next !== ',') this.fail('expected "," or "]"');
    }
  }

  /**
   * A string token, decoded in one go by `JSON.parse`, which reads a checked token exactly as Jackson does (a lone surrogate
   * from `\uD800` stays one, as in a Java String). Building the value one escape at a time made a
   * detail near the 256 KiB limit take tens of milliseconds to read, for every rule it was matched
   * against. A valid token is matched by one regular expression (STRING_TOKEN: several times faster
   * than the loop on a detail full of escapes); the loop runs only to name what is wrong with an
   * invalid one.
   */
  private string(): string {
    const start = this.position;
    STRING_TOKEN.lastIndex = start;
    if (STRING_TOKEN.test(this.text)) {
      this.position = STRING_TOKEN.lastIndex;
      const token = this.text.slice(start, this.position);
      return token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
    }
    return this.invalidString();
  }

  /** Names what is wrong with the string token at the position, which STRING_TOKEN did not match. */
  private invalidString(): never {
    this.position++; // opening quote
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (Number.isNaN(code)) this.fail('unterminated string');
      if (code < 0x20) this.fail('control character in a string');
      if (code !== 0x5c) {
        // (A closing quote cannot come before the fault: the token would have matched.)
        this.position++;
        continue;
      }
      const escape = this.text[this.position + 1];
      this.position += 2;
      if (escape === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.position, this.position + 4))) this.fail('bad \\u escape');
        this.position += 4;
      } else if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
        this.fail('bad escape');
      }
    }
  }

  private number(): JsonNode {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('malformed number');
    const text = match[0];
    const after = this.text[this.position + text.length];
    if (after !== undefined && /[0-9.eE+-]/.test(after)) this.fail('malformed number'); // e.g. "01", "1.", "1e"
    this.position += text.length;
    return { kind: 'number', text };
  }

  private literal(text: 'true' | 'false' | 'null'): JsonNode {
    if (this.text.startsWith(text, this.position)) {
      this.position += text.length;
      return { kind: 'literal', text };
    }
    return this.fail('unknown literal');
  }
}

/**
 * UTF-8 bytes as Java's `String.getBytes(UTF_8)` produces them (a lone surrogate becomes `?`,
 * where `TextEncoder` would write U+FFFD), returned as a binary string: one character per byte,
 * so byte-level prefix, suffix and wildcard tests are plain string operations.
 */
export function javaUtf8(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out += text[i];
    } else if (code < 0x800) {
      out += String.fromCharCode(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // (Past the end charCodeAt is NaN: no low surrogate.)
      const point = 0x10000 + ((code - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00);
      out += String.fromCharCode(0xf0 | (point >> 18), 0x80 | ((point >> 12) & 0x3f), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '?';
    } else {
      out += String.fromCharCode(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return out;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** JSON text for a `JsonNode`, numbers spelled as they were parsed and duplicate keys kept. */
export function jsonNodeText(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `{${node.entries.map(([key, value]) => `${JSON.stringify(key)}:${jsonNodeText(value)}`).join(',')}}`;
    case 'array':
      return `[${node.items.map(jsonNodeText).join(',')}]`;
    case 'string':
      return JSON.stringify(node.value);
    default:
      return node.text;
  }
}

/** Java's `String.split` with a literal separator: trailing empty strings are removed. */
export function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.at(-1) === '') parts.pop();
  return parts;
}
