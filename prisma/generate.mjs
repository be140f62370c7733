// Renders schema.template.prisma for each database and generates its Prisma client and Pothos types.
// Runs on `npm install` (postinstall), so a fresh clone needs no manual step.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const providers = ['sqlite', 'postgresql'];

/** Path of the rendered schema of one provider (gitignored; the template is the source). */
export function renderedSchemaPath(provider) {
  return join(here, 'rendered', provider, 'schema.prisma');
}

export function renderSchema(provider, template = readFileSync(join(here, 'schema.template.prisma'), 'utf8')) {
  return template.replaceAll('__PROVIDER__', provider);
}

// Prisma's client imports its query compiler from an ES module that exports the WebAssembly as one
// base64 string of 4.2 MiB. A loaded ES module is never released, so that string and the module's
// own source (as large again) stayed in the heap of every process after the compiler was built from
// them: 8.5 MiB of the idle gateway's 42 MiB of used heap. The same module also ships as CommonJS;
// read through require and dropped from require's cache once read, both are collected.
const COMPILER_IMPORT = /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_[\w.]+\.wasm-base64)\.mjs"\)/;

export function releaseCompilerSource(clientClass) {
  const match = COMPILER_IMPORT.exec(clientClass);
  // Loud rather than silently keeping the 8.5 MiB when a Prisma release loads its compiler otherwise.
  if (!match) throw new Error('prisma/generate.mjs: the generated client no longer imports its query compiler as expected (see releaseCompilerSource)');
  const read = [
    `const { wasm } = await (async () => {`,
    `      const require = (await import('node:module')).createRequire(import.meta.url)`,
    `      const id = require.resolve(${JSON.stringify(`${match[1]}.js`)})`,
    `      try { return require(id) as { wasm: string } } finally { delete require.cache[id] }`,
    `    })()`,
  ].join('\n');
  return clientClass.replace(COMPILER_IMPORT, read);
}

function main() {
  const prismaCli = join(here, '..', 'node_modules', 'prisma', 'build', 'index.js');
  for (const provider of providers) {
    const path = renderedSchemaPath(provider);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderSchema(provider));
    // Prisma's CLI would try to download a native schema engine; generation does not need one.
    execFileSync(process.execPath, [prismaCli, 'generate', '--schema', path], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PATH: `${join(here, '..', 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
        PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    });
    const clientClass = join(here, '..', 'src', 'generated', provider, 'internal', 'class.ts');
    writeFileSync(clientClass, releaseCompilerSource(readFileSync(clientClass, 'utf8')));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
