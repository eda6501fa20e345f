// /_sim/outbox — the mails plugins sent, newest first; /_sim/outbox/<file> shows one fully.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostState } from '../../api/index';
import { esc, page, sendHtml } from '../html';

export async function outboxList(_req: IncomingMessage, res: ServerResponse, host: HostState): Promise<void> {
  const mails = await host.outbox.list();
  const rows = mails
    .map(
      ({ file, mail }) => `<tr><td><a href="/_sim/outbox/${encodeURIComponent(file)}">${esc(new Date(mail.time).toLocaleString('ru-RU'))}</a></td>
<td>${esc(mail.plugin)}</td><td>${esc(mail.to)}${mail.cc ? `<br><span class="muted">копия: ${esc(mail.cc)}</span>` : ''}</td>
<td>${esc(mail.subject || '(без темы)')}</td><td>${esc(mail.attachments.length || '')}</td></tr>`,
    )
    .join('\n');
  const body = rows
    ? `<p>Писем: ${esc(mails.length)}. Папка: <code>${esc(host.outbox.dir)}</code></p>
<table><tr><th>Время</th><th>Плагин</th><th>Кому</th><th>Тема</th><th>Вложений</th></tr>${rows}</table>`
    : `<p>Писем нет. Папка: <code>${esc(host.outbox.dir)}</code></p>`;
  sendHtml(res, 200, page('Исходящая почта', body));
}

export async function outboxMail(_req: IncomingMessage, res: ServerResponse, host: HostState, file: string): Promise<void> {
  const stored = await host.outbox.read(file);
  if (!stored) {
    sendHtml(res, 404, page('Письмо не найдено', '<p><a href="/_sim/outbox">К списку писем</a></p>'));
    return;
  }
  const { mail } = stored;
  const attachments = mail.attachments.map((a) => `<li>${esc(a.path)} (${esc(a.size)} байт)</li>`).join('');
  const body = `<table>
<tr><th>Время</th><td>${esc(new Date(mail.time).toLocaleString('ru-RU'))}</td></tr>
<tr><th>Плагин</th><td>${esc(mail.plugin)}</td></tr>
<tr><th>Кому</th><td>${esc(mail.to)}</td></tr>
<tr><th>Копия</th><td>${esc(mail.cc)}</td></tr>
<tr><th>Тема</th><td>${esc(mail.subject)}</td></tr>
<tr><th>Вложения</th><td>${attachments ? `<ul>${attachments}</ul>` : 'нет'}</td></tr>
</table>
<h2>Текст</h2><pre>${esc(mail.body)}</pre>
<p class="muted">Файл: ${esc(stored.file)} · <a href="/_sim/outbox">К списку писем</a></p>`;
  sendHtml(res, 200, page(mail.subject || '(без темы)', body));
}
