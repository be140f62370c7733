// Compiles src/ to plain JavaScript in dist/, so that `npm start` runs Node without compiling
// TypeScript at run time. Runs on `npm install` (postinstall, after the Prisma clients are generated)
// and, with --if-stale, before every `npm start`: then it only compares modification times (a few
// milliseconds) and rebuilds when a source is newer than the last build.
//
// tsc emits with --noCheck: type errors are `npm run typecheck`'s business, the build only strips types
// and rewrites the `.ts` import specifiers to `.js`. dist/ is rebuilt from scratch, so a deleted source
// leaves no stale module behind.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(root, 'dist');
const stampFile = join(distDir, '.build-stamp');
// Everything the output depends on besides src/ itself.
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

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

export function build() {
  const startedAt = Date.now();
  rmSync(distDir, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit', cwd: root });
  // Files the modules read next to themselves at run time.
  cpSync(join(root, 'src', 'pages', 'assets'), join(distDir, 'pages', 'assets'), { recursive: true });
  // The stamp carries the time the build started: a source saved during the build makes it stale.
  writeFileSync(stampFile, '');
  utimesSync(stampFile, startedAt / 1000, startedAt / 1000);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && buildIsCurrent()) process.exit(0);
  if (process.argv.includes('--if-stale')) console.error('Sources changed since the last build: compiling src/ to dist/ (npm run dev runs them directly)…');
  build();
}
