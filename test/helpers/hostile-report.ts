// A report built to break the report page: markup in every string it shows, entry names that
// are paths, a huge stack, a huge text, NUL and RTL characters, an HTML "screenshot".
import JSZip from 'jszip';
import { buildReportJson } from './build-report';

/** Markup that would run or show if anything were not escaped. */
export const MARK = (where: string) => `<img src=x onerror="window.__pwned='${where}'"><script>window.__pwned='${where}'</script>`;

export const HOSTILE_NAMES = {
  traversal: '../../evil<b>.txt',
  absolute: '/etc/passwd',
  quotes: 'отчёт "итог"\r\nSet-Cookie: x=1.txt',
  rtl: 'счёт\u202Egpj.exe',
} as const;

export interface HostileOptions {
  frames?: number;
  textBytes?: number;
  clientId?: string;
}

export function hostileReportJson(o: HostileOptions = {}): Record<string, any> {
  const frames = o.frames ?? 5000;
  return buildReportJson({
    clientId: o.clientId ?? 'pc-hostile',
    texts: [`${MARK('text1')}\nвторая строка\u0000после NUL`, `{Модуль.${MARK('text2')}(7)}: корень\u202Eнаоборот`],
    userName: MARK('user'),
    userDescription: `${MARK('descr')}\nстрока 2\nстрока 3`,
    edit(j) {
      j.time = 'не дата <b>';
      const cycle = [
        ['ОбщийМодуль.Рекурсия.Модуль', 10, `Вызов(${MARK('code')});`],
        ['ОбщийМодуль.Рекурсия2.Модуль', 20, 'Б();'],
        ['ОбщийМодуль.Рекурсия3.Модуль', 30, 'В();'],
      ];
      j.errorInfo.applicationErrorInfo.stack = Array.from({ length: frames }, (_, i) => cycle[i % 3]);
      j.errorInfo.applicationErrorInfo.stack.push([`Модуль.${MARK('text2')}`, 7, 'ВызватьИсключение "x";']);
      j.errorInfo.systemErrorInfo.systemCrash = true;
      j.errorInfo.systemErrorInfo.clientStack = MARK('clientStack');
      j.errorInfo.systemErrorInfo.serverStack = MARK('serverStack');
      j.clientInfo.systemInfo.osVersion = MARK('os');
      j.clientInfo.systemInfo.processor = MARK('cpu');
      j.clientInfo.systemInfo.useragent = MARK('ua');
      j.sessionInfo.dataSeparation = MARK('sep');
      j.serverInfo.dbms = MARK('dbms');
      j.configInfo.description = MARK('synonym');
      j.configInfo.compatibilityMode = MARK('compat');
      j.configInfo.changeEnabled = true;
      j.configInfo.extentions.push([MARK('ext'), MARK('exthash')]);
      j.configInfo.disabledExtentions = [[MARK('disabled'), 'h']];
      j.additionalInfo = `${MARK('info')}\n` + 'Д'.repeat(Math.floor((o.textBytes ?? 64 * 1024) / 2));
      j.additionalData = { html: MARK('data'), nested: { list: [1, 2, MARK('data2')] } };
      j.screenshot = { file: 'screenshot.png' };
      j.additionalFiles = [HOSTILE_NAMES.traversal, HOSTILE_NAMES.absolute, HOSTILE_NAMES.quotes, HOSTILE_NAMES.rtl, `${MARK('missing')}.txt`, 'нет\u202Egpj.exe'];
      j.dump = { type: 0, file: 'crash.dmp', reasonForNoDump: MARK('dump') };
    },
  });
}

export async function hostileReportZip(o: HostileOptions = {}): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('report.json', JSON.stringify(hostileReportJson(o), null, 2));
  zip.file('screenshot.png', `<html><script>window.__pwned='screenshot'</script></html>`);
  zip.file(HOSTILE_NAMES.traversal, 'traversal');
  zip.file(HOSTILE_NAMES.absolute, 'root:x:0:0');
  zip.file(HOSTILE_NAMES.quotes, 'quotes');
  zip.file(HOSTILE_NAMES.rtl, 'rtl');
  zip.file('crash.dmp', Buffer.alloc(1000, 7));
  return Buffer.from(await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
}
