#!/usr/bin/env node
// The `stampline` command: runs the TypeScript CLI through tsx, as `npm start` runs the gateway.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
