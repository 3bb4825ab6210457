import { App, type TerraformStack } from 'cdktf';
import type { Catalog } from '../catalog/types';
import type { EnvironmentConfig, ExistingBaseConfig, ManagedBaseConfig } from '../environments/types';
import { deployedEnvironmentsByAccount } from '../environments/ci-accounts';
import { validateConfiguration } from '../environments/validate';
import { remoteState } from './backend';
import { BaseStack } from './base-stack';
import { CiRolesStack } from './ci-roles-stack';
import { environmentPermissionsBoundary, type GitHubRepository } from '../core/ci-roles';
import { existingBaseReferences, managedBaseReferences } from './base-references';
import { ENVIRONMENT_METADATA_PATH, removeStaleStacks } from '../tooling/cdktf-out';
import { relativeModulesContext } from '../tooling/hcl-modules';
import { alarmTopicArn, MonitoringStack } from './monitoring-stack';
import { applyPermissionsBoundary } from './permissions-boundary';
import { baseStackName, monitoringStackName } from '../core/naming';
import { selectEnvironments } from './select-environments';
import { ServiceStack } from './service-stack';
import { terraformLiterals } from './terraform-literals';
import { withPlainValuesFastPath } from './plain-values';
import { withoutTokenStackTraces } from './token-stack-traces';

export interface BuildAppOptions {
  readonly catalog: Catalog;
  /** The repository whose GitHub Actions may assume the CI roles; without it, no CI roles stacks. */
  readonly repository?: GitHubRepository;
  /** Already validated (see environments/validate.ts). */
  readonly environments: readonly EnvironmentConfig[];
  /** Defaults to what the cdktf CLI sets (CDKTF_OUTDIR), else `cdktf.out`. */
  readonly outdir?: string;
}

const isManaged = (env: EnvironmentConfig): env is EnvironmentConfig & { base: ManagedBaseConfig } => env.base.kind === 'managed';
const isExisting = (env: EnvironmentConfig): env is EnvironmentConfig & { base: ExistingBaseConfig } => env.base.kind === 'existing';

/**
 * The stacks every service stack of `env` depends on, in order: `<env>-monitoring`, and
 * `<env>-base` for a managed base. `cdktf deploy '<env>-*'` deploys them first.
 */
export function serviceStackDependencies(env: EnvironmentConfig): string[] {
  return [monitoringStackName(env.name), ...(isManaged(env) ? [baseStackName(env.name)] : [])];
}

/** Which stacks of one environment an App holds: all of them (the default), or one batch of the parallel path. */
export interface EnvironmentPart {
  /** `<env>-monitoring` and `<env>-base`. */
  readonly core: boolean;
  /** Names of the services whose stacks it holds; every service's when absent. */
  readonly services?: readonly string[];
}

/** An empty App with what every App of ours needs. */
export function newApp(outdir: string | undefined): App {
  const app = new App({
    ...(outdir ? { outdir } : {}),
    // Stack traces in metadata would write this machine's paths into cdktf.out.
    stackTraces: false,
  });
  // Set after construction: the cdktf CLI passes its own (empty) cdktfRelativeModules through
  // CDKTF_CONTEXT_JSON, which would override the App option.
  app.node.setContext('cdktfRelativeModules', relativeModulesContext());
  return app;
}

/**
 * Every stack of every given environment: `<env>-monitoring`, `<env>-base` (managed bases only) and
 * `<env>-<service>` per catalog service, and with a repository the CI roles stack of each account.
 * Service stacks declare their dependencies, so `cdktf deploy '<env>-*'` deploys the base and the
 * alarm topic first.
 */
export function buildApp(options: BuildAppOptions): App {
  const app = newApp(options.outdir);
  for (const env of options.environments) addEnvironment(app, env, options.catalog);
  if (options.repository) addCiRoles(app, options.environments, options.repository);
  return app;
}

/** Records in the stack's `cdk.tf.json` which environment it belongs to: readers select by it, not by name. */
export function recordEnvironment(stack: TerraformStack, env: string): void {
  stack.addOverride(ENVIRONMENT_METADATA_PATH, env);
}

/**
 * Adds `part` of `env`'s stacks to `app`. Service stacks depend on the core stacks when the App
 * holds them; a batch without them gets its dependencies written into the manifest from
 * `serviceStackDependencies` (stacks/parallel-synth.ts), the same list.
 */
export function addEnvironment(app: App, configured: EnvironmentConfig, configuredCatalog: Catalog, part: EnvironmentPart = { core: true }): void {
  // Every configuration string is a literal for Terraform: escaped once, here, before any stack sees it.
  const env = terraformLiterals(configured);
  const catalog = terraformLiterals(configuredCatalog);
  // Every role of the environment's stacks carries the account's boundary (core/ci-roles.ts).
  const boundary = environmentPermissionsBoundary(env);
  if (part.core) {
    const monitoring = new MonitoringStack(app, env);
    recordEnvironment(monitoring, env.name);
    applyPermissionsBoundary(monitoring, boundary);
    if (isManaged(env)) {
      const base = new BaseStack(app, env, catalog);
      recordEnvironment(base, env.name);
      applyPermissionsBoundary(base, boundary);
    }
  }
  const dependencies = part.core ? serviceStackDependencies(env).map((name) => app.node.findChild(name) as TerraformStack) : [];
  const wanted = part.services ? new Set(part.services) : undefined;
  for (const service of catalog.services.filter((candidate) => !wanted || wanted.has(candidate.name))) {
    const stack = new ServiceStack(app, {
      env,
      catalog,
      service,
      alarmTopicArn: alarmTopicArn(env),
      base: (scope) => {
        if (isExisting(env)) return existingBaseReferences(env);
        if (isManaged(env)) return managedBaseReferences(env, catalog, remoteState(scope, 'base', env, baseStackName(env.name)));
        throw new Error(`environment "${env.name}": base.kind: unknown`);
      },
    });
    recordEnvironment(stack, env.name);
    for (const dependency of dependencies) stack.addDependency(dependency);
    applyPermissionsBoundary(stack, boundary);
  }
}

/**
 * One `ci-roles-<account>` stack per account with an environment the workflows deploy: every
 * environment with a state bucket (one without keeps local state, which no workflow may deploy).
 */
export function addCiRoles(app: App, environments: readonly EnvironmentConfig[], repository: GitHubRepository): void {
  for (const { accountId, environments: inAccount } of deployedEnvironmentsByAccount(environments)) {
    new CiRolesStack(app, { accountId, repository, environments: inAccount });
  }
}

export interface SynthesizeOptions extends Omit<BuildAppOptions, 'environments'> {
  /** Every environment: all are validated, even those not selected. */
  readonly environments: readonly EnvironmentConfig[];
  /** Comma-separated environment names (`SYNTH_ENVIRONMENTS`); empty → all. */
  readonly selection?: string | undefined;
}

/** Validates everything and returns the selected environments; throws before anything is written. */
export function validatedSelection(options: SynthesizeOptions): EnvironmentConfig[] {
  validateConfiguration(options.catalog, options.environments);
  return selectEnvironments(options.environments, options.selection);
}

/**
 * Validate everything, then synthesize the selected environments in this process (the serial
 * path; `synthesizeInParallel` in stacks/parallel-synth.ts spreads a large catalog over
 * processes and writes the same bytes). Validation throws before the App exists, so a half-valid
 * configuration writes nothing to the output directory.
 */
export function synthesize(options: SynthesizeOptions): void {
  synthesizeEnvironments({ ...options, environments: validatedSelection(options) });
}

/** The serial path, for environments already validated and selected. */
export function synthesizeEnvironments(options: BuildAppOptions): void {
  // Building creates most of the tokens: it runs without their traces too.
  const app = withoutTokenStackTraces(() => {
    const built = buildApp(options);
    withPlainValuesFastPath(() => built.synth());
    return built;
  });
  removeStaleStacks(app.outdir, Object.keys(app.manifest.stacks));
}
