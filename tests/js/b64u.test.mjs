import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  b64uEncode,
  b64uDecode,
  toHex,
  fromHex,
  concat,
  utf8,
  utf8Decode,
  bytesEqual,
} from '../../survey/static/js/b64u.js';

const bytes = (...xs) => new Uint8Array(xs);

test('b64u encodes like Buffer base64url (no padding) for every tail length', () => {
  for (let len = 0; len < 40; len++) {
    const data = crypto.getRandomValues(new Uint8Array(len));
    assert.equal(b64uEncode(data), Buffer.from(data).toString('base64url'));
    assert.deepEqual(b64uDecode(b64uEncode(data)), data);
  }
});

test('b64u round-trips all byte values, including the - and _ characters', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = b64uEncode(all);
  assert.match(text, /-/);
  assert.match(text, /_/);
  assert.deepEqual(b64uDecode(text), all);
});

test('b64u decoder accepts input with or without = padding (DESIGN §6)', () => {
  assert.deepEqual(b64uDecode('AQ'), bytes(1));
  assert.deepEqual(b64uDecode('AQ=='), bytes(1));
  assert.deepEqual(b64uDecode('AQI'), bytes(1, 2));
  assert.deepEqual(b64uDecode('AQI='), bytes(1, 2));
  assert.deepEqual(b64uDecode('AQID'), bytes(1, 2, 3));
  assert.deepEqual(b64uDecode(''), bytes());
});

test('b64u decoder rejects bad characters', () => {
  for (const bad of ['AQ+D', 'AQ/D', 'AQ D', 'AQ\nD', 'AQ.D', 'AQ中D', 'A\u0000QD', '====']) {
    assert.throws(() => b64uDecode(bad), TypeError, JSON.stringify(bad));
  }
});

test('b64u decoder rejects wrong padding and impossible lengths', () => {
  for (const bad of ['A', 'AQID' + 'B', 'AQ=', 'AQ===', 'AQI==', 'A=QI', 'AQ==AQ==', 'AQID====']) {
    assert.throws(() => b64uDecode(bad), TypeError, JSON.stringify(bad));
  }
});

test('b64u decoder rejects non-zero trailing bits (one spelling per value)', () => {
  assert.deepEqual(b64uDecode('AA'), bytes(0));
  assert.throws(() => b64uDecode('AB'), TypeError);
  assert.throws(() => b64uDecode('AQJ'), TypeError);
  assert.throws(() => b64uDecode('AQJ='), TypeError);
});

test('b64u decoder rejects non-strings', () => {
  assert.throws(() => b64uDecode(null), TypeError);
  assert.throws(() => b64uDecode(bytes(1)), TypeError);
});

test('hex is lowercase and round-trips; decoder is strict about form', () => {
  assert.equal(toHex(bytes(0, 1, 0xab, 0xff)), '0001abff');
  assert.deepEqual(fromHex('0001ABff'), bytes(0, 1, 0xab, 0xff));
  assert.deepEqual(fromHex(''), bytes());
  for (const bad of ['0', 'abc', 'zz', '0x00', ' 00', '+1']) {
    assert.throws(() => fromHex(bad), TypeError, bad);
  }
});

test('concat joins byte arrays into a fresh array', () => {
  const a = bytes(1, 2);
  const out = concat(a, bytes(), bytes(3));
  assert.deepEqual(out, bytes(1, 2, 3));
  out[0] = 9;
  assert.equal(a[0], 1);
  assert.deepEqual(concat(), bytes());
});

test('utf8 round-trips Chinese text; strict decoder refuses invalid UTF-8', () => {
  const text = '队伍建设：加强学习 ✓ 𠮷';
  assert.equal(utf8Decode(utf8(text)), text);
  assert.deepEqual(utf8('中'), bytes(0xe4, 0xb8, 0xad));
  assert.throws(() => utf8Decode(bytes(0xe4, 0xb8)));
  assert.throws(() => utf8Decode(bytes(0xff)));
  // Lone surrogates never produce invalid bytes.
  assert.deepEqual(utf8('\ud800'), bytes(0xef, 0xbf, 0xbd));
});

test('bytesEqual compares length and content', () => {
  assert.ok(bytesEqual(bytes(1, 2), bytes(1, 2)));
  assert.ok(!bytesEqual(bytes(1, 2), bytes(1, 3)));
  assert.ok(!bytesEqual(bytes(1, 2), bytes(1, 2, 3)));
});
