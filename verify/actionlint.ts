/**
 * Tier `actionlint`: what CI runs. The GitHub workflows, with shellcheck over their `run:` scripts
 * when the bootstrap installed it (expressions, contexts, action inputs, job graph, runner labels,
 * shell), and the repository's own shell scripts (`.ci/`, `*.sh`) through the same shellcheck.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

interface ShellcheckComment {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly level: string;
  readonly code: number;
  readonly message: string;
}

/** `shellcheck -f json1` output → findings (rule `SC<code>`). */
export const parseShellcheckOutput = (stdout: string): Finding[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`shellcheck printed no JSON: ${stdout.slice(0, 200)}`);
  }
  const comments = (parsed as { comments?: unknown }).comments;
  if (!Array.isArray(comments)) throw new Error('shellcheck JSON: expected "comments"');
  return (comments as ShellcheckComment[]).map((comment) => ({
    tool: 'shellcheck' as const,
    rule: `SC${comment.code}`,
    target: comment.file,
    location: `${comment.file}:${comment.line}:${comment.column}`,
    message: comment.message,
    severity: comment.level,
  }));
};

/** The repository's shell scripts: every file in `.ci/` that starts with a shell's `#!`, and `*.sh` outside generated trees. */
export const shellScripts = (repoRoot: string): string[] => {
  const ciDir = join(repoRoot, '.ci');
  const ci = existsSync(ciDir)
    ? readdirSync(ciDir, { withFileTypes: true })
        .filter((entry) => entry.isFile() && /^#!.*\b(ba)?sh\b/.test(readFileSync(join(ciDir, entry.name), 'utf8').split('\n', 1)[0]!))
        .map((entry) => join('.ci', entry.name))
    : [];
  const skip = new Set(['node_modules', 'cdktf.out', '.git', '.verify', '.local', 'dist', 'build', 'coverage']);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      if (entry.isDirectory() && !skip.has(entry.name) && !(dir === '' && entry.name.startsWith('.'))) walk(join(dir, entry.name));
      else if (entry.isFile() && entry.name.endsWith('.sh')) found.push(join(dir, entry.name));
    }
  };
  walk('');
  return [...ci, ...found].sort();
};

export const runActionlintTier = (context: VerifyContext): Omit<TierReport, 'seconds'> => {
  const actionlint = context.tools.actionlint;
  if (!actionlint) return { tier: 'actionlint', proved: [], errors: [missingTool('actionlint')], findings: [], notes: [] };
  const directory = join(context.repoRoot, '.github', 'workflows');
  const workflows = readdirSync(directory)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => join('.github', 'workflows', file));
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
  const proved = [
    `${workflows.length} workflows (${workflows.map((w) => w.split('/').pop()).join(', ')}): ${findings.length} problems${withShellcheck ? ', run: scripts checked by shellcheck' : ''}${withConfig ? ` (accepted findings: ${config})` : ''}`,
  ];
  if (!withShellcheck) {
    return {
      tier: 'actionlint',
      proved,
      errors: ['shellcheck is not installed: run: scripts and shell scripts were not checked (bash verify/bootstrap-tools.sh installs it)'],
      findings,
      notes: [],
    };
  }
  // Every level, down to style; a finding accepted in a script is a `# shellcheck disable=…` with its reason.
  const scripts = shellScripts(context.repoRoot);
  const check = runCommand(shellcheck, ['-x', '-f', 'json1', ...scripts], { cwd: context.repoRoot, env: context.env });
  if (check.status !== 0 && check.status !== 1) return { tier: 'actionlint', proved, errors: [failureText(check)], findings, notes: [] };
  let scriptFindings: Finding[];
  try {
    scriptFindings = parseShellcheckOutput(check.stdout);
  } catch (error) {
    return { tier: 'actionlint', proved, errors: [`${(error as Error).message}; ${failureText(check)}`], findings, notes: [] };
  }
  proved.push(`${scripts.length} shell scripts (${scripts.join(', ')}) checked by shellcheck: ${scriptFindings.length} problems`);
  return { tier: 'actionlint', proved, errors: [], findings: [...findings, ...scriptFindings], notes: [] };
};
