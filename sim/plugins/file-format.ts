// The production plugin file and the update file: the one place that defines them. The real
// monitor's format is not public (spec, "Updates"), so this is ours; the packager
// (sim/package-pult.ts) and the simulator both use this module and nothing else.
//
// A production plugin is `<route>.kplugin` in the plugins folder (route = the name without the
// extension). It is a zip archive holding the plugin folder exactly as it would be in developer
// mode, self-contained (every dependency inside, nothing installed on the server), plus:
//
//   kplugin.json  {"format": "kserver-plugin", "formatVersion": 1, "route", "name", "version",
//                  "files": {"<path>": {"size", "sha256"}, …}}  — lists every other entry
//   package.json  main, required_licenses (at least one), …; name and version as in kplugin.json
//
// Entry names are relative POSIX paths: no "..", no absolute or drive paths, no backslashes.
// The whole file is checked before use (zip CRCs, the list, sizes and sha256 of every entry) and
// unpacked into a private run folder, never into StoragePath; KServerApi.Path is the file itself.
//
// An update is `<route>.kplugin.update` dropped into the plugins folder. The simulator checks it
// (a valid file of this format, same route, same package name, required_licenses present);
// a refused update stays where it is. An accepted one replaces `<route>.kplugin`, which becomes
// the backup `<route>.DD-MM-YYYY` (today; `-2`, `-3`… when that name is taken).
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { z } from 'zod';
import { PluginRefusedError } from '../errors';
import { parsePluginPackage } from './manifest';

export const PLUGIN_EXT = '.kplugin';
export const UPDATE_EXT = `${PLUGIN_EXT}.update`;
export const MANIFEST_FILE = 'kplugin.json';
const FORMAT = 'kserver-plugin';
const FORMAT_VERSION = 1;
const MAX_FILE_BYTES = 256 * 1024 * 1024;
const MAX_ENTRIES = 20_000;
/** Zip entry dates are fixed, so the same content packs into the same bytes. */
const ENTRY_DATE = new Date(1980, 0, 1);

const FileEntrySchema = z.strictObject({
  size: z.number().int().min(0).describe('Size in bytes'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the content, hex'),
});

const ManifestSchema = z.strictObject({
  format: z.literal(FORMAT).describe('Always "kserver-plugin"'),
  formatVersion: z.literal(FORMAT_VERSION).describe('Version of this format'),
  route: z.string().min(1).describe('The route the file was built for: its name without the extension'),
  name: z.string().min(1).describe('package.json name'),
  version: z.string().min(1).describe('package.json version'),
  files: z.record(z.string(), FileEntrySchema).describe('Every entry but kplugin.json: path → size and checksum'),
});

export type PluginFileManifest = z.output<typeof ManifestSchema>;

/** A production file that passed every check, held in memory. */
export interface PluginArchive {
  file: string;
  manifest: PluginFileManifest;
  /** The parsed package.json. */
  info: Record<string, unknown>;
  entries: Map<string, Buffer>;
}

// ---- names in the plugins folder ----

/** The monitor renames a replaced plugin file to `<route>.DD-MM-YYYY`; such files are backups. */
export function isBackupFile(name: string): boolean {
  return /\.\d{2}-\d{2}-\d{4}(-\d+)?$/.test(name);
}

/** The route of a production plugin file: its name without the extension. */
export function routeOfFile(name: string): string {
  const ext = path.extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

export function pluginFileName(route: string): string {
  return `${route}${PLUGIN_EXT}`;
}

export function updateFileName(route: string): string {
  return `${route}${UPDATE_EXT}`;
}

/** `<route>.kplugin.update` → the route; undefined for any other name. */
export function routeOfUpdate(name: string): string | undefined {
  return name.endsWith(UPDATE_EXT) && name.length > UPDATE_EXT.length ? name.slice(0, -UPDATE_EXT.length) : undefined;
}

/** `<route>.DD-MM-YYYY` for `date`, with `-2`, `-3`… while `taken` says the name exists. */
export function backupFileName(route: string, date: Date, taken: (name: string) => boolean): string {
  const dd = String(date.getDate()).padStart(2, '0');
  const mm = String(date.getMonth() + 1).padStart(2, '0');
  const base = `${route}.${dd}-${mm}-${date.getFullYear()}`;
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}-${n}`;
  return name;
}

// ---- writing ----

/**
 * Packs a staged plugin folder (package.json, main and everything it reads) into a production
 * file. Written beside `outFile` under a hidden name first, then renamed: a plugins folder
 * never sees half a file.
 */
export async function writePluginFile(stageDir: string, outFile: string, route: string): Promise<{ bytes: number; files: number }> {
  const names = (await listFiles(stageDir)).filter((n) => n !== MANIFEST_FILE);
  const info = JSON.parse(await readFile(path.join(stageDir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  const zip = new JSZip();
  const files: PluginFileManifest['files'] = {};
  const contents = new Map<string, Buffer>();
  for (const name of names) {
    const problem = entryNameProblem(name);
    if (problem) throw new Error(`${name}: ${problem}`);
    const body = await readFile(path.join(stageDir, ...name.split('/')));
    files[name] = { size: body.length, sha256: sha256(body) };
    contents.set(name, body);
  }
  const manifest = ManifestSchema.parse({ format: FORMAT, formatVersion: FORMAT_VERSION, route, name: info.name, version: info.version, files });
  zip.file(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n', { date: ENTRY_DATE, createFolders: false });
  for (const [name, body] of contents) zip.file(name, body, { date: ENTRY_DATE, createFolders: false });
  const out = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
  await mkdir(path.dirname(outFile), { recursive: true });
  const temp = path.join(path.dirname(outFile), `.${path.basename(outFile)}.${process.pid}.tmp`);
  const fh = await open(temp, 'w');
  try {
    await fh.writeFile(out);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(temp, outFile);
  return { bytes: out.length, files: names.length + 1 };
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(path.join(root, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, name)));
    else if (entry.isFile()) out.push(name);
  }
  return out;
}

// ---- reading and checking ----

/** Reads and checks a production file; refuses (PluginRefusedError) with a reason for a person. */
export async function readPluginFile(file: string): Promise<PluginArchive> {
  const size = (await stat(file)).size;
  if (size > MAX_FILE_BYTES) refuse(`файл больше ${MAX_FILE_BYTES / 1024 / 1024} МБ`);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(await readFile(file), { checkCRC32: true });
  } catch (err) {
    return refuse(`не архив плагина ${PLUGIN_EXT} или он повреждён (zip: ${(err as Error).message})`);
  }
  const found = new Map<string, JSZip.JSZipObject>();
  for (const entry of Object.values(zip.files)) {
    const name = entry.unsafeOriginalName ?? entry.name;
    const problem = entryNameProblem(entry.dir ? name.replace(/\/$/, '') : name);
    if (problem) refuse(`недопустимое имя в архиве «${name}»: ${problem}`);
    if (!entry.dir) found.set(name, entry);
  }
  if (found.size > MAX_ENTRIES) refuse(`в архиве больше ${MAX_ENTRIES} файлов`);
  const manifest = parseManifest(await found.get(MANIFEST_FILE)?.async('string'));
  found.delete(MANIFEST_FILE);

  const entries = new Map<string, Buffer>();
  for (const name of Object.keys(manifest.files)) {
    if (!found.has(name)) refuse(`в архиве нет файла «${name}», указанного в ${MANIFEST_FILE}`);
  }
  for (const [name, entry] of found) {
    const expected = manifest.files[name];
    if (!expected) refuse(`файл «${name}» не указан в ${MANIFEST_FILE}`);
    const body = await entry.async('nodebuffer');
    if (body.length !== expected.size || sha256(body) !== expected.sha256) refuse(`контрольная сумма «${name}» не совпадает: файл повреждён`);
    entries.set(name, body);
  }

  const pkgJson = entries.get('package.json');
  if (!pkgJson) return refuse('в архиве нет package.json');
  let info: unknown;
  try {
    info = JSON.parse(pkgJson.toString('utf8'));
  } catch (err) {
    return refuse(`package.json не читается: ${(err as Error).message}`);
  }
  const root = path.resolve('/kplugin');
  const pkg = parsePluginPackage(root, info, (f) => entries.has(path.relative(root, f).split(path.sep).join('/')));
  if (pkg.licenses.length === 0) refuse('в package.json нет required_licenses');
  if (pkg.info.name !== manifest.name || pkg.info.version !== manifest.version) {
    refuse(`${MANIFEST_FILE} (${manifest.name} ${manifest.version}) и package.json (${String(pkg.info.name)} ${String(pkg.info.version)}) расходятся`);
  }
  return { file, manifest, info: pkg.info, entries };
}

/**
 * An update must be our format (readPluginFile) and the same plugin: built for this route and,
 * when one is installed, with the installed package's name. Anything else is foreign.
 */
export function checkUpdateTarget(archive: PluginArchive, route: string, installedName: string | undefined): void {
  const { manifest } = archive;
  if (manifest.route !== route) refuse(`это файл плагина для маршрута /${manifest.route}, а не /${route}`);
  if (installedName !== undefined && manifest.name !== installedName) {
    refuse(`это плагин «${manifest.name}», а на маршруте /${route} установлен «${installedName}»`);
  }
}

/** Writes the checked entries into `dir` (emptied first). */
export async function unpackPluginFile(archive: PluginArchive, dir: string): Promise<void> {
  const root = path.resolve(dir);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  for (const [name, body] of archive.entries) {
    const target = path.resolve(root, ...name.split('/'));
    if (!target.startsWith(root + path.sep)) refuse(`недопустимое имя в архиве «${name}»`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, body);
  }
}

/**
 * Checks a production file and unpacks it into `<runDir>/plugins/<route>/` (a fresh copy on
 * every start); returns that folder, from which the plugin is started.
 */
export async function openPluginFile(file: string, runDir: string, route: string): Promise<string> {
  const archive = await readPluginFile(file);
  const dir = path.join(runDir, 'plugins', folderName(route));
  await unpackPluginFile(archive, dir);
  return dir;
}

function parseManifest(text: string | undefined): PluginFileManifest {
  if (text === undefined) refuse(`не файл плагина KServer: в архиве нет ${MANIFEST_FILE}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return refuse(`${MANIFEST_FILE} не читается: ${(err as Error).message}`);
  }
  const format = (raw as { format?: unknown; formatVersion?: unknown } | null) ?? {};
  if (format.format !== FORMAT) refuse(`не файл плагина KServer: формат «${String(format.format)}» в ${MANIFEST_FILE}`);
  if (format.formatVersion !== FORMAT_VERSION) refuse(`версия формата ${String(format.formatVersion)} не поддерживается (известна ${FORMAT_VERSION})`);
  const parsed = ManifestSchema.safeParse(raw, { error: z.locales.ru().localeError });
  if (!parsed.success) {
    refuse(`ошибки в ${MANIFEST_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Why a name may not be an entry of a production file; undefined when it may. */
function entryNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 400) return 'пустое или слишком длинное';
  if (/[\u0000-\u001f\\:*?"<>|]/.test(name)) return 'недопустимый символ';
  if (name.startsWith('/')) return 'абсолютный путь';
  if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) return 'путь выходит за пределы папки плагина';
  return undefined;
}

/** A folder name for a route: the route itself when it is plain, else a readable part and a hash. */
function folderName(route: string): string {
  const plain = route.replace(/[^A-Za-z0-9_.-]/g, '_');
  return plain === route && !route.startsWith('.') ? route : `${plain.slice(0, 30)}-${sha256(Buffer.from(route)).slice(0, 8)}`;
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function refuse(reason: string): never {
  throw new PluginRefusedError(reason);
}
