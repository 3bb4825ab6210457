import { TerraformModule, TerraformStack, type TerraformElement } from 'cdktf';
import { ACCEPTED_FINDINGS_KEY, ACCEPTED_MODULE_FINDINGS_KEY, type AcceptedFinding } from '../core/accepted-findings';

/**
 * Accepts scanner findings on a resource, data source or module call (its address in the scanners'
 * findings), next to the code that creates it; `npm run verify` reads them from `cdk.tf.json`.
 */
export function acceptFindings(element: TerraformElement, findings: readonly AcceptedFinding[]): void {
  for (const finding of findings) {
    if (!finding.checkov && !finding.trivy) throw new Error(`accepted finding on ${element.node.path} names no check: ${finding.reason}`);
    if (finding.reason.trim().length < 20) throw new Error(`accepted finding on ${element.node.path} needs a real reason, not "${finding.reason}"`);
  }
  if (findings.length === 0) return;
  if (element instanceof TerraformModule) {
    TerraformStack.of(element).addOverride(`//.${ACCEPTED_MODULE_FINDINGS_KEY}.${element.friendlyUniqueId}`, findings);
  } else element.addOverride(`//.${ACCEPTED_FINDINGS_KEY}`, findings);
}
