import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteBudget, ServiceBusyError } from '../../src/intake/byte-budget';
import { UploadGate } from '../../src/intake/upload-gate';
import { TooManyRequestsError } from '../../src/errors';

describe('the budget of report bytes held at once', () => {
  it('counts bytes as they arrive, refuses those that would pass it while others hold bytes, and frees them once', () => {
    const budget = new ByteBudget(100);
    const a = budget.open();
    const b = budget.open();
    assert.equal(budget.inUse, 0, 'an open reservation holds nothing until bytes arrive');
    a.add(30);
    a.add(30);
    assert.equal(budget.inUse, 60);
    b.add(40);
    assert.throws(() => b.add(1), ServiceBusyError);
    a.release();
    a.release(); // a second release gives nothing back twice
    assert.equal(budget.inUse, 40);
    b.release();
    assert.equal(budget.inUse, 0);
  });

  it('always lets one request through, however large, when nothing else is held', () => {
    const budget = new ByteBudget(100);
    const big = budget.open();
    big.add(300);
    big.add(200);
    const other = budget.open();
    assert.throws(() => other.add(1), ServiceBusyError);
    big.release();
    other.add(1);
    other.release();
  });
});

describe('the gate of requests in progress per client address', () => {
  it('lets each address have its own few at once, and frees a place once', () => {
    const gate = new UploadGate(2);
    const a1 = gate.enter('10.0.0.1');
    const a2 = gate.enter('10.0.0.1');
    assert.throws(() => gate.enter('10.0.0.1'), TooManyRequestsError);
    const b1 = gate.enter('10.0.0.2');
    a1();
    a1();
    const a3 = gate.enter('10.0.0.1');
    assert.throws(() => gate.enter('10.0.0.1'), TooManyRequestsError, 'a double release frees one place only');
    for (const done of [a2, a3, b1]) done();
    assert.equal(gate.addresses, 0);
  });
});
