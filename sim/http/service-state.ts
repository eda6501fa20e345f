// What a person sees about a plugin's state: labels for the index page, texts for the 503.
import type { PluginStatus } from '../plugins/supervisor';

export const STATUS_LABELS: Record<PluginStatus, string> = {
  starting: 'запускается',
  running: 'работает',
  restarting: 'ждёт перезапуска',
  stopping: 'останавливается',
  stopped: 'остановлен',
  refused: 'не запущен',
  failed: 'упал при инициализации',
};

/** The text of the 503 answer for a route in a service state. */
export function serviceStateText(route: string, status: PluginStatus, reason: string | undefined, updating = false): string {
  if (updating) return `Плагин «${route}» обновляется. Повторите запрос через несколько секунд.`;
  switch (status) {
    case 'starting':
      return `Плагин «${route}» запускается. Повторите запрос через несколько секунд.`;
    case 'restarting':
      return `Плагин «${route}» перезапускается после сбоя. Повторите запрос через несколько секунд.`;
    case 'refused':
      return `Плагин «${route}» не запущен: ${reason ?? 'причина в журнале симулятора'}.`;
    case 'failed':
      return `Плагин «${route}» завершился при инициализации и не будет перезапущен (${reason ?? 'подробности в журнале симулятора'}).`;
    default:
      return `Плагин «${route}» остановлен.`;
  }
}
