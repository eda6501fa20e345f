// Builds the plugin for the monitor: dist/pult.js (the package.json "main").
// Dependencies stay external here; the production packaging embeds them.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/pult.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
