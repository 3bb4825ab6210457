/**
 * cdktf's private modules this repository patches (docs/cdk-terrain.md lists them): each is taken
 * only when it is there with the function export its callers read at every call, and writable;
 * otherwise the caller runs the library as it is (slower, the same output).
 */

/**
 * `load()`'s module if its export `name` is a function that may be replaced, else undefined (a
 * missing, renamed or frozen module). The caller keeps the `require('cdktf/…')` in `load` itself, so
 * the migration's rename of module specifiers (scripts/check-cdktn) applies to it.
 */
export function replaceableExport<M extends object>(load: () => unknown, name: keyof M & string): M | undefined {
  try {
    const module = load() as Record<string, unknown>;
    const descriptor = Object.getOwnPropertyDescriptor(module, name);
    return typeof module[name] === 'function' && descriptor?.writable ? (module as M) : undefined;
  } catch {
    return undefined;
  }
}
