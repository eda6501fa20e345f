/**
 * Binary layout of journal files. All integers little-endian; u64 values are kept below
 * 2^53 so they fit a JS number.
 *
 * File header (40 bytes):
 *   0  "PULTJRNL"   8  u32 format version   12 u32 reserved
 *   16 u64 generation (equals the number in the file name)
 *   24 u64 first group sequence number      32 u32 CRC-32 of bytes 0..31   36 u32 reserved
 *
 * Frame group (one flush, any number of commits):
 *   0  "PGRP"  4 u32 frame count  8 u64 sequence  16 u64 file size after the group
 *   24 u64 smallest file size during the group (a truncation to replay first)
 *   32 u64 payload bytes  40 u32 commits in the group  44 u32 reserved
 *   48 frames, each: u64 file offset, u32 length, <length> bytes (an absolute byte image)
 *   then u32 CRC-32 of everything from the group's first byte to the end of the frames.
 *
 * Format 1 wrote whole pages only; format 2 also writes the changed ranges of a page
 * (page-diff.ts), which a pult of format 1 would refuse as unaligned. A file says its format,
 * so an older pult refuses a newer journal by name; this one reads both.
 */
import { crc32 } from './crc32';
import type { Run } from './page-map';

export const FILE_HEADER_SIZE = 40;
export const GROUP_HEADER_SIZE = 48;
const FRAME_HEADER_SIZE = 12;
const FORMAT_VERSION = 2;
const READABLE_VERSIONS = new Set([1, 2]);
const FILE_MAGIC = Buffer.from('PULTJRNL', 'latin1');
const GROUP_MAGIC = Buffer.from('PGRP', 'latin1');
const TWO_32 = 2 ** 32;

export interface GroupDelta {
  seq: number;
  size: number;
  minSize: number;
  commits: number;
  runs: Run[];
}

export interface Frame {
  offset: number;
  bytes: Buffer;
}

export interface ParsedGroup {
  seq: number;
  size: number;
  minSize: number;
  commits: number;
  frames: Frame[];
  /** Byte position just after the group. */
  end: number;
}

export type GroupParse =
  | { kind: 'ok'; group: ParsedGroup }
  /** Incomplete or failing its CRC: what an interrupted append leaves behind. */
  | { kind: 'torn'; reason: string }
  /** Passes its CRC yet makes no sense: never produced by an interrupted append. */
  | { kind: 'invalid'; reason: string };

export interface FileHeader {
  generation: number;
  firstSeq: number;
}

export function encodeFileHeader(h: FileHeader): Buffer {
  const buf = Buffer.alloc(FILE_HEADER_SIZE);
  FILE_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(FORMAT_VERSION, 8);
  writeU64(buf, 16, h.generation);
  writeU64(buf, 24, h.firstSeq);
  buf.writeUInt32LE(crc32(buf.subarray(0, 32)), 32);
  return buf;
}

/** Returns the header, or a reason why these bytes are not one. */
export function parseFileHeader(buf: Buffer): FileHeader | string {
  if (buf.length < FILE_HEADER_SIZE) return 'заголовок файла неполный';
  if (!buf.subarray(0, 8).equals(FILE_MAGIC)) return 'это не файл журнала pult';
  if (buf.readUInt32LE(32) !== crc32(buf.subarray(0, 32))) return 'контрольная сумма заголовка не совпадает';
  const version = buf.readUInt32LE(8);
  if (!READABLE_VERSIONS.has(version)) return `неизвестная версия формата журнала ${version}`;
  const generation = readU64(buf, 16);
  const firstSeq = readU64(buf, 24);
  if (generation === undefined || firstSeq === undefined) return 'недопустимые числа в заголовке';
  return { generation, firstSeq };
}

/** Serialises one flush into a self-checking frame group. */
export function encodeGroup(d: GroupDelta): Buffer {
  let payload = 0;
  for (const run of d.runs) payload += FRAME_HEADER_SIZE + run.length;
  const buf = Buffer.allocUnsafe(GROUP_HEADER_SIZE + payload + 4);
  GROUP_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(d.runs.length, 4);
  writeU64(buf, 8, d.seq);
  writeU64(buf, 16, d.size);
  writeU64(buf, 24, d.minSize);
  writeU64(buf, 32, payload);
  buf.writeUInt32LE(d.commits, 40);
  buf.writeUInt32LE(0, 44);
  let pos = GROUP_HEADER_SIZE;
  for (const run of d.runs) {
    writeU64(buf, pos, run.offset);
    buf.writeUInt32LE(run.length, pos + 8);
    pos += FRAME_HEADER_SIZE;
    for (const chunk of run.chunks) {
      buf.set(chunk, pos);
      pos += chunk.length;
    }
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, pos)), pos);
  return buf;
}

/** Parses the group starting at `pos`; frames are views into `buf`. */
export function parseGroup(buf: Buffer, pos: number): GroupParse {
  if (buf.length - pos < GROUP_HEADER_SIZE) return { kind: 'torn', reason: 'неполный заголовок группы' };
  if (!buf.subarray(pos, pos + 4).equals(GROUP_MAGIC)) return { kind: 'torn', reason: 'нет сигнатуры группы' };
  const payload = readU64(buf, pos + 32);
  if (payload === undefined || pos + GROUP_HEADER_SIZE + payload + 4 > buf.length) {
    return { kind: 'torn', reason: 'группа обрывается' };
  }
  const end = pos + GROUP_HEADER_SIZE + payload;
  if (buf.readUInt32LE(end) !== crc32(buf.subarray(pos, end))) {
    return { kind: 'torn', reason: 'контрольная сумма группы не совпадает' };
  }
  const seq = readU64(buf, pos + 8);
  const size = readU64(buf, pos + 16);
  const minSize = readU64(buf, pos + 24);
  if (seq === undefined || size === undefined || minSize === undefined) {
    return { kind: 'invalid', reason: 'недопустимые числа в заголовке группы' };
  }
  const count = buf.readUInt32LE(pos + 4);
  const frames: Frame[] = [];
  let p = pos + GROUP_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const offset = p + FRAME_HEADER_SIZE <= end ? readU64(buf, p) : undefined;
    const length = offset === undefined ? 0 : buf.readUInt32LE(p + 8);
    if (offset === undefined || p + FRAME_HEADER_SIZE + length > end) {
      return { kind: 'invalid', reason: `кадр ${i} выходит за пределы группы` };
    }
    p += FRAME_HEADER_SIZE;
    frames.push({ offset, bytes: buf.subarray(p, p + length) });
    p += length;
  }
  if (p !== end) return { kind: 'invalid', reason: 'длина кадров не совпадает с длиной группы' };
  return { kind: 'ok', group: { seq, size, minSize, commits: buf.readUInt32LE(pos + 40), frames, end: end + 4 } };
}

/** Where the next group signature occurs at or after `from`, or -1. */
export function findGroupMagic(buf: Buffer, from: number): number {
  return buf.indexOf(GROUP_MAGIC, from);
}

function writeU64(buf: Buffer, pos: number, n: number): void {
  buf.writeUInt32LE(n % TWO_32, pos);
  buf.writeUInt32LE(Math.floor(n / TWO_32), pos + 4);
}

function readU64(buf: Buffer, pos: number): number | undefined {
  const hi = buf.readUInt32LE(pos + 4);
  if (hi >= 2 ** 21) return undefined;
  return hi * TWO_32 + buf.readUInt32LE(pos);
}
