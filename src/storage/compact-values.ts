/**
 * The rule for compact values of a report row: a canonical lower-case UUID (a report's uid)
 * or a generated zip name (32 hex digits + ".zip", storage/zip-store.ts) is stored as its 16
 * bytes, a time in the form toISOString() gives as milliseconds since 1970; anything else as
 * the text itself. The reports table turns them back into the same text in its generated
 * columns `uid`, `zip_name`, `received_at` and `time` (migration 18), so readers see the
 * text unchanged.
 */
const HEX = '[0-9a-f]';

/** GLOB patterns of the two shapes, for the migration that converts stored rows. */
export const UUID_GLOB = `${HEX.repeat(8)}-${HEX.repeat(4)}-${HEX.repeat(4)}-${HEX.repeat(4)}-${HEX.repeat(12)}`;
export const ZIP_GLOB = `${HEX.repeat(32)}.zip`;

const D = '[0-9]';
export const TIME_GLOB = `${D.repeat(4)}-${D.repeat(2)}-${D.repeat(2)}T${D.repeat(2)}:${D.repeat(2)}:${D.repeat(2)}.${D.repeat(3)}Z`;

const TIME_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ZIP_RE = /^[0-9a-f]{32}\.zip$/;

/** What the reports row stores for a uid: 16 bytes for a canonical UUID (36 characters otherwise). */
export function compactUid(uid: string | undefined): Uint8Array | string | null {
  if (uid === undefined) return null;
  return UUID_RE.test(uid) ? Buffer.from(uid.replaceAll('-', ''), 'hex') : uid;
}

/** What the reports row stores for a zip name: 16 bytes for a generated one. */
export function compactZipName(name: string): Uint8Array | string {
  return ZIP_RE.test(name) ? Buffer.from(name.slice(0, 32), 'hex') : name;
}

/** What the reports row stores for a time: its milliseconds when the text comes back exactly (6 bytes instead of 24). */
export function compactTime(iso: string): number | string {
  if (!TIME_RE.test(iso)) return iso;
  const ms = Date.parse(iso);
  return ms >= 0 && new Date(ms).toISOString() === iso ? ms : iso;
}

/**
 * The same rule in SQL, for statements that convert many rows or keys at once (migration
 * 14, report_uids): the stored form of a uid text `x`, and the text of a stored uid `x`.
 * Built from the constants above only.
 */
export const uidKeySql = (x: string): string => `CASE WHEN ${x} GLOB '${UUID_GLOB}' THEN unhex(replace(${x}, '-', '')) ELSE ${x} END`;
export const uidTextSql = (x: string): string =>
  `CASE WHEN typeof(${x}) = 'blob' THEN lower(substr(hex(${x}), 1, 8) || '-' || substr(hex(${x}), 9, 4) || '-' || substr(hex(${x}), 13, 4) || '-' || ` +
  `substr(hex(${x}), 17, 4) || '-' || substr(hex(${x}), 21)) ELSE ${x} END`;
