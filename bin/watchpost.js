#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (esbuild): no build step to forget,
// the same code path in development, tests, the demo and containers.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
