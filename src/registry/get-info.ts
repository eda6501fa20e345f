import type { GetInfoAnswer, GetInfoRequest } from '../intake/getinfo-schema';
import { checkAcceptance } from './acceptance';
import type { Settings } from './settings-schema';

/** getInfo: "do you want this report?" — yes exactly when the rules accept it. */
export function answerGetInfo(settings: Settings, request: GetInfoRequest): GetInfoAnswer {
  const accepted = checkAcceptance(settings, request.configName, request.configVersion).accepted;
  // The message speaks to someone about to send: it is only for reports we want.
  if (!accepted) return { needSendReport: false };
  const answer: GetInfoAnswer = { needSendReport: true, dumpType: settings.dumpType };
  if (settings.userMessage) answer.userMessage = settings.userMessage;
  return answer;
}
