import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

let instantiated = false;

/**
 * Prisma's CLI cannot fetch its native schema engine here, so migrations run on the WebAssembly
 * build through a driver adapter. Node 20 cannot import `.wasm` modules, so it is instantiated by hand.
 */
function instantiate(): void {
  if (instantiated) return;
  const gluePath = fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const wasm = new WebAssembly.Module(readFileSync(gluePath.replace(/\.js$/, '.wasm')));
  const instance = new WebAssembly.Instance(wasm, { './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports });
  (glue as unknown as { __wbg_set_wasm(exports: WebAssembly.Exports): void }).__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  instantiated = true;
}

export async function createSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodels?: [path: string, content: string][],
): Promise<SchemaEngine> {
  instantiate();
  const engineClass = (glue as unknown as { SchemaEngine: typeof SchemaEngine }).SchemaEngine;
  return engineClass.new({ datamodels }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
}

export const noFilters = { externalTables: [] as string[], externalEnums: [] as string[] };
