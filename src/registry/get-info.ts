import type { GetInfoAnswer, GetInfoRequest } from '../intake/getinfo-schema';
import { checkAcceptance } from './acceptance';
import type { Settings } from './settings-schema';

/** getInfo: "do you want this report?" — yes exactly when the rules accept it. */
export function answerGetInfo(settings: Settings, request: GetInfoRequest): GetInfoAnswer {
  const accepted = checkAcceptance(settings, request.configName, request.configVersion).accepted;
  const answer: GetInfoAnswer = { needSendReport: accepted };
  if (settings.userMessage) answer.userMessage = settings.userMessage;
  if (accepted) answer.dumpType = settings.dumpType;
  return answer;
}
