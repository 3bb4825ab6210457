/**
 * Typed per-environment configuration. One file per environment (`dev.ts`, `staging.ts`,
 * `prod.ts`); `validate.ts` checks every one of them against the catalog before anything is
 * synthesized.
 *
 * Derived from the schemas of environments/schema.ts, where each field is described: a field
 * exists, and has its type, in one place. Type-only imports: nothing here loads zod.
 */
import type { Configured } from '../catalog/types';
import type {
  capacityProviderItemSchema,
  clusterSchema,
  ec2CapacitySchema,
  environmentSchema,
  existingBaseSchema,
  existingTaskSchema,
  managedBaseSchema,
  networkSchema,
  observabilitySchema,
  ruleCapacitySchema,
  stateBackendSchema,
  taskOverrideSchema,
} from './schema';

export type { TaskKey } from './schema';

export type StateBackendConfig = Configured<typeof stateBackendSchema>;
export type NetworkConfig = Configured<typeof networkSchema>;
export type NatMode = NetworkConfig['nat'];
export type ClusterConfig = Configured<typeof clusterSchema>;
export type ContainerInsights = ClusterConfig['containerInsights'];
export type Ec2CapacityConfig = Configured<typeof ec2CapacitySchema>;
/** Where one rule runs its tasks (`base.ruleCapacity["<service>/<rule>"]`). */
export type RuleCapacityConfig = Configured<typeof ruleCapacitySchema>;
export type TaskOverride = Configured<typeof taskOverrideSchema>;
/** The base (network, cluster, task definitions) is made by this repository's HCL modules. */
export type ManagedBaseConfig = Configured<typeof managedBaseSchema>;
export type ExistingTaskConfig = Configured<typeof existingTaskSchema>;
export type CapacityProviderItem = Configured<typeof capacityProviderItemSchema>;
/** The base was made elsewhere (by Terraform outside this repository); it is referenced by literal ARNs. */
export type ExistingBaseConfig = Configured<typeof existingBaseSchema>;
export type ObservabilityConfig = Configured<typeof observabilitySchema>;
export type StateMachineLogLevel = ObservabilityConfig['stateMachineLogLevel'];
export type EnvironmentConfig = Configured<typeof environmentSchema>;
