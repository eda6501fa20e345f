/**
 * The application stack for reading: frames outermost first, as report.json sends them
 * (1c-protocol.md: `stack: [[module, line, code], …]`, in the order of `errors`, whose last
 * text is the root cause). The frame that raised is the one the root cause's
 * `{Module(line)}` names, else the last frame. A stack of thousands of frames (recursion)
 * keeps its ends in view and folds the middle, saying which cycle repeats.
 */
export interface Frame {
  /** 1-based position in the stack. */
  n: number;
  module: string;
  line: string;
  code: string;
  raised: boolean;
}

export interface StackView {
  total: number;
  head: Frame[];
  /** The folded middle: shown when expanded, at most MIDDLE_SHOWN frames of it. */
  middle?: { frames: Frame[]; count: number; notShown: number; cycle?: { length: number; times: number } };
  tail: Frame[];
}

const ENDS = 15;
const FOLD_ABOVE = 2 * ENDS + 10;
/** What the expanded middle renders at most: the rest stays in report.json (downloadable). */
export const MIDDLE_SHOWN = 2000;

export function foldStack(raw: unknown, rootCauseText: string | undefined): StackView | undefined {
  if (!Array.isArray(raw)) return undefined;
  const frames: Frame[] = raw.map((f, i) => {
    const [module, line, code] = Array.isArray(f) ? f : [f];
    return { n: i + 1, module: text(module), line: text(line), code: text(code), raised: false };
  });
  const raising = raisingFrame(frames, rootCauseText);
  if (raising) raising.raised = true;
  if (frames.length <= FOLD_ABOVE) return { total: frames.length, head: frames, tail: [] };
  const middle = frames.slice(ENDS, frames.length - ENDS);
  return {
    total: frames.length,
    head: frames.slice(0, ENDS),
    middle: {
      frames: middle.slice(0, MIDDLE_SHOWN),
      count: middle.length,
      notShown: Math.max(0, middle.length - MIDDLE_SHOWN),
      cycle: cycleOf(middle),
    },
    tail: frames.slice(frames.length - ENDS),
  };
}

function raisingFrame(frames: Frame[], rootCause: string | undefined): Frame | undefined {
  const m = rootCause ? /^\{([^{}()]+)\((\d+)(?:,\d+)?\)\}/.exec(rootCause) : null;
  if (m) {
    for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.module === m[1] && frames[i]!.line === m[2]) return frames[i];
  }
  return frames[frames.length - 1];
}

/** The shortest period (up to 20 frames) the middle repeats with, when it covers nine tenths of it. */
function cycleOf(frames: Frame[]): { length: number; times: number } | undefined {
  const key = (f: Frame) => `${f.module}\u0000${f.line}`;
  const keys = frames.map(key);
  for (let p = 1; p <= 20 && p * 2 <= keys.length; p++) {
    let same = 0;
    for (let i = p; i < keys.length; i++) if (keys[i] === keys[i - p]) same++;
    if (same >= 0.9 * (keys.length - p)) return { length: p, times: Math.floor(keys.length / p) };
  }
  return undefined;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === undefined || v === null ? '' : JSON.stringify(v);
}
