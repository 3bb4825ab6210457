/**
 * A scanner finding accepted for one resource, with the reason: the contract between the stacks
 * that write it (`stacks/accepted-findings.ts`) and `npm run verify`, which reads it. checkov and
 * trivy read suppression comments only in HCL; JSON has no comments, so a synthesized resource
 * carries its accepted findings in its `"//"` object (which Terraform ignores, like the metadata
 * cdktf writes there).
 */
export interface AcceptedFinding {
  /** checkov check id, e.g. `CKV_AWS_158`. */
  readonly checkov?: string;
  /** trivy check id, e.g. `AWS-0017` (the `AVD-` prefix is optional). */
  readonly trivy?: string;
  /** Why the finding does not apply or is accepted: one sentence an auditor can check. */
  readonly reason: string;
}

/** Key under a resource's `"//"` object in `cdk.tf.json`. */
export const ACCEPTED_FINDINGS_KEY = 'accepted_findings';

/**
 * Key under the stack's `"//"` object, by module call name: cdktf rewrites a module call's own
 * `"//"` with its metadata, so a finding inside a called module is accepted at the stack level.
 */
export const ACCEPTED_MODULE_FINDINGS_KEY = 'accepted_module_findings';
