/**
 * What the acceptance rules refused since the process started, kept in memory for the
 * people who set the rules. Today: reports and getInfo questions of a listed configuration
 * that arrive with an empty `configInfo.version` (a real 8.3.18 client sent one). Only the
 * rule "all versions" accepts those, and without this a refusal would be invisible: the
 * settings page says so next to the configuration. Bounded: one entry per listed
 * configuration name, the name itself cut.
 */
export interface EmptyVersionRefusals {
  count: number;
  lastAt: string;
}

const MAX_CONFIGS = 200;

export class RefusalLog {
  private readonly emptyVersion = new Map<string, EmptyVersionRefusals>();

  /** Called for every refusal by version; notes it when the version was empty. */
  refusedVersion(configName: string, version: string | undefined, at = new Date()): void {
    if (version) return;
    const seen = this.emptyVersion.get(configName);
    if (seen) {
      seen.count++;
      seen.lastAt = at.toISOString();
    } else if (this.emptyVersion.size < MAX_CONFIGS) {
      this.emptyVersion.set(configName, { count: 1, lastAt: at.toISOString() });
    }
  }

  /** Empty-version refusals of one configuration since start, if any. */
  emptyVersionsOf(configName: string): EmptyVersionRefusals | undefined {
    return this.emptyVersion.get(configName);
  }
}
