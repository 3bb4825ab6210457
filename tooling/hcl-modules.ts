import * as path from 'node:path';

/** Repository root: the folder holding `modules/`. */
export const REPO_ROOT = path.resolve(__dirname, '..');

export const HCL_MODULES = ['network', 'ecs-cluster', 'task-definitions'] as const;
export type HclModuleName = (typeof HCL_MODULES)[number];

/**
 * A module's source as cdktf needs it: relative (`./` or `../`) to the working directory, so that
 * cdktf copies the module into the stack's assets and refers to it by a relative path. An absolute
 * source would put the build machine's path into `cdktf.out`.
 */
export function moduleSource(name: HclModuleName, cwd: string = process.cwd()): string {
  return relativeModuleSource(cwd, path.join(REPO_ROOT, 'modules', name));
}

/** `moduleDir` as a Terraform local module source seen from `fromDir`: `./…` or `../…`, forward slashes. */
export function relativeModuleSource(fromDir: string, moduleDir: string): string {
  const relative = path.relative(path.resolve(fromDir), path.resolve(moduleDir)).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/**
 * The `cdktfRelativeModules` context every App needs. The CLI derives it from `terraformModules` in
 * cdktf.json, but listing local modules there makes `cdktf synth` run `cdktf get`, which needs the
 * network; so the app sets it itself.
 */
export function relativeModulesContext(cwd: string = process.cwd()): string[] {
  return HCL_MODULES.map((name) => moduleSource(name, cwd));
}
