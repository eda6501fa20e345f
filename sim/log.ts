// The simulator's log: one human-readable line per event, `HH:MM:SS [route] text`.

export type LogSink = (line: string) => void;

export class SimLog {
  constructor(private readonly sink: LogSink) {}

  /** A line about the simulator itself. */
  info(text: string): void {
    this.sink(`${clock()} ${text}`);
  }

  /** A line about one plugin. */
  plugin(route: string, text: string): void {
    this.sink(`${clock()} [${route}] ${text}`);
  }
}

function clock(): string {
  const now = new Date();
  return [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
