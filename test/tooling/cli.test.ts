/** tooling/cli.ts: the parser, the usage error and the exit codes every script shares. */
import { EXIT, parseCommandLine, PrerequisiteError, runCommand, UsageError, wantsHelp, wholeNumberArgument } from '../../tooling/cli';

const OPTIONS = { env: { type: 'string' }, 'no-synth': { type: 'boolean', default: false }, tag: { type: 'string', multiple: true } } as const;

describe('parseCommandLine', () => {
  it('takes --name value and --name=value alike', () => {
    expect(parseCommandLine(['--env', 'dev'], OPTIONS).values.env).toBe('dev');
    expect(parseCommandLine(['--env=dev'], OPTIONS).values.env).toBe('dev');
    // A value may itself hold "=".
    expect(parseCommandLine(['--env=a=b'], OPTIONS).values.env).toBe('a=b');
    expect(parseCommandLine(['--tag=a', '--tag', 'b'], OPTIONS).values.tag).toEqual(['a', 'b']);
  });

  it('applies defaults and always accepts --help and -h', () => {
    expect(parseCommandLine([], OPTIONS).values).toEqual({ 'no-synth': false });
    expect(parseCommandLine(['--help'], OPTIONS).values.help).toBe(true);
    expect(parseCommandLine(['-h'], OPTIONS).values.help).toBe(true);
  });

  it.each([
    [['--bogus'], 'unknown argument "--bogus" (see --help)'],
    [['--bogus=1'], 'unknown argument "--bogus=1" (see --help)'],
    [['-x'], 'unknown argument "-x" (see --help)'],
    [['--env'], '--env needs a value'],
    [['--env', '--no-synth'], '--env needs a value'],
    [['dev'], 'unexpected argument "dev" (see --help)'],
    [['--no-synth=yes'], "Option '--no-synth' does not take an argument"],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parseCommandLine(argv, OPTIONS)).toThrow(UsageError);
    expect(() => parseCommandLine(argv, OPTIONS)).toThrow(message);
  });

  it('takes positionals only when asked, after -- too', () => {
    expect(parseCommandLine(['a.json', '--env', 'dev', 'b.json'], OPTIONS, { allowPositionals: true }).positionals).toEqual(['a.json', 'b.json']);
    expect(parseCommandLine(['--', '--bogus'], OPTIONS, { allowPositionals: true }).positionals).toEqual(['--bogus']);
  });

  it('keeps the order of the arguments in tokens', () => {
    const { tokens } = parseCommandLine(['--tag', 'a', 'x', '--tag=b'], OPTIONS, { allowPositionals: true });
    expect(tokens.map((token) => (token.kind === 'option' ? `${token.name}=${token.value}` : token.kind === 'positional' ? token.value : token.kind))).toEqual(['tag=a', 'x', 'tag=b']);
  });
});

describe('wantsHelp', () => {
  it('finds --help or -h before a lone --, and nowhere else', () => {
    expect(wantsHelp(['--env', 'dev', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(wantsHelp(['--helpful'])).toBe(false);
  });
});

describe('wholeNumberArgument', () => {
  it('accepts whole numbers from the minimum and names the flag otherwise', () => {
    expect(wholeNumberArgument('--runs', '1', 1)).toBe(1);
    expect(wholeNumberArgument('--port', '0', 0)).toBe(0);
    for (const bad of ['0', '1.5', '', 'x', '-1']) {
      expect(() => wholeNumberArgument('--runs', bad, 1)).toThrow(`--runs: expected a whole number of at least 1, not ${JSON.stringify(bad)}`);
    }
  });
});

describe('runCommand', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } } };
  };
  const saved = process.exitCode;
  afterEach(() => {
    process.exitCode = saved;
  });

  it('the exit codes are 0 ok, 1 finding, 2 usage, 3 crash', () => {
    expect(EXIT).toEqual({ ok: 0, finding: 1, usage: 2, crash: 3 });
  });

  it('--help prints the usage on stdout and exits 0 without running the command', async () => {
    const { out, io } = capture();
    let ran = false;
    const code = await runCommand({ name: 'x', usage: 'Usage: x', run: () => ((ran = true), EXIT.finding) }, ['--env', 'dev', '--help'], io);
    expect({ code, ran, out, exitCode: process.exitCode }).toEqual({ code: 0, ran: false, out: { stdout: 'Usage: x\n', stderr: '' }, exitCode: 0 });
  });

  it("passes the command's own code through", async () => {
    const { out, io } = capture();
    expect(await runCommand({ name: 'x', usage: '', run: async () => EXIT.finding }, [], io)).toBe(1);
    expect(process.exitCode).toBe(1);
    expect(out).toEqual({ stdout: '', stderr: '' });
  });

  it('a usage error: 2, the message and a pointer to --help', async () => {
    const { out, io } = capture();
    const code = await runCommand({ name: 'plan', usage: '', run: () => parseCommandLine(['--bogus'], OPTIONS) && 0 }, [], io);
    expect({ code, stderr: out.stderr }).toEqual({ code: 2, stderr: 'plan: unknown argument "--bogus" (see --help)\nRun with --help for usage.\n' });
  });

  it('a missing prerequisite: 2, the message alone', async () => {
    const { out, io } = capture();
    const code = await runCommand(
      {
        name: 'plan',
        usage: '',
        run: () => {
          throw new PrerequisiteError('No AWS credentials found');
        },
      },
      [],
      io,
    );
    expect({ code, stderr: out.stderr }).toEqual({ code: 2, stderr: 'plan: No AWS credentials found\n' });
  });

  it('anything else is a crash: 3, with the stack', async () => {
    const { out, io } = capture();
    const code = await runCommand(
      {
        name: 'plan',
        usage: '',
        run: async () => {
          throw new TypeError('x is undefined');
        },
      },
      [],
      io,
    );
    expect(code).toBe(3);
    expect(process.exitCode).toBe(3);
    expect(out.stderr).toMatch(/^plan: crashed: TypeError: x is undefined\n {4}at /);
  });
});
