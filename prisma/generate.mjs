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
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
