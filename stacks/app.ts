import { App, type TerraformStack } from 'cdktf';
import type { Catalog } from '../catalog/types';
import type { EnvironmentConfig, ExistingBaseConfig, ManagedBaseConfig } from '../environments/types';
import { validateConfiguration } from '../environments/validate';
import { remoteState } from './backend';
import { BaseStack } from './base-stack';
import { CiRolesStack, type CiRolesStackProps } from './ci-roles-stack';
import type { GitHubRepository } from '../core/ci-roles';
import { existingBaseReferences, managedBaseReferences } from './base-references';
import { ENVIRONMENT_METADATA_PATH } from '../tooling/cdktf-out';
import { relativeModulesContext } from '../tooling/hcl-modules';
import { MonitoringStack } from './monitoring-stack';
import { baseStackName } from '../core/naming';
import { selectEnvironments } from './select-environments';
import { ServiceStack } from './service-stack';
import { terraformLiterals } from './terraform-literals';
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
 * Every stack of every given environment: `<env>-monitoring`, `<env>-base` (managed bases only) and
 * `<env>-<service>` per catalog service. Service stacks declare their dependencies, so
 * `cdktf deploy '<env>-*'` deploys the base and the alarm topic first.
 */
export function buildApp(options: BuildAppOptions): App {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    // Stack traces in metadata would write this machine's paths into cdktf.out.
    stackTraces: false,
  });
  // Set after construction: the cdktf CLI passes its own (empty) cdktfRelativeModules through
  // CDKTF_CONTEXT_JSON, which would override the App option.
  app.node.setContext('cdktfRelativeModules', relativeModulesContext());
  for (const env of options.environments) addEnvironment(app, env, options.catalog);
  if (options.repository) addCiRoles(app, options.environments, options.repository);
  return app;
}

/** Records in the stack's `cdk.tf.json` which environment it belongs to: readers select by it, not by name. */
export function recordEnvironment(stack: TerraformStack, env: string): void {
  stack.addOverride(ENVIRONMENT_METADATA_PATH, env);
}

function addEnvironment(app: App, configured: EnvironmentConfig, configuredCatalog: Catalog): void {
  // Every configuration string is a literal for Terraform: escaped once, here, before any stack sees it.
  const env = terraformLiterals(configured);
  const catalog = terraformLiterals(configuredCatalog);
  const monitoring = new MonitoringStack(app, env);
  recordEnvironment(monitoring, env.name);
  const baseStack = isManaged(env) ? new BaseStack(app, env, catalog) : undefined;
  if (baseStack) recordEnvironment(baseStack, env.name);
  for (const service of catalog.services) {
    const stack = new ServiceStack(app, {
      env,
      catalog,
      service,
      alarmTopicArn: monitoring.topicArn,
      base: (scope) => {
        if (isExisting(env)) return existingBaseReferences(env);
        if (isManaged(env)) return managedBaseReferences(env, catalog, remoteState(scope, 'base', env, baseStackName(env.name)));
        throw new Error(`environment "${env.name}": base.kind: unknown`);
      },
    });
    recordEnvironment(stack, env.name);
    stack.addDependency(monitoring);
    if (baseStack) stack.addDependency(baseStack);
  }
}

/**
 * One `ci-roles-<account>` stack per account with an environment the workflows deploy: every
 * environment with a state bucket (one without keeps local state, which no workflow may deploy).
 */
function addCiRoles(app: App, environments: readonly EnvironmentConfig[], repository: GitHubRepository): void {
  const deployed = environments.filter((env): env is CiRolesStackProps['environments'][number] => env.stateBackend !== undefined);
  for (const accountId of [...new Set(deployed.map((env) => env.accountId))]) {
    new CiRolesStack(app, { accountId, repository, environments: deployed.filter((env) => env.accountId === accountId) });
  }
}

export interface SynthesizeOptions extends Omit<BuildAppOptions, 'environments'> {
  /** Every environment: all are validated, even those not selected. */
  readonly environments: readonly EnvironmentConfig[];
  /** Comma-separated environment names (`SYNTH_ENVIRONMENTS`); empty → all. */
  readonly selection?: string | undefined;
}

/**
 * Validate everything, then synthesize the selected environments. Validation throws before the
 * App exists, so a half-valid configuration writes nothing to the output directory.
 */
export function synthesize(options: SynthesizeOptions): void {
  validateConfiguration(options.catalog, options.environments);
  const selected = selectEnvironments(options.environments, options.selection);
  withoutTokenStackTraces(() => buildApp({ ...options, environments: selected }).synth());
}
