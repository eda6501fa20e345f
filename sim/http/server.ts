// The simulator's HTTP front: /_sim/… are its own pages, /<route>… goes to the plugin.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { HostState } from '../api/index';
import type { PluginSupervisor } from '../plugins/supervisor';
import { page, redirect, sendHtml, sendText } from './html';
import { indexPage } from './pages/index-page';
import { login, loginForm, logout } from './pages/login-page';
import { outboxList, outboxMail } from './pages/outbox-page';
import { proxyToSocket } from './proxy';
import { serviceStateText } from './service-state';

export interface FrontDeps {
  host: HostState;
  plugins: Map<string, PluginSupervisor>;
}

export function createFrontServer(deps: FrontDeps): http.Server {
  return http.createServer((req, res) => {
    handle(req, res, deps).catch((err: Error) => {
      deps.host.log.info(`сбой страницы ${req.method} ${req.url}: ${err.stack ?? err}`);
      if (res.headersSent) res.destroy();
      else sendText(res, 500, 'Внутренняя ошибка симулятора (подробности в его журнале).');
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: FrontDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const path = url.pathname;
  if (path === '/') return redirect(res, '/_sim/');
  if (path === '/_sim' || path.startsWith('/_sim/')) return ownPage(req, res, deps, url);

  const route = safeDecode(path.split('/')[1] ?? '');
  const plugin = route === undefined ? undefined : deps.plugins.get(route);
  if (!plugin) return sendText(res, 404, `Нет плагина с маршрутом «${route ?? path}». Список плагинов: /_sim/`);
  if (plugin.updating || plugin.status !== 'running' || !plugin.socketPath) {
    const retry = plugin.updating || plugin.status === 'starting' || plugin.status === 'restarting' ? { 'retry-after': '2' } : {};
    return sendText(res, 503, serviceStateText(plugin.route, plugin.status, plugin.reason, plugin.updating), retry);
  }
  proxyToSocket(req, res, plugin.socketPath, plugin.route);
}

/** Percent-decoded text; undefined when it cannot be decoded. */
function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

async function ownPage(req: IncomingMessage, res: ServerResponse, deps: FrontDeps, url: URL): Promise<void> {
  const { host, plugins } = deps;
  const path = url.pathname.replace(/\/+$/, '') || '/_sim';
  const get = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/_sim' && get) return indexPage(req, res, host, plugins);
  if (path === '/_sim/login' && get) return loginForm(req, res, host, url);
  if (path === '/_sim/login' && req.method === 'POST') return login(req, res, host, url);
  if (path === '/_sim/logout' && get) return logout(req, res, host);
  if (path === '/_sim/outbox' && get) return outboxList(req, res, host);
  const mail = /^\/_sim\/outbox\/([^/]+)$/.exec(path);
  if (mail && get) return outboxMail(req, res, host, safeDecode(mail[1]!) ?? '');
  sendHtml(res, 404, page('Страница не найдена', '<p><a href="/_sim/">На главную симулятора</a></p>'));
}
