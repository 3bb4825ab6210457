/**
 * The container command that runs a bundled task program: `node dist/<bundle>.js [args...]`, run
 * from the image's working directory. The catalog's commands say it; `npm run build:tasks` reads
 * them back to know which bundles to build, and the Dockerfile copies those files. Pure.
 */

/** Where `npm run build:tasks` writes the bundles, and where the image keeps them (relative to its WORKDIR). */
export const BUNDLE_DIR = 'dist';

/** A bundle's name: what `dist/<name>.js` may be called (a file name, no path). */
const BUNDLE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** `dist/<name>.js`. */
export const bundleFile = (name: string): string => `${BUNDLE_DIR}/${name}.js`;

/** The bundle a container command runs (`node dist/charge-payment.js ...` → `charge-payment`), or undefined for any other command. */
export function bundleOfCommand(command: readonly string[]): string | undefined {
  if (command[0] !== 'node') return undefined;
  // A missing file reads as "undefined": no bundle path either.
  const match = new RegExp(`^${BUNDLE_DIR}/([^/]+)\\.js$`).exec(String(command[1]));
  return match && BUNDLE_NAME.test(match[1]!) ? match[1] : undefined;
}
