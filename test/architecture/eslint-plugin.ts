/**
 * The layers of ./layers.ts as an ESLint rule, `layers/import-direction`: every import a file makes
 * is judged by the same `importViolation` the import test runs, so the rules have one source and
 * an editor shows a wrong import where it is written.
 */
import { statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ESLint, Rule } from 'eslint';
import { fileResolver, importViolation, layerOf } from './layers';

const ROOT = join(__dirname, '..', '..');
const exists = (file: string): boolean => statSync(join(ROOT, file), { throwIfNoEntry: false })?.isFile() ?? false;
const resolve = fileResolver(exists);

/** A string literal node's value, or undefined. */
const literalValue = (node: unknown): string | undefined => {
  const candidate = node as { type?: string; value?: unknown; literal?: unknown } | null | undefined;
  if (candidate?.type === 'Literal' && typeof candidate.value === 'string') return candidate.value;
  if (candidate?.type === 'TSLiteralType') return literalValue(candidate.literal);
  return undefined;
};

const importDirection: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layers of docs/architecture.md (test/architecture/layers.ts).' },
    schema: [],
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/');
    if (file.startsWith('..')) return {};
    const check = (node: object, specifier: string | undefined): void => {
      if (specifier === undefined) return;
      const problem = importViolation(file, specifier, resolve);
      if (problem) context.report({ node: node as Rule.Node, message: problem });
    };
    return {
      Program(node) {
        if (!layerOf(file)) check(node, '');
      },
      ImportDeclaration: (node) => check(node.source, literalValue(node.source)),
      ExportNamedDeclaration: (node) => node.source && check(node.source, literalValue(node.source)),
      ExportAllDeclaration: (node) => check(node.source, literalValue(node.source)),
      ImportExpression: (node) => check(node.source, literalValue(node.source)),
      CallExpression(node) {
        const callee = node.callee as { type: string; name?: string };
        if (callee.type === 'Identifier' && callee.name === 'require') check(node, literalValue(node.arguments[0]));
      },
      // `import('x').T` types and `import x = require('x')`: TypeScript syntax, which ESLint's own types do not name.
      ...({
        TSImportType: (node: Rule.Node & { argument?: unknown }) => check(node, literalValue(node.argument)),
        TSExternalModuleReference: (node: Rule.Node & { expression?: unknown }) => check(node, literalValue(node.expression)),
      } as Rule.RuleListener),
    };
  },
};

export const layersPlugin: ESLint.Plugin = { meta: { name: 'layers' }, rules: { 'import-direction': importDirection } };
