/**
 * Just enough of the Dockerfile and .dockerignore languages for the image tests: instructions
 * (continuation lines joined, comments dropped), stages, COPY's flags and sources, JSON-form
 * commands, and the context filter (Go-style globs, `!` exceptions, the last matching line wins,
 * a pattern matching a directory matches what is inside it).
 */

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** 1-based line of the instruction's first line. */
  readonly line: number;
}

export interface Stage {
  /** The `AS` name, or the stage's index as a string. */
  readonly name: string;
  /** The image or stage it starts from. */
  readonly from: string;
  /** `--platform=...` of its FROM, if any. */
  readonly platform?: string;
  readonly instructions: readonly Instruction[];
}

export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let current = lines[i]!;
    if (/^\s*(#|$)/.test(current)) continue;
    while (current.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      current = current.trimEnd().slice(0, -1);
      i++;
      // A comment line inside a continued instruction is dropped; the instruction goes on.
      while (/^\s*#/.test(lines[i]!) && i + 1 < lines.length) i++;
      current += ` ${lines[i]!.trim()}`;
    }
    const match = /^\s*(\S+)\s*(.*)$/.exec(current)!;
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: first });
  }
  return instructions;
}

export function parseStages(text: string): Stage[] {
  const stages: { name: string; from: string; platform?: string; instructions: Instruction[] }[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/);
      const platform = words[0]!.startsWith('--platform=') ? words.shift()!.slice('--platform='.length) : undefined;
      const as = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? words[as + 1]! : String(stages.length), from: words[0]!, ...(platform ? { platform } : {}), instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

export interface Copy {
  readonly flags: Readonly<Record<string, string>>;
  readonly sources: readonly string[];
  readonly destination: string;
}

export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [name, value = ''] = words.shift()!.slice(2).split('=');
    flags[name!] = value;
  }
  return { flags, sources: words.slice(0, -1), destination: words.at(-1)! };
}

/** The JSON (exec) form of CMD or ENTRYPOINT, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const parsed = JSON.parse(args) as unknown;
    return Array.isArray(parsed) && parsed.every((part) => typeof part === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A .dockerignore pattern as a RegExp over a whole path (Go filepath.Match plus `**`). */
function patternRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      out += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Whether the build context keeps `path` (repository-relative, forward slashes) under these .dockerignore rules. */
export function dockerContextIncludes(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exception = line.startsWith('!');
      const pattern = (exception ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { exception, regexp: patternRegExp(pattern) };
    });
  const parts = path.split('/');
  const selfAndParents = parts.map((_part, index) => parts.slice(0, index + 1).join('/'));
  let included = true;
  for (const rule of rules) {
    if (selfAndParents.some((candidate) => rule.regexp.test(candidate))) included = rule.exception;
  }
  return included;
}
