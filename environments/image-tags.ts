import type { ManagedBaseConfig, TaskKey } from './types';

/** The image tag a task runs in an environment: its override's, else the base's default. One home for the rule. */
export const taskImageTag = (base: ManagedBaseConfig, key: TaskKey): string => base.taskOverrides?.[key]?.imageTag ?? base.defaultImageTag;
