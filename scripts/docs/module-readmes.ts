/**
 * The Inputs and Outputs tables of each HCL module's README, generated from its `variables.tf` and
 * `outputs.tf`: names in declaration order, descriptions, types and defaults as written. Parsed
 * with HashiCorp's HCL parser (tooling/hcl-reader.ts); the declaration order, types and defaults
 * are taken from the source text, which the parser does not keep.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParsedModule, parseHcl, parseModule } from '../../tooling/hcl-reader';
import { cell, code, table } from './generated-sections';

/** A top-level block's name and text: `variable "name" { … }` to its closing brace at column 0. */
function blocks(text: string, kind: 'variable' | 'output'): { name: string; text: string }[] {
  return [...text.matchAll(new RegExp(`^${kind} "([^"]+)" \\{\\n([\\s\\S]*?)^\\}`, 'gm'))].map((match) => ({ name: match[1]!, text: match[2]! }));
}

/** An expression on one line: `list(object({ a = string, b = number }))`, `[{ x = 1 }]`; comment lines left out. */
export function oneLine(expression: string): string {
  const lines = expression
    .split('\n')
    .map((line) => line.trim().replace(/\s+=\s+/g, ' = '))
    .filter((line) => line.length > 0 && !/^(?:#|\/\/)/.test(line));
  let out = lines[0] ?? '';
  for (const line of lines.slice(1)) {
    const opens = /[{([]$/.test(out);
    const closes = /^[})\]]/.test(line);
    out += opens || closes || out.endsWith(',') ? ` ${line}` : `, ${line}`;
  }
  return out;
}

/** The value of `attribute = …` in a block's text, to its end (brackets balanced across lines). */
function attribute(text: string, name: string): string | undefined {
  const start = new RegExp(`^\\s*${name}\\s*=\\s*`, 'm').exec(text);
  if (!start) return undefined;
  let depth = 0;
  let end = start.index + start[0].length;
  for (; end < text.length; end++) {
    const char = text[end]!;
    if ('{(['.includes(char)) depth++;
    else if ('})]'.includes(char)) depth--;
    else if (char === '"') end = text.indexOf('"', end + 1) === -1 ? text.length : skipString(text, end);
    else if (char === '\n' && depth === 0) break;
  }
  return text.slice(start.index + start[0].length, end).trim();
}

/** The index of the closing quote of the string starting at `start`. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function inputsTable(module: ParsedModule, variablesText: string): string {
  const rows = blocks(variablesText, 'variable').map(({ name, text }) => {
    const variable = module.variables[name];
    if (!variable?.description) throw new Error(`${module.dir}: variable "${name}" has no description`);
    const type = attribute(text, 'type');
    const value = attribute(text, 'default');
    return [code(name), cell(variable.description), type ? cell(code(oneLine(type))) : '', value === undefined ? 'n/a' : cell(code(oneLine(value))), value === undefined ? 'yes' : 'no'];
  });
  return table(['Name', 'Description', 'Type', 'Default', 'Required'], rows, ['---', '---', '---', '---', ':---:']);
}

function outputsTable(module: ParsedModule, outputsText: string): string {
  const rows = blocks(outputsText, 'output').map(({ name }) => {
    const output = module.outputs[name];
    if (!output?.description) throw new Error(`${module.dir}: output "${name}" has no description`);
    return [code(name), cell(output.description)];
  });
  return table(['Name', 'Description'], rows);
}

/** The generated sections of one module's README, by section id; `parse` reads each file (the tests remember its results). */
export async function moduleReadmeSections(dir: string, parse: typeof parseHcl = parseHcl): Promise<Record<string, string>> {
  const module = await parseModule(dir, parse);
  return {
    inputs: inputsTable(module, readFileSync(join(dir, 'variables.tf'), 'utf8')),
    outputs: outputsTable(module, readFileSync(join(dir, 'outputs.tf'), 'utf8')),
  };
}
