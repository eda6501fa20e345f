// Builds the plugin for developer mode: dist/pult.js (the package.json "main"), dependencies
// external (node_modules). The production file, with everything embedded, is `npm run package`
// (sim/package-pult.ts).
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
