import { BIDI_CONTROLS } from '../../control-chars';
/**
 * Content-Disposition for a file taken out of a report zip. The entry name is untrusted
 * text: the plain `filename` is one we generate (ASCII, no quotes), the person's name
 * travels only percent-encoded in `filename*` (RFC 5987/6266), with path parts, control
 * and direction-override characters gone, so no header can be split or a name spoofed.
 */
export function attachmentDisposition(generated: string, entryName: string): string {
  const safe = generated.replace(/[^A-Za-z0-9._-]/g, '_');
  const readable = readableName(entryName);
  return readable ? `attachment; filename="${safe}"; filename*=UTF-8''${encodeRfc5987(readable)}` : `attachment; filename="${safe}"`;
}

/** C0, DEL, C1 and the bidi controls. */
const UNREADABLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI_CONTROLS}]`, 'g');

/** The last path part of an entry name, without control or bidi-control characters, at most 200 characters. */
export function readableName(entryName: string): string {
  const last = entryName.split(/[\\/]/).filter(Boolean).pop() ?? '';
  // C0, DEL, C1, and the bidi embeddings/overrides/isolates that make "gpj.exe" read "exe.jpg".
  const clean = last.replace(UNREADABLE, '').trim();
  return clean === '.' || clean === '..' ? '' : [...clean].slice(0, 200).join('');
}

/** A plain ASCII extension of the entry name, kept in our generated name when it is harmless. */
export function asciiExtension(entryName: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(readableName(entryName));
  return m ? `.${m[1]!.toLowerCase()}` : '';
}

function encodeRfc5987(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
