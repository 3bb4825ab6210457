/**
 * What every tier is handed: where the repo, the synthesized output and the scratch space are, the
 * tools and their versions, and the Terraform environment.
 */
import { join } from 'node:path';
import type { EnvironmentConfig } from '../environments/types';
import { readManifest as readCdktfManifest, type CdktfManifest } from '../tooling/cdktf-out';
import { terraformEnvironment } from '../tooling/terraform';
import { requireVersion, type ToolLocations, type ToolVersions } from './tools';

export interface VerifyContext {
  readonly repoRoot: string;
  /** The synthesized output (`cdktf.out`), with `manifest.json`. */
  readonly synthDir: string;
  /** Scratch space, `.verify/` in the repo (git-ignored). */
  readonly workDir: string;
  readonly tools: ToolLocations;
  readonly versions: ToolVersions;
  readonly env: NodeJS.ProcessEnv;
  /** The environment the emulator deploys (dev), handed in by the entry point. */
  readonly emulatedEnvironment: EnvironmentConfig;
  readonly log: (line: string) => void;
}

export const readManifest = (context: VerifyContext): CdktfManifest => readCdktfManifest(context.synthDir);

/** Stack names of the manifest, sorted. */
export const stackNames = (manifest: CdktfManifest): string[] => Object.keys(manifest.stacks).sort();

export const stackDir = (context: VerifyContext, manifest: CdktfManifest, stack: string): string => join(context.synthDir, manifest.stacks[stack]!.workingDirectory);

/**
 * Environment for Terraform: the generated CLI config when the provider comes from the local mirror
 * (otherwise the caller's own, so `init` downloads from the registry), no prompts, no update checks.
 * With the registry, the cache's plugin-cache/ (unless the caller names one): every scratch copy
 * would otherwise download and unpack its own hashicorp/aws (hundreds of MB each, about 30 copies).
 * The copies have no lock file, so the cache may be used without one (the mirror's config says so too).
 */
export const terraformEnv = (context: VerifyContext, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...terraformEnvironment(context.env), ...extra };
  if (context.tools.terraformCliConfig) env.TF_CLI_CONFIG_FILE = context.tools.terraformCliConfig;
  else if (context.tools.pluginCacheDir && !env.TF_PLUGIN_CACHE_DIR) {
    env.TF_PLUGIN_CACHE_DIR = context.tools.pluginCacheDir;
    env.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE = 'true';
  }
  return env;
};

/**
 * The hashicorp/aws version the mirror holds, when Terraform installs from the mirror; undefined
 * when it installs from the registry (which has the pinned version).
 */
export const mirroredProviderVersion = (context: VerifyContext): string | undefined =>
  context.tools.terraformCliConfig ? requireVersion(context.versions, 'AWS_PROVIDER_VERSION') : undefined;
