/**
 * Terraform as the tests run it: which one is installed (asked once per Jest run) and the Go runtime
 * settings of the short processes the tests start.
 */
import { installedTerraform } from '../../tooling/terraform';

export type InstalledTerraform = NonNullable<ReturnType<typeof installedTerraform>>;

/** `installedTerraform()` as the global setup found it, JSON (`null`: none); every worker inherits it. */
export const TERRAFORM_ENV = 'TEST_TERRAFORM';

/**
 * The `terraform` binary on the PATH and its version, or undefined when there is none: tests that
 * need it skip (and say so) without it. The global setup asked Terraform once for the whole run;
 * a file run without it asks itself.
 */
export function findTerraform(): InstalledTerraform | undefined {
  const found = process.env[TERRAFORM_ENV];
  if (found === undefined) return installedTerraform();
  return (JSON.parse(found) as InstalledTerraform | null) ?? undefined;
}

/**
 * Go's garbage collector off below 1 GiB of heap for the Terraform processes this test file starts
 * (GOGC=off with GOMEMLIMIT: https://go.dev/doc/gc-guide#Memory_limit). Each lives well under a
 * second with a few MB of heap, and collecting was a third of its CPU (measured: 100 processes of
 * the apply, fixture and module-variable tests, 4.9 CPU-s with the collector, 3.2 without).
 * `terraformEnvironment()` passes this file's `process.env` (Jest gives each file its own copy) to
 * Terraform, and so do the CLIs a test starts with it. Not for users: a real plan's Terraform and
 * provider processes are large and long-lived.
 */
export const SHORT_LIVED_GO: Readonly<NodeJS.ProcessEnv> = { GOGC: 'off', GOMEMLIMIT: '1GiB' };

export function shortLivedTerraformProcesses(): void {
  Object.assign(process.env, SHORT_LIVED_GO);
}
