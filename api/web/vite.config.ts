import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The operator dashboard: plain TypeScript + preact/htm (no JSX, so the project's
 * tsc checks these files as they are). Relative base and hash routing: the built
 * page works wherever express mounts it, with no server-side fallback route.
 */
export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
});
