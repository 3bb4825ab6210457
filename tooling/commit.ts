/**
 * The commit a plan is made from and an apply runs at, so that `npm run apply` can refuse a plan of
 * another commit. In GitHub Actions `GITHUB_SHA` (the plan and apply jobs of one run share it);
 * elsewhere the checkout's HEAD, marked `+dirty` when the working tree has changes.
 */
import { spawnSync } from 'node:child_process';
import { PrerequisiteError } from './cli';

export function currentCommit(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromActions = env.GITHUB_SHA?.trim();
  if (fromActions) return fromActions;
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' });
  if (head.status !== 0 || head.error) {
    throw new PrerequisiteError(`cannot tell which commit this is: not a git checkout (git rev-parse HEAD failed in ${cwd}) and GITHUB_SHA is not set`);
  }
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' });
  const dirty = status.status !== 0 || status.stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}
