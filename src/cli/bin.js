#!/usr/bin/env node
// The `stampline` command. It runs the compiled CLI in dist/ (built by `npm install`) when that build
// is current, and otherwise the TypeScript sources through tsx, so that a command typed while the
// sources are being edited runs what is on disk without waiting for a build.
import { buildIsCurrent } from '../../scripts/build.mjs';

if (buildIsCurrent()) {
  await import('../../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
