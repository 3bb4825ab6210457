/**
 * Tier `actionlint`: the GitHub workflows, with shellcheck over their `run:` scripts when the
 * bootstrap installed it (expressions, contexts, action inputs, job graph, runner labels, shell).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VerifyContext } from './context';
import { failureText, runCommand } from './exec';
import type { Finding } from './findings';
import type { TierReport } from './report';
import { missingTool } from './tools';

interface ActionlintError {
  readonly message: string;
  readonly filepath: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

/** `actionlint -format '{{json .}}'` output → findings. */
export const parseActionlintOutput = (stdout: string): Finding[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim() === '' ? '[]' : stdout);
  } catch {
    throw new Error(`actionlint printed no JSON: ${stdout.slice(0, 200)}`);
  }
  if (!Array.isArray(parsed)) throw new Error('actionlint JSON: expected a list of errors');
  return (parsed as ActionlintError[]).map((error) => ({
    tool: 'actionlint' as const,
    rule: error.kind,
    target: error.filepath,
    location: `${error.filepath}:${error.line}:${error.column}`,
    message: error.message,
  }));
};

export const runActionlintTier = (context: VerifyContext): Omit<TierReport, 'seconds'> => {
  const actionlint = context.tools.actionlint;
  if (!actionlint) return { tier: 'actionlint', proved: [], errors: [missingTool('actionlint')], findings: [], notes: [] };
  const directory = join(context.repoRoot, '.github', 'workflows');
  const workflows = readdirSync(directory).filter((file) => /\.ya?ml$/.test(file)).sort().map((file) => join('.github', 'workflows', file));
  const shellcheck = join(context.tools.cacheDir, 'venv-shellcheck', 'bin', 'shellcheck');
  const withShellcheck = existsSync(shellcheck);
  // The repository's actionlint config (accepted findings with their reasons), named explicitly:
  // actionlint finds it only from a checkout whose .git is a directory, not from a worktree.
  const config = join('.github', 'actionlint.yaml');
  const withConfig = existsSync(join(context.repoRoot, config));
  const args = [...(withShellcheck ? ['-shellcheck', shellcheck] : []), ...(withConfig ? ['-config-file', config] : []), '-format', '{{json .}}', ...workflows];
  const run = runCommand(actionlint, args, { cwd: context.repoRoot, env: context.env });
  // Exit 1 means "found problems" (reported as findings); anything else is the tool failing.
  if (run.status !== 0 && run.status !== 1) return { tier: 'actionlint', proved: [], errors: [failureText(run)], findings: [], notes: [] };
  let findings: Finding[];
  try {
    findings = parseActionlintOutput(run.stdout);
  } catch (error) {
    return { tier: 'actionlint', proved: [], errors: [`${(error as Error).message}; ${failureText(run)}`], findings: [], notes: [] };
  }
  return {
    tier: 'actionlint',
    proved: [
      `${workflows.length} workflows (${workflows.map((w) => w.split('/').pop()).join(', ')}): ${findings.length} problems${withShellcheck ? ', run: scripts checked by shellcheck' : ''}${withConfig ? ` (accepted findings: ${config})` : ''}`,
    ],
    errors: [],
    findings,
    notes: withShellcheck ? [] : ['shellcheck is not installed: run: scripts were not checked (bootstrap installs it)'],
  };
};
