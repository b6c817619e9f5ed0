import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { roundFingerprint, fingerprintMatches } from '../../survey/static/js/fingerprint.js';
import { fromHex } from '../../survey/static/js/b64u.js';
import { loadVectors, rsaSpki } from './helpers.mjs';

const RSA = loadVectors('rfc9474_vectors.json').vectors[0];
const SEAL = fromHex(loadVectors('rfc9180_vectors.json').base_p256_hkdfsha256_aes128gcm.pkRm);

test('round fingerprint is lowercase hex SHA-256(SPKI ‖ sealing key) (DESIGN §3)', async () => {
  const spki = await rsaSpki(BigInt(RSA.n), BigInt(RSA.e));
  const want = createHash('sha256').update(spki).update(SEAL).digest('hex');
  const fp = await roundFingerprint(spki, SEAL);
  assert.equal(fp, want);
  assert.match(fp, /^[0-9a-f]{64}$/);
});

test('a fixed input gives a fixed fingerprint', async () => {
  const fp = await roundFingerprint(new Uint8Array([1, 2, 3]), new Uint8Array(65));
  const want = createHash('sha256').update(Buffer.from([1, 2, 3])).update(Buffer.alloc(65)).digest('hex');
  assert.equal(fp, want);
});

test('the sealing key must be 65 bytes', async () => {
  await assert.rejects(roundFingerprint(new Uint8Array(3), new Uint8Array(64)), TypeError);
});

test('fingerprintMatches: full form, slip form (16 digits), case and spaces ignored', async () => {
  const spki = await rsaSpki(BigInt(RSA.n), BigInt(RSA.e));
  const fp = await roundFingerprint(spki, SEAL);
  assert.ok(await fingerprintMatches(fp, spki, SEAL));
  assert.ok(await fingerprintMatches(fp.slice(0, 16), spki, SEAL));
  assert.ok(await fingerprintMatches(fp.slice(0, 16).toUpperCase().replace(/(.{4})/g, '$1 '), spki, SEAL));
});

test('fingerprintMatches refuses other keys, other lengths and junk', async () => {
  const spki = await rsaSpki(BigInt(RSA.n), BigInt(RSA.e));
  const fp = await roundFingerprint(spki, SEAL);
  const otherSeal = SEAL.slice();
  otherSeal[10] ^= 1;
  assert.equal(await fingerprintMatches(fp, spki, otherSeal), false);
  assert.equal(await fingerprintMatches(fp, spki.subarray(0, spki.length - 1), SEAL), false);
  for (const bad of ['', fp.slice(0, 8), fp.slice(0, 15), fp.slice(0, 17), fp.slice(0, 63), fp + '0', 'g'.repeat(64), null]) {
    assert.equal(await fingerprintMatches(bad, spki, SEAL), false, String(bad));
  }
});
