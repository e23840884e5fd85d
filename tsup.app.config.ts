import { defineConfig } from 'tsup';

/** Every app builds the same way: one ESM bundle with the workspace packages inlined. */
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  noExternal: [/^@herohooks\//],
});
