import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorKeyOf } from '../../src/registry/error-key';
import { problemKeyOf, withoutPositions } from '../../src/registry/problem-key';
import { nextState } from '../../src/registry/problem-status';
import { isRegression } from '../../src/registry/regression';
import { compareVersions } from '../../src/registry/version';
import { ReportSchema } from '../../src/intake/report-schema';
import { buildReportJson } from '../helpers/build-report';
import { sampleReportJson } from '../helpers/samples';

const keyOf = (json: unknown) => errorKeyOf(ReportSchema.parse(json));

describe('the problem rule (registry/problem-key.ts)', () => {
  it('the same bug with shifted lines, another version and fewer extensions is one problem of several unique errors', () => {
    const a = keyOf(buildReportJson({ texts: ['{Документ.Карта.Форма(812)}: Ошибка при вызове метода контекста (Записать)', '{Документ.Карта.МодульОбъекта(1114)}: Не заполнено поле "Лечащий врач"'] }));
    const b = keyOf(
      buildReportJson({
        version: '2.0.7.2',
        texts: ['{Документ.Карта.Форма(830)}: Ошибка при вызове метода контекста (Записать)', '{Документ.Карта.МодульОбъекта(1120)}: Не заполнено поле "Лечащий врач"'],
        edit: (j) => (j.configInfo.extentions = j.configInfo.extentions.slice(1)),
      }),
    );
    assert.notEqual(a.hash, b.hash, 'two unique errors, as the spec defines them');
    assert.equal(problemKeyOf(a), problemKeyOf(b), 'one problem');
  });

  it('another message or another configuration is another problem', () => {
    const base = keyOf(buildReportJson({ texts: ['{Модуль(1)}: Деление на 0'] }));
    assert.notEqual(problemKeyOf(base), problemKeyOf(keyOf(buildReportJson({ texts: ['{Модуль(1)}: Деление на ноль'] }))));
    assert.notEqual(problemKeyOf(base), problemKeyOf(keyOf(buildReportJson({ texts: ['{Модуль(1)}: Деление на 0'], configName: 'Бухгалтерия' }))));
    assert.notEqual(problemKeyOf(base), problemKeyOf(keyOf(buildReportJson({ texts: ['{ДругойМодуль(1)}: Деление на 0'] }))), 'another module');
  });

  it('handles the 8.3.18 compile error: (line,column) in the prefix and an outer text with no prefix', () => {
    const json = sampleReportJson('compile-error-attached') as Record<string, any>;
    const key = keyOf(json);
    assert.deepEqual(key.texts.map(withoutPositions), [
      'Ошибка инициализации модуля: Обработка.ЗагрузкаНазначений.Форма.Форма.Форма',
      '{Обработка.ЗагрузкаНазначений.Форма.Форма.Форма}: Переменная не определена (НаборыВызовСервера)',
    ]);
    const moved = structuredClone(json);
    moved.errorInfo.applicationErrorInfo.errors[1][0] = moved.errorInfo.applicationErrorInfo.errors[1][0].replace('(10,2)', '(14, 5)');
    moved.configInfo.version = '2.0.6.46';
    assert.equal(problemKeyOf(keyOf(moved)), problemKeyOf(key));
  });

  it('sets positions aside wherever the prefix stands, and keeps numbers that are not positions', () => {
    assert.equal(withoutPositions('{А.Б(5)}: x по причине:\n{В.Г(77)}: Деление на 0 (12)'), '{А.Б}: x по причине:\n{В.Г}: Деление на 0 (12)');
    assert.equal(withoutPositions('Значение 42 не найдено'), 'Значение 42 не найдено');
  });

  it('a report without applicationErrorInfo is not the same problem as one with no texts', () => {
    assert.notEqual(problemKeyOf({ configName: 'К', texts: [], detailed: false }), problemKeyOf({ configName: 'К', texts: [], detailed: true }));
  });
});

describe('1C versions (registry/version.ts)', () => {
  it('compare part by part as numbers', () => {
    assert.equal(compareVersions('2.0.10.1', '2.0.9.9'), 1);
    assert.equal(compareVersions('2.0.9.9', '2.0.10.1'), -1);
    assert.equal(compareVersions('2.0.7.1', '2.0.7.1'), 0);
    assert.equal(compareVersions('2.0.7', '2.0.7.1'), -1);
    assert.equal(compareVersions('2.0.07.1', '2.0.7.1'), 0);
    assert.equal(compareVersions('12345678901234567890.1', '9.1'), 1, 'long parts without precision loss');
  });

  it('a report of version ≥ X of a problem fixed in X is a regression; older ones are not', () => {
    assert.equal(isRegression('fixed', '2.0.7.1', '2.0.7.1'), true);
    assert.equal(isRegression('fixed', '2.0.7.1', '2.0.10.0'), true);
    assert.equal(isRegression('fixed', '2.0.7.1', '2.0.6.45'), false);
    assert.equal(isRegression('in-work', '2.0.7.1', '2.0.8.0'), false);
  });
});

describe('the state rules (registry/problem-status.ts)', () => {
  const cur = { status: 'new', owner_login: null, owner_name: null, fixed_in: null, reason: null, no_more_reports: 0 };
  const me = { login: 'petrova', name: 'Петрова Анна' };
  it('taking it puts yourself; "new" gives it back to nobody', () => {
    assert.deepEqual(nextState(cur, { status: 'in-work' }, me, undefined), { ...cur, status: 'in-work', owner_login: 'petrova', owner_name: 'Петрова Анна' });
    const taken = { ...cur, status: 'in-work', owner_login: 'petrova', owner_name: 'Петрова Анна' };
    assert.equal(nextState(taken, { status: 'new' }, me, undefined).owner_login, null);
  });
  it('fixed needs a 1C version, wontfix a reason', () => {
    assert.throws(() => nextState(cur, { status: 'fixed' }, me, undefined), /Укажите версию/);
    assert.throws(() => nextState(cur, { status: 'fixed', fixedIn: 'скоро' }, me, undefined), /не версия 1С/);
    assert.equal(nextState(cur, { status: 'fixed', fixedIn: '2.0.7.1' }, me, undefined).fixed_in, '2.0.7.1');
    assert.throws(() => nextState(cur, { status: 'wontfix' }, me, undefined), /Укажите причину/);
  });
});
