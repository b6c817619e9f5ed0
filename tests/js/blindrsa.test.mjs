import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  importTokenKey,
  prepare,
  blind,
  finalize,
  tokenMessage,
  emsaPssEncode,
  os2ip,
  i2osp,
  modPow,
  modInverse,
} from '../../survey/static/js/blindrsa.js';
import { fromHex, toHex, concat, utf8 } from '../../survey/static/js/b64u.js';
import { loadVectors, rsaSpki, generateRsa } from './helpers.mjs';

const V = loadVectors('rfc9474_vectors.json');
const PSS = V.vectors.find((v) => v.name === 'RSABSSA-SHA384-PSS-Randomized');
const PSSZERO = V.vectors.find((v) => v.name === 'RSABSSA-SHA384-PSSZERO-Randomized');

async function vectorKey(v) {
  return importTokenKey(await rsaSpki(BigInt(v.n), BigInt(v.e)));
}

/** The server's BlindSign for tests: s = z^d mod n, checked by re-encryption. */
function testBlindSign(key, blindedMsg) {
  const modLen = Math.ceil(key.n.toString(2).length / 8);
  const z = os2ip(blindedMsg);
  const s = modPow(z, key.d, key.n);
  assert.equal(modPow(s, key.e, key.n), z);
  return i2osp(s, modLen);
}

let rsa2048;
async function key2048() {
  rsa2048 ??= await generateRsa(2048);
  return rsa2048;
}

test('RFC 9474 vector key (4096 bits) imports from SPKI with the right n and e', async () => {
  const pk = await vectorKey(PSS);
  assert.equal(pk.n, BigInt(PSS.n));
  assert.equal(pk.e, 65537n);
  assert.equal(pk.modBits, 4096);
  assert.equal(pk.modLen, 512);
});

test('EMSA-PSS encoding reproduces the RFC 9474 appendix encoded_msg (both variants)', async () => {
  const modBits = BigInt(PSS.n).toString(2).length;
  const em = await emsaPssEncode(fromHex(PSS.input_msg), modBits - 1, fromHex(PSS.salt));
  assert.equal(toHex(em), V.rfc9474_appendix_encoded_msg['RSABSSA-SHA384-PSS-Randomized']);
  const em0 = await emsaPssEncode(fromHex(PSSZERO.input_msg), modBits - 1, new Uint8Array());
  assert.equal(toHex(em0), PSSZERO.encoded_msg);
});

test('RFC 9474 PSS-Randomized vector: blind, then finalize, reproduce blinded_msg and sig', async () => {
  const pk = await vectorKey(PSS);
  const inputMsg = fromHex(PSS.input_msg);
  assert.equal(PSS.input_msg, PSS.msg_prefix + PSS.msg);
  const r = modInverse(BigInt(PSS.inv), pk.n);
  const { blindedMsg, inv } = await blind(pk, inputMsg, { salt: fromHex(PSS.salt), r });
  assert.equal(toHex(blindedMsg), PSS.blinded_msg);
  assert.equal(inv, BigInt(PSS.inv));
  const sig = await finalize(pk, inputMsg, fromHex(PSS.blind_sig), inv);
  assert.equal(toHex(sig), PSS.sig);
  // And the signature is an ordinary RSA-PSS (SHA-384, salt 48) signature.
  const ok = await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, pk.verifyKey, sig, inputMsg);
  assert.ok(ok);
});

test('finalize refuses the PSSZERO vector (this client is the salt-48 variant only)', async () => {
  const pk = await vectorKey(PSSZERO);
  await assert.rejects(
    finalize(pk, fromHex(PSSZERO.input_msg), fromHex(PSSZERO.blind_sig), BigInt(PSSZERO.inv)),
    /does not verify/,
  );
  await assert.rejects(
    blind(pk, fromHex(PSSZERO.input_msg), { salt: new Uint8Array() }),
    /48 bytes/,
  );
});

test('finalize refuses tampered, truncated, out-of-range and foreign blind signatures', async () => {
  const pk = await vectorKey(PSS);
  const inputMsg = fromHex(PSS.input_msg);
  const inv = BigInt(PSS.inv);
  const good = fromHex(PSS.blind_sig);
  const flipped = good.slice();
  flipped[100] ^= 1;
  await assert.rejects(finalize(pk, inputMsg, flipped, inv), /does not verify/);
  await assert.rejects(finalize(pk, inputMsg, good.subarray(1), inv), /wrong length/);
  await assert.rejects(finalize(pk, inputMsg, concat([0], good), inv), /wrong length/);
  // z + n has the same residue: refused as out of range rather than silently reduced.
  const zPlusN = os2ip(good) + pk.n;
  if (zPlusN < 1n << 4096n) {
    await assert.rejects(finalize(pk, inputMsg, i2osp(zPlusN, 512), inv), /out of range/);
  }
  await assert.rejects(finalize(pk, inputMsg, new Uint8Array(512).fill(0xff), inv), /out of range/);
  // The right blind signature, but for another message or another inverse.
  const other = inputMsg.slice();
  other[0] ^= 1;
  await assert.rejects(finalize(pk, other, good, inv), /does not verify/);
  await assert.rejects(finalize(pk, inputMsg, good, inv + 1n), /does not verify/);
});

test('round trip with a fresh 2048-bit key: token message, prepare, blind, sign, finalize', async (t) => {
  const key = await key2048();
  const pk = await importTokenKey(key.spki);
  assert.equal(pk.modBits, 2048);
  const msg = tokenMessage('r0und1d');
  const inputMsg = prepare(msg);
  const started = performance.now();
  const { blindedMsg, inv } = await blind(pk, inputMsg);
  const blindSig = testBlindSign(key, blindedMsg);
  const sig = await finalize(pk, inputMsg, blindSig, inv);
  t.diagnostic(`blind + server sign + finalize, 2048-bit: ${(performance.now() - started).toFixed(1)} ms`);
  assert.equal(sig.length, 256);
  assert.equal(blindedMsg.length, 256);
});

test('blind + finalize (client side only) is fast for a 2048-bit key', async (t) => {
  const key = await key2048();
  const pk = await importTokenKey(key.spki);
  const rounds = 20;
  const work = [];
  for (let i = 0; i < rounds; i++) {
    const inputMsg = prepare(tokenMessage('bench'));
    const { blindedMsg, inv } = await blind(pk, inputMsg);
    work.push({ inputMsg, inv, blindSig: testBlindSign(key, blindedMsg) });
  }
  let clientMs = 0;
  for (const w of work) {
    const t0 = performance.now();
    const { blindedMsg, inv } = await blind(pk, w.inputMsg);
    clientMs += performance.now() - t0;
    const blindSig = testBlindSign(key, blindedMsg);
    const t1 = performance.now();
    await finalize(pk, w.inputMsg, blindSig, inv);
    clientMs += performance.now() - t1;
  }
  const per = clientMs / rounds;
  t.diagnostic(`client blind + finalize, 2048-bit key: ${per.toFixed(2)} ms per token (mean of ${rounds})`);
  // Budget (DESIGN §5): < 1 s on a phone slowed 4x; a desktop Node should be far below.
  assert.ok(per < 100, `took ${per} ms`);
});

test('blinding is randomized: the same message blinds differently each time', async () => {
  const key = await key2048();
  const pk = await importTokenKey(key.spki);
  const inputMsg = prepare(tokenMessage('abc'));
  const a = await blind(pk, inputMsg);
  const b = await blind(pk, inputMsg);
  assert.notEqual(toHex(a.blindedMsg), toHex(b.blindedMsg));
  assert.notEqual(a.inv, b.inv);
  // Both still finalize to valid signatures.
  await finalize(pk, inputMsg, testBlindSign(key, a.blindedMsg), a.inv);
  await finalize(pk, inputMsg, testBlindSign(key, b.blindedMsg), b.inv);
  // Unblinding with the other request's inverse fails.
  await assert.rejects(finalize(pk, inputMsg, testBlindSign(key, a.blindedMsg), b.inv));
});

test('blind refuses an injected r outside [1, n) or not invertible', async () => {
  const pk = await vectorKey(PSS);
  const inputMsg = fromHex(PSS.input_msg);
  const salt = fromHex(PSS.salt);
  await assert.rejects(blind(pk, inputMsg, { salt, r: 0n }), RangeError);
  await assert.rejects(blind(pk, inputMsg, { salt, r: pk.n }), RangeError);
  await assert.rejects(blind(pk, inputMsg, { salt, r: BigInt(PSS.p) }), /not invertible/);
});

test('prepare prefixes 32 fresh random bytes (RFC 9474 PrepareRandomize)', () => {
  const msg = utf8('hello');
  const a = prepare(msg);
  const b = prepare(msg);
  assert.equal(a.length, 37);
  assert.deepEqual(a.subarray(32), msg);
  assert.notEqual(toHex(a.subarray(0, 32)), toHex(b.subarray(0, 32)));
});

test('tokenMessage has the DESIGN §6 layout and a fresh nonce', () => {
  const m = tokenMessage('k3x9q');
  const head = utf8('svy-tok-v1\0k3x9q\0');
  assert.equal(m.length, head.length + 32);
  assert.deepEqual(m.subarray(0, head.length), head);
  assert.notEqual(toHex(tokenMessage('k3x9q')), toHex(m));
  for (const bad of ['', 'ABC', 'a b', 'a/b', 'a\0b', '队', 42, undefined]) {
    assert.throws(() => tokenMessage(bad), TypeError, String(bad));
  }
});

test('importTokenKey rejects malformed and unsuitable SPKI', async () => {
  const { spki } = await key2048();
  const bad = async (bytes, re) => assert.rejects(importTokenKey(bytes), re);
  await bad(concat(spki, [0]), /trailing/);
  await bad(spki.subarray(0, spki.length - 1), /truncated/);
  await bad(new Uint8Array(), /truncated/);
  const wrongTag = spki.slice();
  wrongTag[0] = 0x31;
  await bad(wrongTag, /unexpected tag/);
  // Change the OID's last byte (rsaEncryption -> another PKCS #1 OID).
  const wrongOid = spki.slice();
  const oidAt = toHex(spki).indexOf('2a864886f70d010101') / 2 + 8;
  wrongOid[oidAt] = 0x05;
  await bad(wrongOid, /not RSA/);
  // An EC key is not a token key.
  const ec = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  await bad(new Uint8Array(await crypto.subtle.exportKey('spki', ec.publicKey)), /not RSA/);
  // Too small a key.
  const small = await generateRsa(1024);
  await bad(small.spki, /key size/);
  // Even modulus; an exponent at or above n.
  const n = BigInt(PSS.n);
  await bad(await rsaSpki(n + 1n, 65537n), /bad key/);
  await bad(await rsaSpki(n, n + 2n), /bad key/);
});

test('importTokenKey accepts e = 65537 only, every other odd exponent is refused', async () => {
  const n = BigInt(PSS.n);
  assert.equal((await importTokenKey(await rsaSpki(n, 65537n))).e, 65537n);
  for (const e of [1n, 3n, 5n, 17n, 257n, 65535n, 65539n, 2n ** 32n + 15n, 65536n + 2n]) {
    await assert.rejects(importTokenKey(await rsaSpki(n, e)), /65537|bad key/, String(e));
  }
  // A real key with another exponent, as a server could make one for a single person.
  const key = await crypto.subtle.generateKey(
    { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([3]), hash: 'SHA-384' },
    true,
    ['sign', 'verify'],
  );
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', key.publicKey));
  await assert.rejects(importTokenKey(spki), /exponent is not 65537/);
});

test('importTokenKey accepts the id-RSASSA-PSS algorithm identifier too', async () => {
  // Hand-built SPKI: SEQUENCE { SEQUENCE { OID 1.2.840.113549.1.1.10 }, BIT STRING {RSAPublicKey} }.
  const { spki } = await key2048();
  const hex = toHex(spki);
  const bitString = hex.slice(hex.indexOf('0382'));
  const alg = '300b06092a864886f70d01010a';
  const body = alg + bitString;
  const len = body.length / 2;
  const der = fromHex('3082' + len.toString(16).padStart(4, '0') + body);
  const pk = await importTokenKey(der);
  assert.equal(pk.modBits, 2048);
});

test('integer helpers: i2osp/os2ip round trip, size checks, modular inverse', () => {
  assert.equal(os2ip(new Uint8Array()), 0n);
  assert.equal(os2ip(fromHex('0102')), 258n);
  assert.deepEqual(i2osp(258n, 4), fromHex('00000102'));
  assert.throws(() => i2osp(256n, 1), RangeError);
  assert.throws(() => i2osp(-1n, 1), RangeError);
  assert.equal(modInverse(3n, 11n), 4n);
  assert.throws(() => modInverse(6n, 9n), RangeError);
  assert.equal(modPow(4n, 13n, 497n), 445n);
  assert.equal(modPow(5n, 0n, 7n), 1n);
});
