/**
 * This repository beside what users would pick instead: the same saga as an AWS CDK app
 * (scripts/bench/cdk-peer.ts), and this app set up as `cdktf init` does (scripts/bench/init-peer.ts:
 * ts-node, the provider's root barrel), synthesized in the same run. Pure.
 */
import type { Measurement } from './measure';

export interface PeerComparison {
  /** `npm run synth`, or `500 services × 5 rules`. */
  readonly what: string;
  readonly ours: Measurement;
  readonly peer: Measurement;
  /** peer wall / our wall (medians): how many times faster ours is. */
  readonly speedup: number;
  /** peer peak RSS / ours, when both were measured. */
  readonly memoryRatio: number | undefined;
  /** peer CPU time / ours, when both were measured: what the ratio is on an idle machine. */
  readonly cpuRatio: number | undefined;
  /** Stacks each synthesized, where both reported them: equal, or the two did different work. */
  readonly stacks: { readonly ours: number; readonly peer: number } | undefined;
}

/**
 * The row ids of a peer row and of ours it compares with, and of our row that counts the stacks
 * (main.ts reports nothing; the in-process row of the same work does).
 */
export const PEER_PAIRS = (generatedServices: readonly number[]): { readonly what: string; readonly ours: string; readonly peer: string; readonly oursStacks: string }[] => [
  { what: 'npm run synth (the example, every environment)', ours: 'synth-command', peer: 'peer-cdk-example', oursStacks: 'example-all' },
  { what: 'the same, CDK synthesis only', ours: 'synth-command', peer: 'peer-cdk-example-synthesis', oursStacks: 'example-all' },
  { what: 'npm run synth, beside the same app set up as cdktf init does', ours: 'synth-command', peer: 'peer-cdktf-init', oursStacks: 'example-all' },
  ...generatedServices.map((services) => ({
    what: `${services} services, one environment, CDK synthesis only`,
    ours: `generated-${services}`,
    peer: `peer-cdk-${services}`,
    oursStacks: `generated-${services}`,
  })),
];

/** Every pair of which both rows were measured. */
export function comparePeers(measurements: readonly Measurement[]): PeerComparison[] {
  const byId = new Map(measurements.map((row) => [row.id, row]));
  const sizes = measurements.filter((row) => row.group === 'peer' && row.services !== undefined).map((row) => row.services!);
  return PEER_PAIRS(sizes).flatMap(({ what, ours, peer, oursStacks }) => {
    const oursRow = byId.get(ours);
    const peerRow = byId.get(peer);
    if (!oursRow || !peerRow) return [];
    const memoryRatio = oursRow.peakRssMiB && peerRow.peakRssMiB ? peerRow.peakRssMiB.median / oursRow.peakRssMiB.median : undefined;
    const cpuRatio = oursRow.cpuMs && peerRow.cpuMs ? peerRow.cpuMs.median / oursRow.cpuMs.median : undefined;
    const oursCount = byId.get(oursStacks)?.stacks;
    const stacks = oursCount !== undefined && peerRow.stacks !== undefined ? { ours: oursCount, peer: peerRow.stacks } : undefined;
    return [{ what, ours: oursRow, peer: peerRow, speedup: peerRow.wallMs.median / oursRow.wallMs.median, memoryRatio, cpuRatio, stacks }];
  });
}
