import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteBudget, ServiceBusyError } from '../../src/intake/byte-budget';

describe('the budget of report bytes held at once', () => {
  it('refuses a request that would pass it while others hold bytes, and frees them once', () => {
    const budget = new ByteBudget(100);
    const a = budget.take(60);
    assert.throws(() => budget.take(50), ServiceBusyError);
    a();
    a(); // a second release gives nothing back twice
    assert.equal(budget.inUse, 0);
    budget.take(50)();
  });

  it('always lets one request through, however large, when nothing else is held', () => {
    const budget = new ByteBudget(100);
    const big = budget.take(500);
    assert.throws(() => budget.take(1), ServiceBusyError);
    big();
  });
});
