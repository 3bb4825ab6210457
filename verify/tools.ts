/**
 * Where the verify tools are: the cache directory the bootstrap fills, then PATH. The versions come
 * from `tool-versions.env`, the one home the bootstrap script reads too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findHadolint, toolCacheDirectory } from '../tooling/hadolint';
import { findExecutable, terraformBinaryName } from '../tooling/preflight';
import { isExecutableFile } from '../tooling/terraform';

export type ToolVersions = Readonly<Record<string, string>>;

/** `KEY=value` lines; `#` comments and blank lines ignored; anything else is an error naming the line. */
export const parseToolVersions = (text: string): ToolVersions => {
  const versions: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Z][A-Z0-9_]*)=([^\s#'"]+)$/.exec(line);
    if (!match) throw new Error(`tool-versions.env line ${index + 1}: expected KEY=value, got "${line}"`);
    versions[match[1]!] = match[2]!;
  });
  return versions;
};

export const TOOL_VERSIONS_FILE = join(__dirname, 'tool-versions.env');

export const loadToolVersions = (file = TOOL_VERSIONS_FILE): ToolVersions => parseToolVersions(readFileSync(file, 'utf8'));

export const requireVersion = (versions: ToolVersions, key: string): string => {
  const value = versions[key];
  if (!value) throw new Error(`tool-versions.env has no ${key}`);
  return value;
};

/** `$VERIFY_CACHE_DIR`, else `~/.cache/event-driven-ecs-infra`: the repository's one tool cache (the bootstrap fills it). */
export const cacheDirectory = toolCacheDirectory;

export interface ToolLocations {
  readonly cacheDir: string;
  readonly terraform?: string;
  /** The generated CLI config pointing at the provider mirror; absent where init uses the registry. */
  readonly terraformCliConfig?: string;
  /** The shared provider cache (`plugin-cache/`): with the registry, init downloads hashicorp/aws there once. */
  readonly pluginCacheDir?: string;
  readonly tflint?: string;
  readonly tflintPluginDir?: string;
  readonly trivy?: string;
  readonly actionlint?: string;
  readonly checkov?: string;
  readonly ministack?: string;
  /** Installed by `npm run lint:dockerfile -- --install` (or the bootstrap), pinned in tooling/hadolint.ts. */
  readonly hadolint?: string;
}

export const locateTools = (env: NodeJS.ProcessEnv, isExecutable: (path: string) => boolean = isExecutableFile, exists = existsSync): ToolLocations => {
  const cacheDir = cacheDirectory(env);
  const cached = (...parts: string[]) => {
    const path = join(cacheDir, ...parts);
    return isExecutable(path) ? path : undefined;
  };
  const onPath = (name: string) => findExecutable(name, env, isExecutable);
  const explicitTerraform = env.TERRAFORM_BINARY_NAME?.trim();
  const terraform = explicitTerraform ? onPath(terraformBinaryName(env)) : (onPath('terraform') ?? onPath('tofu') ?? cached('bin', 'tofu'));
  const cliConfig = join(cacheDir, 'terraform.rc');
  const pluginDir = join(cacheDir, 'tflint-plugins');
  const optional = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});
  return {
    cacheDir,
    ...optional('terraform', terraform),
    ...optional('terraformCliConfig', exists(cliConfig) ? cliConfig : undefined),
    ...optional('pluginCacheDir', exists(join(cacheDir, 'plugin-cache')) ? join(cacheDir, 'plugin-cache') : undefined),
    ...optional('tflint', cached('bin', 'tflint') ?? onPath('tflint')),
    ...optional('tflintPluginDir', exists(join(pluginDir, 'tflint-ruleset-aws')) ? pluginDir : undefined),
    ...optional('trivy', cached('bin', 'trivy') ?? onPath('trivy')),
    ...optional('actionlint', cached('bin', 'actionlint') ?? onPath('actionlint')),
    ...optional('checkov', cached('venv-checkov', 'bin', 'checkov') ?? onPath('checkov')),
    ...optional('ministack', cached('venv-emulator', 'bin', 'ministack') ?? onPath('ministack')),
    ...optional('hadolint', findHadolint(env, isExecutable)),
  };
};

/** The message for a tool that is missing: how to get it. */
export const missingTool = (tool: string): string =>
  `${tool} was not found in the verify cache or on PATH: run \`bash verify/bootstrap-tools.sh\` (it installs or builds every tool into ~/.cache/event-driven-ecs-infra)`;
