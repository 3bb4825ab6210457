/**
 * The move from CDKTF to its community fork CDK Terrain (`cdktn`), as data and pure rewrites, so
 * that `npm run check:cdktn` applies exactly what docs/cdk-terrain.md tells a team to do.
 */
import ts from 'typescript';

/** Packages renamed, with the version CDK Terrain needs. */
export const PACKAGE_SWAPS: readonly { readonly from: string; readonly to: string; readonly version: string; readonly section: 'dependencies' | 'devDependencies' }[] = [
  { from: 'cdktf', to: 'cdktn', version: '0.24.0', section: 'dependencies' },
  // AWS provider 6.66 (cdktf's 21.22.1 has 6.25): the one difference in behaviour to review.
  { from: '@cdktf/provider-aws', to: '@cdktn/provider-aws', version: '25.7.0', section: 'dependencies' },
  { from: 'cdktf-cli', to: 'cdktn-cli', version: '0.24.0', section: 'devDependencies' },
  { from: '@cdktf/hcl2json', to: '@cdktn/hcl2json', version: '0.24.0', section: 'devDependencies' },
];

/** cdktn 0.24 and @cdktn/provider-aws 25 declare constructs >=10.6.0 <10.8.0. */
export const CONSTRUCTS_VERSION = '10.7.2';
/** cdktn-cli 0.24 declares node >=22.19.0 (the provider bindings >=22.11.0). */
export const CDKTN_NODE_FLOOR = '>=22.19.0';

/** A module specifier of CDKTF's and its CDK Terrain name: `cdktf/lib/x` → `cdktn/lib/x`; others unchanged. */
export function renameSpecifier(specifier: string): string {
  for (const { from, to } of PACKAGE_SWAPS) {
    if (specifier === from || specifier.startsWith(`${from}/`)) return to + specifier.slice(from.length);
  }
  return specifier;
}

/**
 * `source` with every module specifier renamed: imports, re-exports, `require()`, `import()` and
 * `import('x')` types. Only specifiers: a string such as `ManagedBy: 'cdktf'` (a tag value) or
 * `'cdktf.out'` stays as it is.
 */
export function rewriteSpecifiers(source: string, fileName = 'file.ts'): string {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (!node || !ts.isStringLiteralLike(node)) return;
    const renamed = renameSpecifier(node.text);
    // Inside the quotes: the quote character stays as written.
    if (renamed !== node.text) edits.push({ start: node.getStart(file) + 1, end: node.getEnd() - 1, text: renamed });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) literal(node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isRequireResolve = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require';
      if (isRequire || isRequireResolve || callee.kind === ts.SyntaxKind.ImportKeyword) literal(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return edits.sort((a, b) => b.start - a.start).reduce((text, edit) => text.slice(0, edit.start) + edit.text + text.slice(edit.end), source);
}

export interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * package.json after the move. `keepDevDependencies` limits devDependencies to what the check needs
 * (the swapped CLI, TypeScript, tsx): the full set is the same move, only slower to install.
 */
export function migratePackageJson(pkg: PackageJson, keepDevDependencies?: readonly string[]): PackageJson {
  const sections = { dependencies: { ...pkg.dependencies }, devDependencies: { ...pkg.devDependencies } };
  for (const swap of PACKAGE_SWAPS) {
    const had = swap.from in sections.dependencies || swap.from in sections.devDependencies;
    delete sections.dependencies[swap.from];
    delete sections.devDependencies[swap.from];
    if (had) sections[swap.section][swap.to] = swap.version;
  }
  if ('constructs' in sections.dependencies) sections.dependencies.constructs = CONSTRUCTS_VERSION;
  const keep = keepDevDependencies ? new Set([...keepDevDependencies, ...PACKAGE_SWAPS.map((swap) => swap.to)]) : undefined;
  const devDependencies = keep ? Object.fromEntries(Object.entries(sections.devDependencies).filter(([name]) => keep.has(name))) : sections.devDependencies;
  const sort = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return { ...pkg, dependencies: sort(sections.dependencies), devDependencies: sort(devDependencies) };
}
