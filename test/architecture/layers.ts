/**
 * The layers of this repository and the imports each may make, as data, plus the checker that
 * test/architecture/layers.test.ts runs over every TypeScript file. docs/architecture.md draws the
 * same layers; change both together.
 *
 * From the bottom: core/ (pure vocabulary) and tooling/ (processes, files, command lines); the
 * configuration (catalog/, environments/); four peers that never import each other: stacks/,
 * event-client/, local/ and plan-review/; delivery/ (Terraform workflows); and the entry points:
 * scripts/, main.ts and task-programs/. Concrete configuration (the booking saga, the environments)
 * is read only by entry points and tests: everything below takes it as an argument.
 */
import * as path from 'node:path';
import ts from 'typescript';

export type Layer = 'core' | 'tooling' | 'configuration' | 'stacks' | 'event-client' | 'local' | 'plan-review' | 'delivery' | 'verify' | 'entry' | 'test';

/** Top-level folders (and root files) and their layer. A file anywhere else is a finding: place it. */
export const LAYER_OF_FOLDER: Readonly<Record<string, Layer>> = {
  core: 'core',
  tooling: 'tooling',
  catalog: 'configuration',
  environments: 'configuration',
  stacks: 'stacks',
  'event-client': 'event-client',
  local: 'local',
  'plan-review': 'plan-review',
  delivery: 'delivery',
  verify: 'verify',
  scripts: 'entry',
  'task-programs': 'entry',
  'main.ts': 'entry',
  test: 'test',
  // Dev tooling: the lint configuration reads the layer rules from test/architecture/.
  'eslint.config.ts': 'test',
};

const ALL_LAYERS = Object.values(LAYER_OF_FOLDER);

/** The layers each layer may import (itself included). */
export const ALLOWED_LAYERS: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ['core'],
  tooling: ['tooling', 'core'],
  configuration: ['configuration', 'core'],
  stacks: ['stacks', 'configuration', 'tooling', 'core'],
  'event-client': ['event-client', 'configuration', 'core'],
  local: ['local', 'configuration', 'tooling', 'core'],
  'plan-review': ['plan-review', 'core'],
  delivery: ['delivery', 'plan-review', 'configuration', 'tooling', 'core'],
  // npm run verify: the real tools over what the stacks synthesize (it reads cdk.tf.json, not stacks/).
  verify: ['verify', 'configuration', 'tooling', 'core'],
  entry: ALL_LAYERS.filter((layer) => layer !== 'test'),
  test: ALL_LAYERS,
};

/**
 * Packages each layer may import: exact names or prefixes ending in `/` or `*`. `node:*` is every
 * Node built-in. cdktf stays in stacks/; the AWS SDK stays out of everything that is synthesized
 * or reviewed; core is pure: no package at all, not even a Node built-in.
 */
export const ALLOWED_PACKAGES: Readonly<Record<Layer, readonly string[]>> = {
  core: [],
  // hcl2json (a dev dependency): reading the HCL modules, for their tests and `npm run docs` only.
  tooling: ['node:*', '@cdktf/hcl2json'],
  configuration: ['zod'],
  stacks: ['cdktf', 'cdktf/*', 'constructs', '@cdktf/provider-aws/lib/*'],
  'event-client': ['@aws-sdk/*'],
  local: ['node:*', '@aws-sdk/*', 'aws-local-stepfunctions'],
  // jsdiff: the line diffs of policies and state machine definitions (a pure library, no I/O).
  'plan-review': ['diff'],
  // esbuild: `npm run build:tasks` bundles the task programs (delivery/build-tasks.ts).
  delivery: ['node:*', 'esbuild'],
  // The emulator deploy starts each state machine through its bus with the SDK.
  verify: ['node:*', '@aws-sdk/*'],
  entry: ['*'],
  test: ['*'],
};

/**
 * Files of catalog/ and environments/ that define configuration (types, defaults, validation)
 * rather than being one. Every other file there is concrete configuration.
 */
export const CONFIGURATION_DEFINITIONS: readonly string[] = [
  'catalog/schema.ts',
  'catalog/fields.ts',
  'catalog/types.ts',
  'catalog/defaults.ts',
  'catalog/validate.ts',
  'environments/schema.ts',
  'environments/fields.ts',
  'environments/types.ts',
  'environments/validate.ts',
  'environments/regions.ts',
  // The rule of which image tag a task runs: the base stack's task definitions and lifecycle, and the deploy's image check.
  'environments/image-tags.ts',
  // Whether a detail fits every hop of an environment's routes: validation and the publisher read it.
  'environments/detail-budget.ts',
  // Which environments each account's CI roles serve, and what IAM allows them: validation and the CI roles stacks.
  'environments/ci-accounts.ts',
];

/** Layers that may read concrete configuration. */
const READS_CONCRETE_CONFIGURATION: readonly Layer[] = ['entry', 'test'];

/** Never imported anywhere: the provider's barrels load every resource class (docs/performance.md). */
const FORBIDDEN_PACKAGES = ['@cdktf/provider-aws', '@cdktf/provider-aws/lib'];

/**
 * Deliberate exceptions, each with its reason. `from -> to`, repository-relative.
 */
export const EXCEPTIONS: Readonly<Record<string, string>> = {
  'scripts/bench-emit.ts -> test/support/fake-eventbridge.ts': "the emit benchmark measures the CLI against the tests' fake EventBridge",
};

export interface SourceFile {
  /** Repository-relative, forward slashes. */
  readonly path: string;
  readonly text: string;
}

/** Every module specifier a file names: imports, re-exports, `require()`, `import()` and `import('x')` types. */
export function importSpecifiers(file: SourceFile): string[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) literal(node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isRequire || node.expression.kind === ts.SyntaxKind.ImportKeyword) literal(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The layer of a repository-relative path, or undefined when it is in no layer. */
export function layerOf(file: string): Layer | undefined {
  return LAYER_OF_FOLDER[file.split('/')[0]!];
}

const isConcreteConfiguration = (file: string): boolean => layerOf(file) === 'configuration' && !CONFIGURATION_DEFINITIONS.includes(file);

const packageAllowed = (specifier: string, allowed: readonly string[]): boolean =>
  allowed.some((rule) => rule === '*' || rule === specifier || ((rule.endsWith('/*') || rule.endsWith(':*')) && specifier.startsWith(rule.slice(0, -1))));

/**
 * What is wrong with one import of `from`, or undefined when it follows the layers. `resolve` maps
 * a relative specifier to a repository-relative file, or undefined when no such file exists. The
 * import test and the ESLint rule (./eslint-plugin.ts) both ask this.
 */
export function importViolation(from: string, specifier: string, resolve: (from: string, specifier: string) => string | undefined): string | undefined {
  const layer = layerOf(from);
  if (!layer) return `${from}: is in no layer; place it in a layer's folder or add its folder to LAYER_OF_FOLDER (test/architecture/layers.ts) and docs/architecture.md`;
  if (!specifier.startsWith('.')) {
    if (FORBIDDEN_PACKAGES.includes(specifier)) return `${from}: imports ${specifier} (a barrel: import each resource by its own path)`;
    if (!packageAllowed(specifier, ALLOWED_PACKAGES[layer])) return `${from}: imports package ${specifier} (${layer} may import ${ALLOWED_PACKAGES[layer].join(', ') || 'no packages'})`;
    return undefined;
  }
  const target = resolve(from, specifier);
  if (!target) return `${from}: imports ${specifier}, which is no file`;
  if (EXCEPTIONS[`${from} -> ${target}`]) return undefined;
  const targetLayer = layerOf(target);
  if (!targetLayer || !ALLOWED_LAYERS[layer].includes(targetLayer)) {
    return `${from}: imports ${target} (${layer} may import ${ALLOWED_LAYERS[layer].join(', ')}; not ${targetLayer ?? 'a file in no layer'})`;
  }
  if (isConcreteConfiguration(target) && !isConcreteConfiguration(from) && !READS_CONCRETE_CONFIGURATION.includes(layer)) {
    return `${from}: imports ${target}, a concrete configuration (only entry points and tests read one; take it as an argument)`;
  }
  return undefined;
}

/** Every import that breaks the layering, as `from: imports to (why)`; a file in no layer once. */
export function layerViolations(files: readonly SourceFile[], resolve: (from: string, specifier: string) => string | undefined): string[] {
  return files.flatMap((file) => {
    if (!layerOf(file.path)) return [importViolation(file.path, '', resolve)!];
    return importSpecifiers(file).flatMap((specifier) => importViolation(file.path, specifier, resolve) ?? []);
  });
}

/** Resolves like Node and TypeScript do for this repository: `x.ts`, `x/index.ts`, or an exact file. */
export function fileResolver(exists: (file: string) => boolean): (from: string, specifier: string) => string | undefined {
  return (from, specifier) => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    return [base, `${base}.ts`, `${base}/index.ts`, `${base}.js`].find((candidate) => exists(candidate));
  };
}
