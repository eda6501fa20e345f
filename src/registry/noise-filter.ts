import type { ConfigurationRule } from './settings-schema';

/**
 * The per-configuration noise filters (README «Фильтры шума»), one rule for getInfo and
 * pushReport alike so that a getInfo that asked is never followed by a refused upload:
 *
 * - `skipCategories`: an error with any of these categories is not asked for. getInfo
 *   carries them as `ErrorCategories` (key matched case-insensitively, intake/getinfo-schema.ts);
 *   a report as the categories of `applicationErrorInfo.errors`, all of the chain. Compared
 *   case-insensitively (`networkerror` = `NetworkError`).
 * - `ownCodeOnly`: only errors raised while the configuration's code ran. Both calls carry
 *   the one fact that says so: the hash of the configuration (application) stack —
 *   getInfo's `appStackHash`, the report's `applicationErrorInfo.stackHash`. It is empty when
 *   no configuration code was on the stack (a platform or system failure; also an 8.3.18
 *   compile error, which has no stack), so an empty or absent hash is refused. Neither call
 *   says which module raised the error at getInfo time, so an external data processor or an
 *   extension called from the configuration's code counts as the configuration's.
 */
export type Noise = 'category' | 'not-own-code';

export interface NoiseFacts {
  categories: readonly string[];
  stackHash: string | undefined;
}

export function noiseOf(rule: Pick<ConfigurationRule, 'skipCategories' | 'ownCodeOnly'> | undefined, facts: NoiseFacts): Noise | undefined {
  if (!rule) return undefined;
  const skip = rule.skipCategories;
  if (skip && skip.length > 0) {
    const lowered = new Set(skip.map((c) => c.toLowerCase()));
    if (facts.categories.some((c) => lowered.has(c.toLowerCase()))) return 'category';
  }
  if (rule.ownCodeOnly && (facts.stackHash ?? '').trim() === '') return 'not-own-code';
  return undefined;
}
