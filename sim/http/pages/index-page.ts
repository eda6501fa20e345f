// /_sim/ — the plugins, their state and links.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostState } from '../../api/index';
import { getServerInfo } from '../../api/info';
import type { PluginSupervisor } from '../../plugins/supervisor';
import { esc, page, sendHtml } from '../html';
import { STATUS_LABELS } from '../service-state';
import { whoAmI } from './current-user';

export async function indexPage(
  req: IncomingMessage,
  res: ServerResponse,
  host: HostState,
  plugins: Map<string, PluginSupervisor>,
): Promise<void> {
  const rows = [...plugins.values()]
    .map(
      (p) => `<tr><td><a href="/${encodeURIComponent(p.route)}">/${esc(p.route)}</a></td>
<td class="${p.status === 'running' && !p.updating ? 'ok' : 'bad'}">${esc(p.updating ? 'обновляется' : STATUS_LABELS[p.status])}</td>
<td>${esc(p.pid ?? '')}</td><td>${esc(p.restarts)}</td><td>${esc(p.reason ?? '')}</td>
<td class="muted">${esc(p.source.path)}<br>${esc(p.socketPath ?? '')}</td></tr>`,
    )
    .join('\n');
  const mails = await host.outbox.count();
  const info = getServerInfo(host.config, host.port());
  const body = `${whoAmI(req, host)}
<h2>Плагины</h2>
${rows ? `<table><tr><th>Маршрут</th><th>Состояние</th><th>pid</th><th>Перезапусков</th><th>Причина</th><th>Папка и сокет</th></tr>${rows}</table>` : '<p>Плагинов нет.</p>'}
<h2>Сервер</h2>
<p>${esc(info.Protocol)}://${esc(info.Host)}${esc(info.PreferredVDir)} · пользователей: ${esc(host.config.users.length)} · лицензий: ${esc(host.config.licenses.length)}</p>
<p><a href="/_sim/outbox">Исходящая почта</a>: писем ${esc(mails)}</p>`;
  sendHtml(res, 200, page('Симулятор монитора KServer', body));
}
