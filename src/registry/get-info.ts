import type { GetInfoAnswer, GetInfoRequest } from '../intake/getinfo-schema';
import type { Store } from '../storage/store';
import { checkAcceptance } from './acceptance';
import { fillAnswer } from './answer-template';
import { matchGetInfo, type Refusal } from './getinfo-match';
import { addressAdmitted } from './ip-filter';
import { noiseOf } from './noise-filter';
import type { RefusalLog } from './refusals';
import { answerTexts, type Settings } from './settings-schema';
import type { UnaskedCounts } from './unasked-counts';

export interface GetInfoDeps {
  settings: Settings;
  /** Absent: no problem is matched (every accepted getInfo is asked for its report). */
  store?: Store;
  refusals?: RefusalLog;
  unasked?: UnaskedCounts;
  /** A nearly full disk: the report would only be refused. */
  intakePaused?: boolean;
  /** The client's address as the monitor saw it (the service's address lists). */
  address?: string;
}

/**
 * getInfo: "do you want this report?" — no when the address lists, the rules or the noise
 * filters (registry/ip-filter.ts, noise-filter.ts) refuse it or intake is paused;
 * no, with a text saying why, when it is a known problem that needs no more reports
 * (registry/getinfo-match.ts), and that "no" is counted as an occurrence of the problem;
 * yes otherwise. Reads only (one index range and a few lookups); nothing is written here.
 */
export function answerGetInfo(deps: GetInfoDeps, request: GetInfoRequest): GetInfoAnswer {
  const { settings, refusals } = deps;
  if (!addressAdmitted(settings.addresses, deps.address)) {
    refusals?.getInfoAnswered('refused-address');
    return { needSendReport: false };
  }
  if (deps.intakePaused) {
    refusals?.getInfoAnswered('disk-low');
    return { needSendReport: false };
  }
  const acceptance = checkAcceptance(settings, request.configName, request.configVersion);
  // The message speaks to someone about to send: it is only for reports we want.
  if (!acceptance.accepted) {
    if (acceptance.by === 'version') refusals?.refusedVersion(request.configName, request.configVersion);
    refusals?.getInfoAnswered(acceptance.by === 'version' ? 'refused-version' : 'refused-config');
    return { needSendReport: false };
  }
  const rule = settings.configurations.find((c) => c.name === request.configName);
  const noise = noiseOf(rule, { categories: request.errorCategories, stackHash: request.appStackHash });
  if (noise) {
    refusals?.getInfoAnswered(noise === 'category' ? 'refused-category' : 'refused-not-own-code');
    return { needSendReport: false };
  }
  const verdict = deps.store?.read((db) => matchGetInfo(db, rule, request));
  if (verdict && !verdict.ask) {
    deps.unasked?.record(verdict.problem.id, request.configVersion ?? '');
    refusals?.getInfoAnswered(verdict.why);
    const texts = answerTexts(settings);
    const template = TEMPLATE_OF[verdict.why](texts);
    const owner = texts.showOwner ? verdict.problem.owner_name : null;
    return { needSendReport: false, userMessage: fillAnswer(template, { problem: verdict.problem.id, fixedIn: verdict.problem.fixed_in, owner }) };
  }
  refusals?.getInfoAnswered('asked');
  const answer: GetInfoAnswer = { needSendReport: true, dumpType: settings.dumpType };
  if (settings.userMessage) answer.userMessage = settings.userMessage;
  return answer;
}

const TEMPLATE_OF: Record<Refusal, (t: ReturnType<typeof answerTexts>) => string> = {
  known: (t) => t.known,
  fixed: (t) => t.fixed,
  'in-work': (t) => t.inWork,
};
