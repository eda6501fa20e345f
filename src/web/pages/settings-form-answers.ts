import { answerTexts, type Settings } from '../../registry/settings-schema';

/** The settings form's getInfo answer texts (registry/answer-template.ts), both ways. */
export interface AnswersForm {
  known: string;
  fixed: string;
  inWork: string;
  showOwner: boolean;
}

export function answersFormOf(settings: Settings): AnswersForm {
  return { ...answerTexts(settings) };
}

const FIELDS = ['answerKnown', 'answerFixed', 'answerInWork'];

/** As typed, and as a candidate for SettingsSchema; a post without these fields keeps what is saved… as the defaults. */
export function readAnswersForm(body: Record<string, unknown>, field: (key: string) => string): { form: AnswersForm; candidate: Pick<Settings, 'answers'> } {
  // The fields are text areas, so the text is readable whole: a line break typed there is a space.
  const line = (key: string) => field(key).replace(/\r\n|\r|\n/g, ' ');
  const form: AnswersForm = {
    known: line('answerKnown'),
    fixed: line('answerFixed'),
    inWork: line('answerInWork'),
    showOwner: field('answerShowOwner') !== '',
  };
  if (!FIELDS.some((k) => k in body)) return { form: answersFormOf({ configurations: [], userMessage: '', dumpType: 0 }), candidate: {} };
  return { form, candidate: { answers: form } };
}
