/**
 * Sizes the way people read them: "12,4 МБ", "256 КБ". Shared by pages and by the
 * messages of limits (a 256 KB limit said in whole megabytes read "0 МБ").
 */
export function formatBytes(n: number): string {
  const units = ['Б', 'КБ', 'МБ', 'ГБ', 'ТБ'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat('ru-RU', { maximumFractionDigits: digits }).format(v)} ${units[i]}`;
}
