// Compiles src/ to plain JavaScript in dist/, so that `npm start` runs Node without compiling
// TypeScript at run time. Runs on `npm install` (postinstall, after the Prisma clients are generated)
// and, with --if-stale, before every `npm start`: then it only compares modification times (a few
// milliseconds) and rebuilds when a source is newer than the last build.
//
// tsc emits with --noCheck: type errors are `npm run typecheck`'s business, the build only strips types
// and rewrites the `.ts` import specifiers to `.js`. dist/ is rebuilt from scratch, so a deleted source
// leaves no stale module behind.
//
// The gateway's entry point, dist/main.js, is then replaced by one ES module holding all of src/ that
// the gateway loads at start (esbuild; node_modules stay separate): Node 20 spent an eighth to a sixth
// of the gateway's start-up CPU resolving, reading and compiling our two hundred small modules one by
// one. What the sources import on demand (each database's Prisma client and driver glue) is split into
// files of its own next to it and still loaded only when used. It comes with a source map (dist/main.js.map):
// `NODE_OPTIONS=--enable-source-maps npm start` prints stack traces with the sources' files and lines.
// The CLI and everything else keep running the per-file output of tsc.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(root, 'dist');
const stampFile = join(distDir, '.build-stamp');
// Everything the output depends on besides src/ itself.
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.mjs'];

function newestMtime(path) {
  // A file removed while the tree is walked (prisma generate rewrites src/generated/) changed its
  // folder, whose own time counts.
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  let entries = [];
  try {
    entries = readdirSync(path);
  } catch {
    // removed since its stat, as above
  }
  for (const entry of entries) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when dist/ was built after the last change to src/ (generated clients included) and its settings. */
export function buildIsCurrent() {
  if (!existsSync(stampFile)) return false;
  const built = statSync(stampFile).mtimeMs;
  return newestMtime(join(root, 'src')) <= built && inputs.every((file) => statSync(join(root, file)).mtimeMs <= built);
}

const srcDir = join(root, 'src');

/**
 * A module that finds files next to itself (`new URL('./assets/', import.meta.url)`) keeps finding
 * them once bundled: in each source under src/, `import.meta.url` becomes the URL its compiled file
 * has in dist/, computed from the bundle's own URL, so it names the same place as in tsc's output.
 * Every output file of a bundle lies directly in `outdir`.
 */
function moduleUrlAsInDist(outdir) {
  return {
    name: 'module-url-as-in-dist',
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const inSrc = relative(srcDir, args.path);
        if (inSrc.startsWith('..') || !source.includes('import.meta.url')) return undefined;
        const compiled = join(distDir, inSrc.replace(/\.ts$/, '.js'));
        const fromBundle = relative(outdir, compiled).split(sep).join('/');
        const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/**
 * Bundles `entry` (and the modules under src/ it imports) into one ES module in `outdir`, with the
 * packages it imports left to node_modules. Modules imported with `import()` become files of their
 * own, loaded when first imported. Used for dist/main.js and by the benchmarks for their servers,
 * so that they run the gateway as `npm start` does.
 */
export async function bundle(entry, outdir) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [entry],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [moduleUrlAsInDist(outdir)],
  });
}

export async function build() {
  const startedAt = Date.now();
  rmSync(distDir, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit', cwd: root });
  await bundle(join(srcDir, 'main.ts'), distDir);
  // Files the modules read next to themselves at run time.
  cpSync(join(root, 'src', 'pages', 'assets'), join(distDir, 'pages', 'assets'), { recursive: true });
  // The stamp carries the time the build started: a source saved during the build makes it stale.
  writeFileSync(stampFile, '');
  utimesSync(stampFile, startedAt / 1000, startedAt / 1000);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && buildIsCurrent()) process.exit(0);
  if (process.argv.includes('--if-stale')) console.error('Sources changed since the last build: compiling src/ to dist/ (npm run dev runs them directly)…');
  await build();
}
