import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { batchedStdout, createLogger } from '../../src/log';

describe('the log', () => {
  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = [];
    const log = createLogger(batchedStdout((t) => writes.push(t)));
    log.info('первая');
    log.warn('вторая');
    assert.deepEqual(writes, [], 'nothing is written before the turn ends');
    await nextTurn();
    assert.equal(writes.length, 1);
    assert.match(writes[0]!, /^\S+ info первая\n\S+ warn вторая\n$/);
    log.info('третья');
    await nextTurn();
    assert.equal(writes.length, 2);
    assert.match(writes[1]!, /^\S+ info третья\n$/);
  });

  it('writes an error at once, with the lines before it', () => {
    const writes: string[] = [];
    const log = createLogger(batchedStdout((t) => writes.push(t)));
    log.info('до');
    log.error('сбой', new Error('диск'));
    assert.equal(writes.length, 1);
    assert.match(writes[0]!, /info до\n.* error сбой: Error: диск/s);
  });
});
