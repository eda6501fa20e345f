/**
 * What the acceptance rules refused since the process started, kept in memory for the
 * people who set the rules. Today: reports and getInfo questions of a listed configuration
 * that arrive with an empty `configInfo.version` (a real 8.3.18 client sent one). Only the
 * rule "all versions" accepts those, and without this a refusal would be invisible: the
 * settings page says so next to the configuration. Bounded: one entry per listed
 * configuration name, the name itself cut. Also the status page's tallies of getInfo
 * answers and pushReport refusals (a handful of fixed keys).
 */
export interface EmptyVersionRefusals {
  count: number;
  lastAt: string;
}

const MAX_CONFIGS = 200;

/** How getInfo answered (status page): asked for the report, or which "no". */
export type GetInfoOutcome =
  | 'asked'
  | 'known'
  | 'fixed'
  | 'in-work'
  | 'refused-config'
  | 'refused-version'
  | 'refused-address'
  | 'refused-category'
  | 'refused-not-own-code'
  | 'disk-low';
/** Why a pushReport was not stored: refused (4xx/503) or counted without its zip ("known"). */
export type PushRefusal = 'config' | 'version' | 'address' | 'category' | 'not-own-code' | 'known' | 'disk-low';

export class RefusalLog {
  private readonly emptyVersion = new Map<string, EmptyVersionRefusals>();
  /** getInfo answers by outcome and pushReport refusals by reason, since start. */
  readonly getInfoAnswers = new Map<GetInfoOutcome, number>();
  readonly pushRefusals = new Map<PushRefusal, number>();

  getInfoAnswered(outcome: GetInfoOutcome): void {
    this.getInfoAnswers.set(outcome, (this.getInfoAnswers.get(outcome) ?? 0) + 1);
  }

  pushRefused(reason: PushRefusal): void {
    this.pushRefusals.set(reason, (this.pushRefusals.get(reason) ?? 0) + 1);
  }

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
