// `npm run pack:cli`: the `tongban` command as users install it — one npm package, `tongban-cli`,
// holding a single bundled file and no dependencies, so installing it fetches nothing:
//
//   npm run pack:cli                         # writes tongban-cli-<version>.tgz here
//   npm install -g ./tongban-cli-<version>.tgz
//   tongban --help
//
// The bundle is shared/cli/command.ts built by esbuild with everything it imports (the AWS SDK's
// credential chain and S3 client, the seal verification with sm-crypto, the archive audit), for
// Node 20.11 and later. Options: --out <dir> (the package folder; default: a temporary one, removed
// after packing) and --destination <dir> (where the .tgz goes; default: the current folder).
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ESM_REQUIRE_BANNER, PROJECT_ROOT } from './project-paths.ts';

export const CLI_PACKAGE_NAME = 'tongban-cli';
/** The oldest Node the packed CLI runs on (the project's own engines field). */
const NODE_TARGET = 'node20';

/** Builds the package folder in `outdir`: package.json, README.md and the bundle tongban.mjs. */
export async function buildCliPackage(outdir: string): Promise<{ dir: string; version: string }> {
  const root = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; license: string };
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(PROJECT_ROOT, 'shared/cli/command.ts')],
    outfile: join(outdir, 'tongban.mjs'),
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    format: 'esm',
    mainFields: ['module', 'main'],
    // The shebang makes the file the command; require() is for CommonJS dependencies that load Node's
    // own modules at run time.
    banner: { js: `#!/usr/bin/env node\n${ESM_REQUIRE_BANNER}` },
    external: [],
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const manifest = {
    name: CLI_PACKAGE_NAME,
    version: root.version,
    description: 'tongban: the command line of the Tongban (通办) government-service platform — items, cases, licences, offline seal verification, archive audits',
    type: 'module',
    bin: { tongban: 'tongban.mjs' },
    files: ['tongban.mjs', 'README.md'],
    engines: root.engines,
    license: root.license,
    // Built for installing from its .tgz, not for a registry.
    private: true,
  };
  await writeFile(join(outdir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  await writeFile(
    join(outdir, 'README.md'),
    [
      '# tongban-cli',
      '',
      'The `tongban` command of the Tongban (通办) platform, as one file with no dependencies.',
      '',
      '```sh',
      `npm install -g ./${CLI_PACKAGE_NAME}-${root.version}.tgz`,
      'tongban --help',
      'tongban verify decision.json decision.seal.json --jwks jwks.json   # offline',
      '```',
      '',
    ].join('\n'),
  );
  return { dir: outdir, version: root.version };
}

/** Builds the package and packs it with `npm pack`; answers the .tgz's path. */
export async function packCli(options: { outdir?: string; destination?: string } = {}): Promise<string> {
  const outdir = options.outdir ?? (await mkdtemp(join(tmpdir(), 'tongban-cli-')));
  try {
    await buildCliPackage(outdir);
    const destination = resolve(options.destination ?? '.');
    await mkdir(destination, { recursive: true });
    const { stdout } = await promisify(execFile)('npm', ['pack', outdir, '--pack-destination', destination, '--json'], { cwd: destination });
    const [packed] = JSON.parse(stdout) as [{ filename: string }];
    return join(destination, packed.filename);
  } finally {
    if (options.outdir === undefined) await rm(outdir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, destination: { type: 'string' } } });
  const tgz = await packCli({ ...(values.out ? { outdir: values.out } : {}), ...(values.destination ? { destination: values.destination } : {}) });
  console.log(tgz);
}
