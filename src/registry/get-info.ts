import type { GetInfoAnswer, GetInfoRequest } from '../intake/getinfo-schema';
import { checkAcceptance } from './acceptance';
import type { RefusalLog } from './refusals';
import type { Settings } from './settings-schema';

/**
 * getInfo: "do you want this report?" — yes exactly when the rules accept it and intake is
 * not paused (a nearly full disk: the report would only be refused).
 */
export function answerGetInfo(settings: Settings, request: GetInfoRequest, refusals?: RefusalLog, intakePaused = false): GetInfoAnswer {
  if (intakePaused) return { needSendReport: false };
  const acceptance = checkAcceptance(settings, request.configName, request.configVersion);
  // The message speaks to someone about to send: it is only for reports we want.
  if (!acceptance.accepted) {
    if (acceptance.by === 'version') refusals?.refusedVersion(request.configName, request.configVersion);
    return { needSendReport: false };
  }
  const answer: GetInfoAnswer = { needSendReport: true, dumpType: settings.dumpType };
  if (settings.userMessage) answer.userMessage = settings.userMessage;
  return answer;
}
