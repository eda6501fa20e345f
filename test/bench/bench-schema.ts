/** A table shaped like pult's reports (≈15 columns, 3 indexes) and a fast row generator. */
export const REPORTS_DDL = [
  `CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    error_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    status INTEGER NOT NULL,
    occurrences INTEGER NOT NULL,
    infobase TEXT,
    config_name TEXT,
    config_version TEXT,
    platform TEXT,
    user_name TEXT,
    computer TEXT,
    error_text TEXT,
    zip_name TEXT
  )`,
  'CREATE INDEX reports_key ON reports(error_key)',
  'CREATE INDEX reports_created ON reports(created_at)',
  'CREATE INDEX reports_status ON reports(status, updated_at)',
];

export const INSERT_SQL =
  'INSERT INTO reports (id, error_key, created_at, updated_at, received_at, status, occurrences, infobase, ' +
  'config_name, config_version, platform, user_name, computer, error_text, zip_name) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export const UPDATE_SQL = 'UPDATE reports SET status = ?, updated_at = ?, occurrences = occurrences + 1 WHERE id = ?';

const WORDS = ['Документ', 'Справочник', 'Проведение', 'ОбщийМодуль', 'Регистр', 'Ошибка', 'Значение', 'Поле', 'Объект', 'Форма'];
let seed = 12345;

/** Deterministic xorshift: the same rows every run, and cheap. */
export function rand(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

function words(count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += (i ? ' ' : '') + WORDS[rand(WORDS.length)]!;
  return s;
}

const T0 = 1_700_000_000_000;

/** One row; text sizes follow the brief (short texts of 20–80 characters). */
export function reportRow(id: number): Array<string | number> {
  const created = T0 + id * 1000;
  return [
    id,
    `${rand(1e9).toString(16).padStart(8, '0')}${id.toString(16).padStart(8, '0')}`,
    created,
    created + rand(86_400_000),
    created,
    rand(4),
    1 + rand(20),
    `Торговля_${rand(50)}`,
    'УправлениеТорговлей',
    `11.5.${rand(20)}.${rand(300)}`,
    `8.3.${20 + rand(6)}.${1000 + rand(2000)}`,
    `Пользователь ${rand(500)}`,
    `WS-${rand(9999)}`,
    `${words(2 + rand(3))}: ${words(1 + rand(2))}`,
    `${id.toString(36)}-${rand(1e6)}.zip`,
  ];
}
