import type { EnvironmentConfig } from '../environments/types';

export class SelectionError extends Error {}

/** `undefined`/empty → all; otherwise the comma-separated names, each of which must exist. */
export function selectEnvironments(all: readonly EnvironmentConfig[], selection: string | undefined): EnvironmentConfig[] {
  const names = (selection ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return [...all];
  const unknown = names.filter((name) => !all.some((env) => env.name === name));
  if (unknown.length > 0) {
    throw new SelectionError(
      `SYNTH_ENVIRONMENTS: unknown environment${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${all.map((e) => e.name).join(', ')})`,
    );
  }
  return all.filter((env) => names.includes(env.name));
}
