import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inRange, parseAddress, parseRange } from '../../src/registry/cidr';
import { addressAdmitted, isAddressEntry } from '../../src/registry/ip-filter';
import { noiseOf } from '../../src/registry/noise-filter';
import { SettingsSchema } from '../../src/registry/settings-schema';

const within = (address: string, range: string) => inRange(parseAddress(address)!, parseRange(range)!);

describe('CIDR matcher (registry/cidr.ts)', () => {
  it('IPv4: /32 is the one address, /0 every IPv4 address and no IPv6 one, /8 and /31 by their bits', () => {
    assert.equal(within('10.1.2.3', '10.1.2.3/32'), true);
    assert.equal(within('10.1.2.4', '10.1.2.3/32'), false);
    assert.equal(within('10.1.2.3', '10.1.2.3'), true, 'a single address is /32');
    assert.equal(within('255.255.255.255', '0.0.0.0/0'), true);
    assert.equal(within('0.0.0.0', '0.0.0.0/0'), true);
    assert.equal(within('2001:db8::1', '0.0.0.0/0'), false, 'an IPv4 range never takes an IPv6 address');
    assert.equal(within('10.255.255.255', '10.0.0.0/8'), true);
    assert.equal(within('11.0.0.0', '10.0.0.0/8'), false);
    assert.equal(within('192.168.1.1', '192.168.1.0/31'), true);
    assert.equal(within('192.168.1.2', '192.168.1.0/31'), false);
    assert.equal(within('10.9.9.9', '10.1.2.3/8'), true, 'host bits of the entry are ignored');
  });

  it('IPv6: /128, /0, /32, "::" compression, upper case, a zone on the address', () => {
    assert.equal(within('2001:db8::1', '2001:db8::1/128'), true);
    assert.equal(within('2001:db8::2', '2001:db8::1/128'), false);
    assert.equal(within('2001:DB8:0:0:0:0:0:1', '2001:db8::1'), true);
    assert.equal(within('2001:db8:ffff::1', '2001:db8::/32'), true);
    assert.equal(within('2001:db9::1', '2001:db8::/32'), false);
    assert.equal(within('::1', '::/0'), true);
    assert.equal(within('10.0.0.1', '::/0'), true, '::/0 is every address, IPv4 too');
    assert.equal(within('::1', '::1'), true);
    assert.equal(within('::', '::/128'), true);
    assert.equal(within('fe80::1%eth0', 'fe80::/10'), true, 'the zone of a link-local address is dropped');
  });

  it('IPv4-mapped IPv6 is the IPv4 address it carries, both ways', () => {
    assert.equal(within('::ffff:10.1.2.3', '10.0.0.0/8'), true);
    assert.equal(within('::FFFF:10.1.2.3', '10.1.2.3'), true);
    assert.equal(within('::ffff:a01:203', '10.1.2.3/32'), true, 'the hex form of the same address');
    assert.equal(within('10.1.2.3', '::ffff:10.0.0.0/104'), true);
    assert.equal(within('::ffff:11.1.2.3', '10.0.0.0/8'), false);
    assert.equal(within('::10.1.2.3', '10.1.2.3'), false, 'an IPv4-compatible (not mapped) address is IPv6');
  });

  it('refuses malformed entries', () => {
    for (const bad of [
      '', ' ', '10.0.0', '10.0.0.0.0', '256.0.0.1', '10.0.0.01', '1e1.0.0.1', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8',
      '::/129', '2001:db8:::1', '2001:db8::1::2', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', ':1', '1:', 'fe80::1%eth0/64',
      '10.0.0.1:80', 'localhost', '<b>10.0.0.1</b>', '10.0.0.1\r\n', '::ffff:1.2.3', '1.2.3.4::', '::1.2.3.4:5', 'x'.repeat(1_000_000),
    ]) {
      assert.equal(parseRange(bad) === undefined || bad === '10.0.0.1\r\n', true, `«${bad.slice(0, 40)}» refused`);
    }
    assert.equal(isAddressEntry('10.0.0.1\r\n'), true, 'trailing whitespace is trimmed (the form splits lines anyway)');
    assert.equal(isAddressEntry('10.0.0.1\r\n10.0.0.2'), false, 'a line break inside an entry is not an address');
    for (const good of ['1:2:3:4:5:6:7:8', '1::', '::', '1:2:3:4:5:6:1.2.3.4', '::ffff:1.2.3.4', '0.0.0.0/0', '::/0', '2001:db8::/128']) {
      assert.notEqual(parseRange(good), undefined, `«${good}» taken`);
    }
  });
});

describe('address lists (registry/ip-filter.ts)', () => {
  it('deny wins over allow; a non-empty allow list takes only its addresses; an unknown address passes a deny list only', () => {
    const lists = { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.6.6.6'] };
    assert.equal(addressAdmitted(lists, '10.1.2.3'), true);
    assert.equal(addressAdmitted(lists, '::ffff:10.1.2.3'), true);
    assert.equal(addressAdmitted(lists, '10.6.6.6'), false);
    assert.equal(addressAdmitted(lists, '::ffff:10.6.6.6'), false, 'the mapped form of a denied address is denied');
    assert.equal(addressAdmitted(lists, '192.168.0.1'), false);
    assert.equal(addressAdmitted(lists, '2001:db8::7'), true);
    assert.equal(addressAdmitted(lists, undefined), false, 'no address cannot be shown to be allowed');
    assert.equal(addressAdmitted(lists, 'garbage'), false);
    assert.equal(addressAdmitted({ allow: [], deny: ['10.6.6.6'] }, undefined), true);
    assert.equal(addressAdmitted({ allow: [], deny: ['0.0.0.0/0'] }, '::1'), true, 'an IPv4 deny-all leaves IPv6 alone');
    assert.equal(addressAdmitted({ allow: [], deny: [] }, 'garbage'), true);
    assert.equal(addressAdmitted(undefined, '10.0.0.1'), true);
  });
});

describe('noise filters (registry/noise-filter.ts)', () => {
  const rule = { skipCategories: ['NetworkError'], ownCodeOnly: true };
  it('refuses an error with any skipped category (case-insensitively), and one without a configuration stack when only own code is wanted', () => {
    assert.equal(noiseOf(rule, { categories: ['ExceptionRaisedFromScript', 'networkerror'], stackHash: 'AB' }), 'category');
    assert.equal(noiseOf(rule, { categories: ['ExceptionRaisedFromScript'], stackHash: 'AB' }), undefined);
    assert.equal(noiseOf(rule, { categories: [], stackHash: '' }), 'not-own-code');
    assert.equal(noiseOf(rule, { categories: [], stackHash: '  ' }), 'not-own-code');
    assert.equal(noiseOf(rule, { categories: [], stackHash: undefined }), 'not-own-code');
    assert.equal(noiseOf({}, { categories: ['NetworkError'], stackHash: '' }), undefined, 'no filter set: nothing refused');
    assert.equal(noiseOf(undefined, { categories: ['NetworkError'], stackHash: '' }), undefined);
  });
});

describe('hostile settings (settings-schema.ts)', () => {
  const base = { configurations: [{ name: 'М', versions: [''], recipients: [] }] };
  it('refuses markup, CR/LF and oversized values in the filter settings; older files without them stay valid', () => {
    assert.equal(SettingsSchema.safeParse(base).success, true, 'a file written before the filters');
    for (const skipCategories of [['<script>'], ['Network\r\nError'], ['x'.repeat(1_000_000)], Array(51).fill('A'), ['']]) {
      assert.equal(SettingsSchema.safeParse({ configurations: [{ ...base.configurations[0], skipCategories }] }).success, false);
    }
    for (const allow of [['<b>10.0.0.1</b>'], ['10.0.0.1\r\n10.0.0.2'], ['1'.repeat(1_000_000)], Array(501).fill('10.0.0.1')]) {
      assert.equal(SettingsSchema.safeParse({ ...base, addresses: { allow } }).success, false);
      assert.equal(SettingsSchema.safeParse({ ...base, addresses: { deny: allow } }).success, false);
    }
    const parsed = SettingsSchema.parse({ ...base, addresses: { deny: ['10.0.0.0/8'] } });
    assert.deepEqual(parsed.addresses, { allow: [], deny: ['10.0.0.0/8'] });
  });

  it('refuses getInfo answer templates with markup, CR/LF, unknown placeholders or 1 MB', () => {
    for (const known of ['<b>известна</b>', 'строка\r\nвторая', 'строка\nвторая', '{пароль}', 'я'.repeat(1_000_000), '\u0007']) {
      const r = SettingsSchema.safeParse({ ...base, answers: { known } });
      assert.equal(r.success, false, `«${known.slice(0, 20)}» refused`);
    }
    assert.equal(SettingsSchema.safeParse({ ...base, answers: { known: 'Известна (№{номер}), {ответственный}' } }).success, true);
  });
});
