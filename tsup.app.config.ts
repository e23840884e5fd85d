import { defineConfig } from 'tsup';

/**
 * Every app builds the same way: one ESM bundle with the workspace packages inlined and every third-party
 * package left external (resolved from node_modules at run time, as the container's `pnpm deploy` provides).
 */
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  noExternal: [/^@herohooks\//],
  external: [/^(?!@herohooks\/)[^./]/],
});
