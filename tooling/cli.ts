/**
 * What every command-line script shares: one argument parser (`node:util` `parseArgs`), one usage
 * error, one set of exit codes and one way to end. Each script is a thin entry point:
 *
 *   if (require.main === module) void runCommand({ name: 'plan', usage: USAGE, run: runPlan });
 *
 * The exit codes are documented once, in docs/cli.md.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The exit codes of every script. */
export const EXIT = {
  /** Done, and nothing to report. */
  ok: 0,
  /** The command ran and found something: a destroy refused, a stack that failed to plan, events EventBridge refused, a local run that did not complete. */
  finding: 1,
  /** Nothing was done: bad arguments, or a missing environment, credentials, binary or input. */
  usage: 2,
  /** A bug or an unexpected failure; the message and stack trace are printed. */
  crash: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad arguments: the script prints `<name>: <message>` and a pointer to `--help`, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The arguments are fine but something the command needs is missing or unusable: an environment,
 * AWS credentials, the Terraform binary, a synthesized output. Exit 2 like a usage error, without
 * the pointer to `--help` (the message says what to provide).
 */
export class PrerequisiteError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'PrerequisiteError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** Arguments before a lone `--` (after it everything is a positional). */
const beforeDoubleDash = (argv: readonly string[]): readonly string[] => {
  const end = argv.indexOf('--');
  return end < 0 ? argv : argv.slice(0, end);
};

/** True when `--help` or `-h` is among the arguments. */
export const wantsHelp = (argv: readonly string[]): boolean => beforeDoubleDash(argv).some((arg) => arg === '--help' || arg === '-h');

/**
 * Our own messages for the mistakes people make, checked before `parseArgs` sees the arguments:
 * an unknown option, an option without its value, a positional where none is taken.
 */
function checkArguments(argv: readonly string[], options: Options, allowPositionals: boolean): void {
  const byShort = new Map(Object.entries(options).flatMap(([name, option]) => (option.short ? [[option.short, name] as const] : [])));
  const args = beforeDoubleDash(argv);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-') && arg !== '-') {
      const long = arg.startsWith('--');
      const name = long ? arg.slice(2).split('=')[0]! : byShort.get(arg.slice(1, 2));
      if (name === undefined || !Object.hasOwn(options, name)) throw new UsageError(`unknown argument ${JSON.stringify(arg)} (see --help)`);
      const inline = long ? arg.includes('=') : arg.length > 2;
      if (options[name]!.type === 'string' && !inline) {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
        i++;
      }
    } else if (!allowPositionals) {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (see --help)`);
    }
  }
}

/**
 * `parseArgs` in strict mode, with `--help`/`-h` always accepted, `--name=value` and `--name value`
 * alike, and every mistake thrown as a `UsageError`. `tokens` keep the order of the arguments for
 * options whose meaning depends on what follows them.
 */
export function parseCommandLine<const O extends Options>(argv: readonly string[], options: O, config: { readonly allowPositionals?: boolean } = {}) {
  const allOptions = { ...options, ...HELP };
  const allowPositionals = config.allowPositionals ?? false;
  checkArguments(argv, allOptions, allowPositionals);
  try {
    return parseArgs({ args: [...argv], options: allOptions, strict: true, allowPositionals, tokens: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A whole number ≥ `min` given as the value of `flag`. */
export function wholeNumberArgument(flag: string, text: string, min: number): number {
  const number = Number(text);
  if (text.trim() === '' || !Number.isInteger(number) || number < min) {
    throw new UsageError(`${flag}: expected a whole number of at least ${min}, not ${JSON.stringify(text)}`);
  }
  return number;
}

export interface Command {
  /** How the script names itself in messages: `plan`, `plan:summary`, `npm run local`. */
  readonly name: string;
  /** Printed for `--help`; ends with the exit codes or a pointer to docs/cli.md. */
  readonly usage: string;
  /** Does the work and returns an exit code; throws `UsageError` for bad input. */
  readonly run: (argv: readonly string[]) => number | Promise<number>;
}

export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * Runs a script: `--help` prints its usage (exit 0); a `UsageError` prints `<name>: <message>`
 * (exit 2); anything else thrown is a crash, printed with its stack (exit 3). Resolves with the
 * exit code, which is also set on `process.exitCode` (so pending output is flushed).
 */
export async function runCommand(command: Command, argv: readonly string[] = process.argv.slice(2), io: CommandIo = process): Promise<number> {
  // A reader that stops early (`| head`) closes the pipe: the rest of the output has nowhere to go, which is no crash.
  if (io === process) process.stdout.on('error', ignoreClosedPipe);
  let code: number;
  if (wantsHelp(argv)) {
    io.stdout.write(`${command.usage}\n`);
    code = EXIT.ok;
  } else {
    try {
      code = await command.run(argv);
    } catch (error) {
      code = reportFailure(command.name, error, io);
    }
  }
  process.exitCode = code;
  return code;
}

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

function reportFailure(name: string, error: unknown, io: CommandIo): number {
  if (error instanceof PrerequisiteError) {
    io.stderr.write(`${name}: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`${name}: ${error.message}\nRun with --help for usage.\n`);
    return EXIT.usage;
  }
  io.stderr.write(`${name}: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.crash;
}
