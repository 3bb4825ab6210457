import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';
import type { EnvironmentConfig } from './types';

export * from './types';

/** Every environment this repository deploys, in promotion order. */
export const environments: readonly EnvironmentConfig[] = [dev, staging, prod];
