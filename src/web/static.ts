import fs from 'node:fs';
import path from 'node:path';
import type { Context, Next } from 'koa';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves the plugin's own assets from a map loaded once at start: a URL only ever selects
 * a key of that map, never a path on disk.
 */
export function staticAssets(dir: string, mountPath: string) {
  const assets = new Map<string, { body: Buffer; type: string }>();
  if (fs.existsSync(dir)) {
    for (const name of fs.readdirSync(dir)) {
      const type = TYPES[path.extname(name)];
      if (type) assets.set(name, { body: fs.readFileSync(path.join(dir, name)), type });
    }
  }
  return async function serveStatic(ctx: Context, next: Next) {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith(mountPath)) return next();
    const asset = assets.get(ctx.path.slice(mountPath.length));
    if (!asset) return next();
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = asset.body;
  };
}
