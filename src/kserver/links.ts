import type { KServer } from './api';

/**
 * The absolute base of our pages as the outside world sees it:
 * `Protocol://Host/<route>` from GetServerInfo, falling back to what the request said.
 */
export async function absoluteBase(kserver: KServer, route: string, fallbackHost?: string): Promise<string | undefined> {
  if (kserver.has('GetServerInfo')) {
    try {
      const info = await kserver.getServerInfo();
      const protocol = (info.Protocol || 'http').replace(/:$/, '');
      const host = info.Host || (info.Hostname ? `${info.Hostname}${info.Port ? ':' + info.Port : ''}` : '');
      if (host) return `${protocol}://${host}/${route}`;
    } catch {
      // fall through to the request's own Host
    }
  }
  return fallbackHost ? `http://${fallbackHost}/${route}` : undefined;
}
