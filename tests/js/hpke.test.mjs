import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createECDH, createDecipheriv } from 'node:crypto';
import {
  seal,
  setupBaseS,
  padAnswer,
  answerInfo,
  PADDED_SIZES,
  SEALED_SIZES,
} from '../../survey/static/js/hpke.js';
import { fromHex, toHex, b64uEncode, concat, utf8, utf8Decode } from '../../survey/static/js/b64u.js';
import { loadVectors } from './helpers.mjs';

const V = loadVectors('rfc9180_vectors.json').base_p256_hkdfsha256_aes128gcm;

/** Import a P-256 key pair given as raw hex (32-byte scalar, 65-byte point) through JWK. */
async function importEcdhPair(skHex, pkHex) {
  const pk = fromHex(pkHex);
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: b64uEncode(pk.subarray(1, 33)),
    y: b64uEncode(pk.subarray(33, 65)),
    ext: true,
  };
  const alg = { name: 'ECDH', namedCurve: 'P-256' };
  return {
    privateKey: await crypto.subtle.importKey('jwk', { ...jwk, d: b64uEncode(fromHex(skHex)) }, alg, false, ['deriveBits']),
    publicKey: await crypto.subtle.importKey('jwk', jwk, alg, true, []),
  };
}

/**
 * An independent HPKE Base-mode opener on node:crypto (RFC 9180 §4.1 Decap, §5.1, §5.2),
 * so the module is not only checked against itself.
 */
function openSealed(skRmHex, pkRmHex, info, sealed, aad = new Uint8Array()) {
  const hmac = (key, data) => createHmac('sha256', key.length ? key : Buffer.alloc(32)).update(data).digest();
  const le = (suite, salt, label, ikm) => hmac(salt, Buffer.concat([Buffer.from('HPKE-v1'), suite, Buffer.from(label), ikm]));
  const lx = (suite, prk, label, info_, L) => {
    const full = Buffer.concat([Buffer.from([0, L]), Buffer.from('HPKE-v1'), suite, Buffer.from(label), info_]);
    let t = Buffer.alloc(0);
    let out = Buffer.alloc(0);
    for (let i = 1; out.length < L; i++) {
      t = hmac(prk, Buffer.concat([t, full, Buffer.from([i])]));
      out = Buffer.concat([out, t]);
    }
    return out.subarray(0, L);
  };
  const kemSuite = Buffer.from('KEM\x00\x10', 'latin1');
  const hpkeSuite = Buffer.from('HPKE\x00\x10\x00\x01\x00\x01', 'latin1');
  const enc = sealed.subarray(0, 65);
  const ct = sealed.subarray(65);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(skRmHex, 'hex'));
  const dh = ecdh.computeSecret(enc);
  const kemContext = Buffer.concat([enc, Buffer.from(pkRmHex, 'hex')]);
  const shared = lx(kemSuite, le(kemSuite, Buffer.alloc(0), 'eae_prk', dh), 'shared_secret', kemContext, 32);
  const empty = Buffer.alloc(0);
  const ksc = Buffer.concat([
    Buffer.from([0]),
    le(hpkeSuite, empty, 'psk_id_hash', empty),
    le(hpkeSuite, empty, 'info_hash', info),
  ]);
  const secret = le(hpkeSuite, shared, 'secret', empty);
  const key = lx(hpkeSuite, secret, 'key', ksc, 16);
  const nonce = lx(hpkeSuite, secret, 'base_nonce', ksc, 12);
  const d = createDecipheriv('aes-128-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(ct.subarray(ct.length - 16));
  return new Uint8Array(Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]));
}

test('the vector is the suite we implement (Base mode, P-256, HKDF-SHA256, AES-128-GCM)', () => {
  assert.deepEqual([V.mode, V.kem_id, V.kdf_id, V.aead_id].map(Number), [0, 16, 1, 1]);
});

test('RFC 9180 vector: key schedule values (enc, shared_secret, context, key, base_nonce)', async () => {
  const eph = await importEcdhPair(V.skEm, V.pkEm);
  const ctx = await setupBaseS(fromHex(V.pkRm), fromHex(V.info), { ephemeralKeyPair: eph });
  assert.equal(toHex(ctx.enc), V.enc);
  assert.equal(toHex(ctx.sharedSecret), V.shared_secret);
  assert.equal(toHex(ctx.keyScheduleContext), V.key_schedule_context);
  assert.equal(toHex(ctx.key), V.key);
  assert.equal(toHex(ctx.baseNonce), V.base_nonce);
});

test('RFC 9180 vector: every listed encryption (sequence 0, 1, 2) is reproduced exactly', async () => {
  const eph = await importEcdhPair(V.skEm, V.pkEm);
  const ctx = await setupBaseS(fromHex(V.pkRm), fromHex(V.info), { ephemeralKeyPair: eph });
  assert.ok(V.encryptions.length >= 3);
  for (const e of V.encryptions) {
    assert.equal(toHex(await ctx.seal(fromHex(e.aad), fromHex(e.pt))), e.ct);
  }
});

test('RFC 9180 vector: one-shot seal gives enc ‖ ct of the first encryption', async () => {
  const eph = await importEcdhPair(V.skEm, V.pkEm);
  const e = V.encryptions[0];
  const out = await seal(fromHex(V.pkRm), fromHex(V.info), fromHex(e.pt), {
    aad: fromHex(e.aad),
    ephemeralKeyPair: eph,
  });
  assert.equal(toHex(out), V.enc + e.ct);
  // The independent opener agrees.
  assert.equal(toHex(openSealed(V.skRm, V.pkRm, fromHex(V.info), out, fromHex(e.aad))), e.pt);
});

test('seal with fresh ephemeral keys: opens with the recipient key, differs every time', async () => {
  const info = answerInfo('r1');
  const pt = padAnswer({ s1: '领导班子要多听基层意见。' });
  const a = await seal(fromHex(V.pkRm), info, pt);
  const b = await seal(fromHex(V.pkRm), info, pt);
  assert.equal(a.length, SEALED_SIZES[0]);
  assert.equal(a[0], 0x04);
  assert.notEqual(toHex(a.subarray(0, 65)), toHex(b.subarray(0, 65)));
  const opened = openSealed(V.skRm, V.pkRm, info, a);
  assert.deepEqual(opened, pt);
  assert.equal(JSON.parse(utf8Decode(opened)).answers.s1, '领导班子要多听基层意见。');
});

test('tampered sealed bytes or the wrong info do not open', async () => {
  const info = answerInfo('r1');
  const sealed = await seal(fromHex(V.pkRm), info, utf8('secret'));
  const flipped = sealed.slice();
  flipped[sealed.length - 20] ^= 1;
  assert.throws(() => openSealed(V.skRm, V.pkRm, info, flipped));
  assert.throws(() => openSealed(V.skRm, V.pkRm, answerInfo('r2'), sealed));
});

test('seal refuses recipient keys that are not an uncompressed P-256 point', async () => {
  const pk = fromHex(V.pkRm);
  const info = answerInfo('r1');
  await assert.rejects(seal(pk.subarray(0, 64), info, utf8('x')), TypeError);
  await assert.rejects(seal(concat(pk, [0]), info, utf8('x')), TypeError);
  const compressed = concat([2 + (pk[64] & 1)], pk.subarray(1, 33));
  await assert.rejects(seal(compressed, info, utf8('x')), TypeError);
  const offCurve = pk.slice();
  offCurve[64] ^= 1;
  await assert.rejects(seal(offCurve, info, utf8('x')));
  await assert.rejects(seal(Array.from(pk), info, utf8('x')), TypeError);
});

test('answerInfo is "svy-ans-v1" NUL round id (DESIGN §6) and validates the id', () => {
  assert.equal(toHex(answerInfo('ab12')), toHex(utf8('svy-ans-v1\0ab12')));
  for (const bad of ['', 'AB', 'a-b', 'a\0b', null]) assert.throws(() => answerInfo(bad), TypeError);
});

test('sizes: padded 4096 / 16384 / 65536, sealed 4177 / 16465 / 65617 (DESIGN §6)', () => {
  assert.deepEqual([...PADDED_SIZES], [4096, 16384, 65536]);
  assert.deepEqual([...SEALED_SIZES], [4177, 16465, 65617]);
});

test('padAnswer spells the JSON like Python json.dumps(ensure_ascii=False)', () => {
  const out = padAnswer({ a1: '队伍建设：要加强', zz: 'line1\nline2 "q" \\ \t\u0001' });
  const text = utf8Decode(out).trimEnd();
  assert.equal(
    text,
    '{"v": 1, "answers": {"a1": "队伍建设：要加强", "zz": "line1\\nline2 \\"q\\" \\\\ \\t\\u0001"}}',
  );
  assert.equal(utf8Decode(padAnswer({})).trimEnd(), '{"v": 1, "answers": {}}');
  const m = new Map([['2', 'b'], ['1', 'a']]);
  assert.equal(utf8Decode(padAnswer(m)).trimEnd(), '{"v": 1, "answers": {"2": "b", "1": "a"}}');
});

test('padAnswer pads with ASCII spaces to the smallest size that fits', () => {
  const overhead = utf8('{"v": 1, "answers": {"s": ""}}').length;
  const sized = (n) => padAnswer({ s: 'x'.repeat(n - overhead) });
  for (const [len, size] of [
    [overhead, 4096],
    [4096, 4096],
    [4097, 16384],
    [16384, 16384],
    [16385, 65536],
    [65536, 65536],
  ]) {
    const out = sized(len);
    assert.equal(out.length, size, `json of ${len} bytes`);
    assert.ok(out.subarray(len).every((b) => b === 0x20));
    assert.equal(JSON.parse(utf8Decode(out)).answers.s.length, len - overhead);
  }
  assert.throws(() => sized(65537), RangeError);
  // Chinese text counts in UTF-8 bytes (3 per character), not characters.
  assert.equal(padAnswer({ s: '中'.repeat(1400) }).length, 16384);
});

test('padAnswer: lone surrogates become U+FFFD; non-string values are refused', () => {
  const out = JSON.parse(utf8Decode(padAnswer({ s: 'a\ud800b\udc00c😀' })));
  assert.equal(out.answers.s, 'a\ufffdb\ufffdc😀');
  assert.throws(() => padAnswer({ s: 5 }), TypeError);
  assert.throws(() => padAnswer({ s: null }), TypeError);
  assert.throws(() => padAnswer(new Map([[1, 'x']])), TypeError);
});
