/**
 * Whether a resource Terraform reports (a plan's resource change, a state's resource) is managed or
 * a data source. Pure: read by plan review and by the emulator tier.
 */

/**
 * Terraform writes `mode` for every resource change and every state resource (all format versions);
 * the address is read only when it is missing. A data source's address is `data.<type>.<name>` after
 * any module path, so a managed resource of a module named `data` (`module.data.aws_db_instance.main`)
 * stays managed: as a data source its destroy would not be flagged, nor its apply counted.
 */
const DATA_ADDRESS = /^(module\.[^.[]+(\[[^\]]*\])?\.)*data\./;

export const resourceMode = (mode: unknown, address: string): 'managed' | 'data' => (mode === 'managed' || mode === 'data' ? mode : DATA_ADDRESS.test(address) ? 'data' : 'managed');
