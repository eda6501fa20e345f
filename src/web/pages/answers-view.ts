import type { GetInfoOutcome, PushRefusal, RefusalLog } from '../../registry/refusals';

/** The status page's tallies since start: getInfo answers by outcome, pushReport refusals by reason. */
const GETINFO_LABELS: Record<GetInfoOutcome, string> = {
  asked: 'просил отчёт',
  known: 'не просил: ошибка известна, отчёты больше не принимаются',
  fixed: 'не просил: исправлена в более новой версии',
  'in-work': 'не просил: уже в работе, отчётов достаточно',
  'refused-config': 'не просил: конфигурация не принимается',
  'refused-version': 'не просил: версия не принимается',
  'refused-address': 'не просил: адрес клиента не принимается',
  'refused-category': 'не просил: категория ошибки в списке исключённых',
  'refused-not-own-code': 'не просил: ошибка не в коде конфигурации',
  'disk-low': 'не просил: мало места на диске',
};
const PUSH_LABELS: Record<PushRefusal, string> = {
  config: 'конфигурация не принимается (422)',
  version: 'версия не принимается (422)',
  address: 'адрес клиента не принимается (403)',
  category: 'категория ошибки в списке исключённых (422)',
  'not-own-code': 'ошибка не в коде конфигурации (422)',
  known: 'отчёты по проблеме больше не принимаются (200, zip не сохранён)',
  'disk-low': 'мало места на диске (503)',
};

export interface AnswerTally {
  key: string;
  label: string;
  count: number;
}

export function answersView(refusals: RefusalLog): { getInfo: AnswerTally[]; pushReport: AnswerTally[] } {
  return {
    getInfo: (Object.keys(GETINFO_LABELS) as GetInfoOutcome[]).map((k) => ({ key: k, label: GETINFO_LABELS[k], count: refusals.getInfoAnswers.get(k) ?? 0 })),
    pushReport: (Object.keys(PUSH_LABELS) as PushRefusal[]).map((k) => ({ key: k, label: PUSH_LABELS[k], count: refusals.pushRefusals.get(k) ?? 0 })),
  };
}

/** The same as plain figures, for the status JSON. */
export function answersJson(refusals: RefusalLog): { getInfo: Record<string, number>; pushReportRefusals: Record<string, number> } {
  const v = answersView(refusals);
  return { getInfo: Object.fromEntries(v.getInfo.map((t) => [t.key, t.count])), pushReportRefusals: Object.fromEntries(v.pushReport.map((t) => [t.key, t.count])) };
}
