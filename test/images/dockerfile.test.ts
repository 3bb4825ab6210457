/**
 * The Dockerfile and its build context, held to the catalog: one stage per image repository of the
 * catalog, each copying exactly its bundles from the build stage with the catalog's command as CMD;
 * a base pinned by digest, for the Node the bundles are compiled for; a non-root runtime; no
 * secrets; a context that lets in everything `npm run build:tasks` reads and nothing of the state,
 * plans or credentials; the repositories the synthesized environments create and run. And hadolint,
 * where it is installed. No Docker engine runs here: nothing is built.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { bookingSaga } from '../../catalog/booking-saga';
import { NODE_TARGET } from '../../delivery/build-tasks';
import { taskImages } from '../../delivery/task-images';
import { environments } from '../../environments';
import { findHadolint, formatFinding, HADOLINT_VERSION, hadolintVersion, missingHadolintMessage, runHadolint } from '../../tooling/hadolint';
import { dockerContextIncludes, execForm, parseCopy, parseInstructions, parseStages, type Stage } from '../support/dockerfile';
import { stackJson } from '../support/synth';

const ROOT = join(__dirname, '..', '..');
const dockerfileText = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
const stages = parseStages(dockerfileText);
const { images } = taskImages(bookingSaga);
/** The stage an image needs, as the Dockerfile should hold it (printed when it is missing). */
const expectedStage = (image: (typeof images)[number]): string =>
  [
    `FROM runtime AS ${image.target}`,
    `COPY --from=build ${image.bundles.flatMap((b) => [`/build/dist/${b}.js`, `/build/dist/${b}.js.map`]).join(' ')} dist/`,
    `CMD ${JSON.stringify(image.command).replaceAll('","', '", "')}`,
  ].join('\n');
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  const image = images.find((i) => i.target === name);
  if (!found) throw new Error(`no stage ${name} in the Dockerfile (stages: ${stages.map((s) => s.name).join(', ')})${image ? `; add:\n\n${expectedStage(image)}\n` : ''}`);
  return found;
};
const keywordsOf = (s: Stage) => s.instructions.map((i) => i.keyword);

describe('the support parsers', () => {
  it('join continuation lines, drop comments, read stages, COPY and exec forms', () => {
    const text =
      '# c\nFROM --platform=$BUILDPLATFORM a:1@sha256:x AS one\nRUN a \\\n  # inner\n  b\nFROM one AS two\nCOPY --from=one --chown=1:1 /x /y d/\nCMD ["node", "x.js"]\nCMD node x.js\n';
    expect(parseInstructions(text).map((i) => [i.keyword, i.args, i.line])).toEqual([
      ['FROM', '--platform=$BUILDPLATFORM a:1@sha256:x AS one', 2],
      ['RUN', 'a  b', 3],
      ['FROM', 'one AS two', 6],
      ['COPY', '--from=one --chown=1:1 /x /y d/', 7],
      ['CMD', '["node", "x.js"]', 8],
      ['CMD', 'node x.js', 9],
    ]);
    expect(parseStages(text).map((s) => [s.name, s.from, s.platform])).toEqual([
      ['one', 'a:1@sha256:x', '$BUILDPLATFORM'],
      ['two', 'one', undefined],
    ]);
    expect(parseCopy('--from=one --chown=1:1 /x /y d/')).toEqual({ flags: { from: 'one', chown: '1:1' }, sources: ['/x', '/y'], destination: 'd/' });
    expect([execForm('["node", "x.js"]'), execForm('node x.js')]).toEqual([['node', 'x.js'], undefined]);
  });

  it('filter the context as Docker does: last matching line wins, a directory covers its contents', () => {
    const rules = '# allow-list\n*\n!src/\n!scripts/build.ts\nsrc/**/*.secret\n!docs/*.md\n';
    expect(['src/a.ts', 'src/deep/b.ts', 'scripts/build.ts', 'docs/x.md'].filter((p) => dockerContextIncludes(rules, p))).toEqual([
      'src/a.ts',
      'src/deep/b.ts',
      'scripts/build.ts',
      'docs/x.md',
    ]);
    expect(['README.md', 'scripts/other.ts', 'src/deep/k.secret', 'docs/sub/y.md', '.env'].filter((p) => dockerContextIncludes(rules, p))).toEqual([]);
    expect(dockerContextIncludes('', 'anything')).toBe(true);
  });
});

describe('stages', () => {
  it('are the build stage, the shared runtime and one per image repository of the catalog', () => {
    for (const image of images) stage(image.target);
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime', ...images.map((image) => image.target)]);
  });

  it('each image stage reads as the catalog says', () => {
    const text = parseInstructions(dockerfileText)
      .map((i) => `${i.keyword} ${i.args}`)
      .join('\n');
    for (const image of images) expect(text).toContain(expectedStage(image));
  });

  it.each(images.map((image) => [image.target, image] as const))("%s: copies exactly its bundles and their maps from the build stage; CMD is the catalog's command", (target, image) => {
    const own = stage(target);
    expect(own.from).toBe('runtime');
    expect(keywordsOf(own)).toEqual(['COPY', 'CMD']);
    const copy = parseCopy(own.instructions[0]!.args);
    expect(copy).toEqual({
      flags: { from: 'build' },
      sources: image.bundles.flatMap((bundle) => [`/build/dist/${bundle}.js`, `/build/dist/${bundle}.js.map`]),
      destination: 'dist/',
    });
    expect(execForm(own.instructions[1]!.args)).toEqual(image.command);
    // ECS passes the task definition's command; the image's CMD is the same one, so `docker run` behaves alike.
    const tasks = bookingSaga.services.flatMap((s) => s.tasks.map((t) => ({ key: `${s.name}/${t.name}`, t })));
    expect(tasks.find(({ key }) => key === image.tasks[0])!.t.command).toEqual(execForm(own.instructions[1]!.args));
  });

  it('the build stage bundles with npm run build:tasks, after a lockfile install that runs no install scripts', () => {
    const build = stage('build');
    const runs = build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs).toEqual(['npm ci --ignore-scripts --no-audit --no-fund', 'npm run build:tasks']);
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['build:tasks']).toBe('node --require ./tooling/register-ts.cjs scripts/build-tasks.ts');
    // The lockfile is copied before the install and the sources after it: a source change keeps the install's layer.
    const copies = build.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'RUN').map((i) => `${i.keyword} ${i.args}`);
    expect(copies[0]).toBe('COPY package.json package-lock.json ./');
    expect(copies[1]).toMatch(/^RUN npm ci/);
    expect(copies.at(-1)).toBe('RUN npm run build:tasks');
    // Arch-independent JavaScript: bundled on the build machine's platform, not under emulation.
    expect(build.platform).toBe('$BUILDPLATFORM');
  });
});

describe('base image', () => {
  const externalFroms = stages.filter((s) => !stages.some((other) => other.name === s.from)).map((s) => s.from);

  it('is one official Node image pinned by tag and digest, in every FROM that is not a stage', () => {
    expect(externalFroms.length).toBe(2);
    expect(new Set(externalFroms).size).toBe(1);
    expect(externalFroms[0]).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim@sha256:[0-9a-f]{64}$/);
  });

  it(`runs the Node major the bundles are compiled for (${NODE_TARGET})`, () => {
    const major = /^node:(\d+)\./.exec(externalFroms[0]!)![1];
    expect(`node${major}`).toBe(NODE_TARGET);
    const nvmrc = join(ROOT, '.nvmrc');
    if (existsSync(nvmrc)) expect(`node${readFileSync(nvmrc, 'utf8').trim().split('.')[0]}`).toBe(NODE_TARGET);
  });
});

describe('runtime', () => {
  const runtime = stage('runtime');

  it('runs as a non-root user given by number, with source-mapped stack traces; nothing else', () => {
    expect(runtime.instructions.map((i) => `${i.keyword} ${i.args}`)).toEqual(['ENV NODE_OPTIONS=--enable-source-maps', 'WORKDIR /app', 'USER 1000:1000']);
  });

  it('no image stage changes the user, runs a command, adds files from the context or the network, or declares a health check', () => {
    for (const image of images) {
      const own = stage(image.target);
      expect(keywordsOf(own).filter((k) => ['USER', 'RUN', 'ADD', 'HEALTHCHECK', 'ENTRYPOINT', 'ENV', 'ARG'].includes(k))).toEqual([]);
      for (const copy of own.instructions.filter((i) => i.keyword === 'COPY')) expect(parseCopy(copy.args).flags.from).toBe('build');
    }
    expect(parseInstructions(dockerfileText).filter((i) => i.keyword === 'HEALTHCHECK' || i.keyword === 'ADD')).toEqual([]);
  });

  it('holds no secret: no ARG or ENV that looks like one, no copied credentials', () => {
    const declared = parseInstructions(dockerfileText).filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV');
    for (const instruction of declared) expect(instruction.args).not.toMatch(/secret|token|password|passwd|credential|access_?key|private/i);
    expect(dockerfileText).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|\.npmrc|\.aws\b/);
  });
});

describe('build context (.dockerignore)', () => {
  /** Every repository file `npm run build:tasks` imports: its script and, through the bundles' entry points, every task program's. */
  const readByBuild = (() => {
    const { metafile } = buildSync({
      absWorkingDir: ROOT,
      entryPoints: ['scripts/build-tasks.ts', ...taskImages(bookingSaga).bundles.map((b) => b.source)],
      bundle: true,
      platform: 'node',
      packages: 'external',
      write: false,
      outdir: 'unused',
      metafile: true,
      logLevel: 'silent',
    });
    return Object.keys(metafile.inputs).sort();
  })();

  const contextCopies = stage('build')
    .instructions.filter((i) => i.keyword === 'COPY')
    .map((i) => parseCopy(i.args))
    .filter((copy) => copy.flags.from === undefined)
    .flatMap((copy) => copy.sources);

  it('lets in every file build:tasks reads, and the build stage copies each of them', () => {
    expect(readByBuild).toEqual(
      expect.arrayContaining(['scripts/build-tasks.ts', 'delivery/build-tasks.ts', 'task-programs/booking-saga/charge-payment.ts', 'event-client/publisher.ts', 'core/task-bundles.ts']),
    );
    for (const file of [...readByBuild, 'package.json', 'package-lock.json', 'tsconfig.json']) {
      expect([file, dockerContextIncludes(dockerignore, file)]).toEqual([file, true]);
      const copied = contextCopies.some((source) => (source.endsWith('/') ? file.startsWith(source) : file === source));
      expect([file, copied]).toEqual([file, true]);
    }
  });

  it('lets in every source a COPY names, and each exists', () => {
    expect(contextCopies.length).toBeGreaterThan(5);
    for (const source of contextCopies) {
      expect([source, existsSync(join(ROOT, source)), dockerContextIncludes(dockerignore, source.replace(/\/$/, ''))]).toEqual([source, true, true]);
    }
  });

  it.each([
    '.git/config',
    '.env',
    'cdktf.out/manifest.json',
    '.terraform-state/dev-base.tfstate',
    'plans/prod-base.json',
    'node_modules/zod/index.js',
    'dist/notify.js',
    'test/images/dockerfile.test.ts',
    'scripts/plan.ts',
    'modules/network/main.tf',
    '.state-bootstrap/prod/terraform.tfstate',
    'Dockerfile',
  ])('keeps %s out', (path) => {
    expect(dockerContextIncludes(dockerignore, path)).toBe(false);
  });
});

describe('image repositories', () => {
  const repositories = images.map((image) => image.repository);

  it.each(environments.filter((env) => env.base.kind === 'managed').map((env) => env.name))(
    '%s: the base stack creates exactly these repositories, and every task definition runs an image built here with its command',
    (env) => {
      const modules = stackJson(`${env}-base`).module as Record<string, Record<string, unknown>>;
      expect([...(modules.ecs_cluster!.ecr_repositories as string[])].sort()).toEqual([...repositories].sort());
      const tasks = modules.task_definitions!.tasks as Record<string, { image: string; command: string[] }>;
      expect(Object.keys(tasks).sort()).toEqual(images.flatMap((image) => image.tasks).sort());
      for (const [key, definition] of Object.entries(tasks)) {
        const match = /^\$\{module\.ecs_cluster\.ecr_repository_urls\["([^"]+)"\]\}:([\w.-]+)$/.exec(definition.image);
        expect([key, match?.[1]]).toEqual([key, expect.any(String)]);
        const image = images.find((i) => i.repository === match![1])!;
        expect(image.tasks).toContain(key);
        expect(image.bundles.map((bundle) => `dist/${bundle}.js`)).toContain(definition.command[1]);
      }
    },
  );
});

describe('hadolint', () => {
  const binary = findHadolint();
  if (!binary) {
    const reason = `hadolint SKIPPED: ${missingHadolintMessage()}`;
    console.warn(reason);
    it.skip(reason, () => undefined);
    return;
  }

  it(`is the pinned ${HADOLINT_VERSION}`, () => {
    expect(hadolintVersion(binary)).toBe(HADOLINT_VERSION);
  });

  it('finds nothing in the Dockerfile (.hadolint.yaml: every level fails, official images only)', () => {
    const result = runHadolint(binary, join(ROOT, 'Dockerfile'), join(ROOT, '.hadolint.yaml'));
    expect({ status: result.status, findings: result.findings.map((f) => formatFinding('Dockerfile', f)), error: result.error }).toEqual({ status: 0, findings: [], error: '' });
  });

  it('does find what it should: a moving tag, a root user, a registry not trusted', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'hadolint-'));
    try {
      const file = join(scratch, 'Dockerfile');
      writeFileSync(file, 'FROM node:latest\nUSER root\nCMD node x.js\n');
      const loose = runHadolint(binary, file, join(ROOT, '.hadolint.yaml'));
      // DL3066 (a user by name) is only an "info": .hadolint.yaml fails on it all the same.
      expect(loose.findings.map((f) => f.code).sort()).toEqual(['DL3002', 'DL3007', 'DL3025', 'DL3066']);
      expect(loose.status).toBe(1);
      writeFileSync(file, 'FROM registry.example.com/node:24.18.0@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d\nUSER 1000\n');
      expect(runHadolint(binary, file, join(ROOT, '.hadolint.yaml')).findings.map((f) => f.code)).toEqual(['DL3026']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
