/** How the engine reports what an administrator should see; the app passes its logger. */
export type StorageLogger = (entry: { level: 'info' | 'warn' | 'error'; message: string; err?: unknown }) => void;

export const consoleLogger: StorageLogger = ({ level, message, err }) => {
  if (level === 'info') return;
  console.error(`[pult storage] ${message}`, err ?? '');
};
