// The plugin process runs plain node (a plugin's main is plain JS and must not see tsx), so
// the bootstrap is compiled once per simulator start into runDir.
import { buildSync } from 'esbuild';
import path from 'node:path';

/** Compiles bootstrap.ts into `<runDir>/bootstrap.cjs` and returns that path. */
export function buildBootstrap(runDir: string): string {
  const outfile = path.join(runDir, 'bootstrap.cjs');
  buildSync({
    entryPoints: [path.join(__dirname, 'bootstrap.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return outfile;
}
