/**
 * The client's address as the monitor saw it (`x-kodeks-monitor-remote-addr`). Should a
 * monitor append to a header the client already sent rather than replace it, only the
 * last value is the monitor's own.
 */
export function clientAddress(header: string | undefined): string | undefined {
  const last = (header ?? '').split(',').pop()?.trim();
  return last ? last.slice(0, 64) : undefined;
}
