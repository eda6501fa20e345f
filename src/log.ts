/** A plain line logger: the monitor (or our simulator) keeps the plugin's stdout/stderr. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export function createLogger(write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const line = (level: string, message: string) => write(`${new Date().toISOString()} ${level} ${message}`);
  return {
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m, err) => line('error', err instanceof Error ? `${m}: ${err.stack ?? err.message}` : err ? `${m}: ${String(err)}` : m),
  };
}

/** For tests and tools that want silence. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
