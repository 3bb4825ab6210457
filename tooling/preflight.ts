/**
 * Checks done before anything is synthesized: a Terraform (or OpenTofu) binary and AWS credentials.
 * Pure: the caller passes the environment and a file test, so the messages are testable
 * (tooling/terraform.ts runs them against this machine).
 */

export const terraformBinaryName = (env: NodeJS.ProcessEnv): string => env.TERRAFORM_BINARY_NAME?.trim() || 'terraform';

/** Resolves a binary like the shell does: a name with a slash is a path, otherwise each PATH entry. */
export const findExecutable = (name: string, env: NodeJS.ProcessEnv, isExecutableFile: (path: string) => boolean, platform: NodeJS.Platform = process.platform): string | undefined => {
  if (name.includes('/') || name.includes('\\')) return isExecutableFile(name) ? name : undefined;
  const separator = platform === 'win32' ? ';' : ':';
  const extensions = platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  for (const directory of (env.PATH ?? env.Path ?? '').split(separator).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = `${directory}${platform === 'win32' ? '\\' : '/'}${name}${extension}`;
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
};

export const missingBinaryMessage = (name: string, env: NodeJS.ProcessEnv): string =>
  env.TERRAFORM_BINARY_NAME?.trim()
    ? `Terraform binary "${name}" (from TERRAFORM_BINARY_NAME) was not found on PATH. Install it, or unset TERRAFORM_BINARY_NAME to use "terraform".`
    : `Terraform binary "terraform" was not found on PATH. Install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BINARY_NAME=tofu to use OpenTofu.`;

/**
 * Where the AWS SDK inside the provider would find credentials, or undefined when nowhere.
 * Presence only: whether they are valid is for Terraform to say.
 */
export const awsCredentialSource = (env: NodeJS.ProcessEnv, fileExists: (path: string) => boolean, homeDirectory: string): string | undefined => {
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  if (set('AWS_ACCESS_KEY_ID') && set('AWS_SECRET_ACCESS_KEY')) return 'environment variables (AWS_ACCESS_KEY_ID)';
  if (set('AWS_WEB_IDENTITY_TOKEN_FILE') && set('AWS_ROLE_ARN')) return 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (set('AWS_CONTAINER_CREDENTIALS_FULL_URI') || set('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI')) return 'container credentials endpoint';
  if (set('AWS_EC2_METADATA_SERVICE_ENDPOINT')) return 'instance metadata (AWS_EC2_METADATA_SERVICE_ENDPOINT)';
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE?.trim() || `${homeDirectory}/.aws/credentials`;
  const configFile = env.AWS_CONFIG_FILE?.trim() || `${homeDirectory}/.aws/config`;
  const profile = set('AWS_PROFILE') ? ` (profile ${env.AWS_PROFILE})` : '';
  if (fileExists(credentialsFile)) return `shared credentials file ${credentialsFile}${profile}`;
  if (fileExists(configFile)) return `shared config file ${configFile}${profile}`;
  return undefined;
};

export const missingCredentialsMessage = (environment: string): string =>
  `No AWS credentials found for environment ${environment}. Provide one of: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ` +
  `AWS_PROFILE with ~/.aws/credentials or ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE); ` +
  `AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN; AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI; ` +
  `or AWS_EC2_METADATA_SERVICE_ENDPOINT on an EC2 instance. In GitHub Actions the configure-aws-credentials step sets them.`;

export type PreflightResult = { readonly ok: true; readonly binary: string; readonly credentials: string } | { readonly ok: false; readonly message: string };

export interface PreflightDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly isExecutableFile: (path: string) => boolean;
  readonly fileExists: (path: string) => boolean;
  readonly homeDirectory: string;
  readonly platform?: NodeJS.Platform;
}

/** Binary first (cheaper to fix, and without it credentials do not matter), then credentials. */
export const preflight = (environment: string, deps: PreflightDeps): PreflightResult => {
  const name = terraformBinaryName(deps.env);
  const binary = findExecutable(name, deps.env, deps.isExecutableFile, deps.platform);
  if (!binary) return { ok: false, message: missingBinaryMessage(name, deps.env) };
  const credentials = awsCredentialSource(deps.env, deps.fileExists, deps.homeDirectory);
  if (!credentials) return { ok: false, message: missingCredentialsMessage(environment) };
  return { ok: true, binary, credentials };
};
