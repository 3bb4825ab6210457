/** The guard every patch of a private cdktf module goes through (stacks/private-module.ts). */
import { replaceableExport } from '../../stacks/private-module';

describe('replaceableExport', () => {
  const resolve = () => 'resolved';

  test('a module whose export is a writable function', () => {
    const module = { resolve };
    expect(replaceableExport<typeof module>(() => module, 'resolve')).toBe(module);
  });

  test('nothing for a module that is missing, frozen, or whose export is not a function', () => {
    expect(
      replaceableExport<{ resolve: () => string }>(() => {
        throw new Error("Cannot find module 'cdktf/lib/_tokens'");
      }, 'resolve'),
    ).toBeUndefined();
    expect(replaceableExport<{ resolve: () => string }>(() => Object.freeze({ resolve }), 'resolve')).toBeUndefined();
    expect(replaceableExport<{ resolve: () => string }>(() => ({ resolve: 'resolved' }), 'resolve')).toBeUndefined();
    expect(replaceableExport<{ resolve: () => string }>(() => ({ other: resolve }), 'resolve')).toBeUndefined();
  });

  test('the real private modules are there on this cdktf', () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    expect(replaceableExport(() => require('cdktf/lib/_tokens'), 'resolve')).toBeDefined();
    expect(replaceableExport(() => require('cdktf/lib/tokens/private/stack-trace'), 'captureStackTrace')).toBeDefined();
  });
});
