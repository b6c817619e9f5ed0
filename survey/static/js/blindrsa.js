/**
 * RSA blind signatures, client side: RFC 9474, variant RSABSSA-SHA384-PSS-Randomized
 * (SHA-384, MGF1-SHA-384, salt length 48, 32-byte random message prefix).
 *
 * The browser prepares a token message, blinds it, has the server sign the blinded value,
 * then unblinds and verifies (DESIGN §3, §6). The server never sees the token it signed, so
 * issuance records cannot be linked to answers.
 *
 * EMSA-PSS encoding and the blinding arithmetic are written out with BigInt because WebCrypto
 * has no raw RSA; the final check is an ordinary WebCrypto RSA-PSS verify. Nothing here
 * assumes a key size: the RFC vectors use 4096-bit keys, the service uses 2048-bit keys.
 *
 * Side channels: BigInt arithmetic is not constant time. The secret here is the blinding
 * factor r, used once for one token on the officer's own phone; timing it would need code
 * running on that phone, which could read the token directly anyway.
 * @module blindrsa
 */

import { concat, fromHex, toHex, utf8, b64uEncode } from './b64u.js';

const HASH = 'SHA-384';
const H_LEN = 48; // SHA-384 output length
const S_LEN = 48; // RFC 9474 §5: the PSS variants use sLen = hLen
const PREFIX_LEN = 32; // RFC 9474 §4.1 PrepareRandomize: 32 random bytes
const NONCE_LEN = 32; // DESIGN §6: token message nonce
const MIN_BITS = 2048; // DESIGN §3 uses RSA-2048: never accept a weaker key
const MAX_BITS = 16384; // bounds the work a hostile key can cause; WebCrypto's own limit
// Every round key has e = 65537 (RFC 9474 §6.2): a server offering another exponent is refused,
// so a key made for one person (an exponent picked to mark them) cannot pass unnoticed.
const E = 65537n;

// DER encodings of the algorithm OIDs accepted in the SPKI.
const OID_RSA_ENCRYPTION = '06092a864886f70d010101'; // 1.2.840.113549.1.1.1
const OID_RSASSA_PSS = '06092a864886f70d01010a'; // 1.2.840.113549.1.1.10 (params not used:
// the protocol fixes SHA-384 / MGF1-SHA-384 / 48 regardless)

const subtle = () => globalThis.crypto.subtle;
const randomBytes = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));

/**
 * @typedef {object} TokenKey
 * @property {bigint} n modulus
 * @property {bigint} e public exponent
 * @property {number} modBits bit length of n
 * @property {number} modLen byte length of n (RFC 9474 `modulus_len`)
 * @property {CryptoKey} verifyKey the same key in WebCrypto, RSA-PSS with SHA-384
 */

// ---------------------------------------------------------------------------------------
// Integers (RFC 8017 §4)

/** OS2IP (RFC 8017 §4.2): big-endian bytes to a non-negative integer. */
export function os2ip(bytes) {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

/** I2OSP (RFC 8017 §4.1): integer to exactly `len` big-endian bytes. */
export function i2osp(x, len) {
  if (x < 0n) throw new RangeError('i2osp: negative integer');
  const hex = x.toString(16);
  if (hex.length > 2 * len) throw new RangeError('i2osp: integer too large');
  return fromHex(hex.padStart(2 * len, '0'));
}

/** Bit length of a positive integer. */
function bitLength(x) {
  return x === 0n ? 0 : x.toString(2).length;
}

/** base^exp mod m, left-to-right square and multiply. */
export function modPow(base, exp, m) {
  let result = 1n;
  let b = base % m;
  for (const bit of exp.toString(2)) {
    result = (result * result) % m;
    if (bit === '1') result = (result * b) % m;
  }
  return result;
}

/**
 * Modular inverse by the extended Euclidean algorithm.
 * @throws {RangeError} when gcd(a, m) != 1 (no inverse exists).
 */
export function modInverse(a, m) {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('modInverse: not invertible');
  return ((oldS % m) + m) % m;
}

function gcd(a, b) {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

// ---------------------------------------------------------------------------------------
// Key import: SubjectPublicKeyInfo DER (RFC 5280 §4.1) holding RSAPublicKey (RFC 8017 A.1.1)

/** Read one DER TLV at `off`; definite, minimal lengths only (X.690 §10.1). */
function readTlv(buf, off, end, expectTag) {
  if (off + 2 > end) throw new Error('SPKI: truncated');
  const tag = buf[off];
  if (tag !== expectTag) throw new Error('SPKI: unexpected tag ' + tag);
  let len = buf[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 3 || p + count > end) throw new Error('SPKI: bad length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buf[p++];
    if (len < 0x80 || buf[off + 2] === 0) throw new Error('SPKI: non-minimal length');
  }
  if (p + len > end) throw new Error('SPKI: truncated');
  return { start: p, end: p + len };
}

/** A DER INTEGER that must be positive and minimally encoded (X.690 §8.3.2). */
function readPositiveInteger(buf, off, end) {
  const t = readTlv(buf, off, end, 0x02);
  const v = buf.subarray(t.start, t.end);
  if (v.length === 0 || v[0] & 0x80) throw new Error('SPKI: integer not positive');
  if (v.length > 1 && v[0] === 0 && !(v[1] & 0x80)) throw new Error('SPKI: non-minimal integer');
  return { value: os2ip(v), next: t.end };
}

/**
 * Parse the round's token key (SPKI DER, as served in `token_key.spki`) and import it into
 * WebCrypto for the final RSA-PSS verification.
 * @param {Uint8Array} spki
 * @returns {Promise<TokenKey>}
 * @throws {Error} on malformed DER, another algorithm, or an unacceptable modulus/exponent.
 */
export async function importTokenKey(spki) {
  const buf = Uint8Array.from(spki);
  const outer = readTlv(buf, 0, buf.length, 0x30);
  if (outer.end !== buf.length) throw new Error('SPKI: trailing bytes');
  const alg = readTlv(buf, outer.start, outer.end, 0x30);
  const oid = toHex(buf.subarray(alg.start, Math.min(alg.start + 11, alg.end)));
  if (oid !== OID_RSA_ENCRYPTION && oid !== OID_RSASSA_PSS) throw new Error('SPKI: not RSA');
  if (oid === OID_RSA_ENCRYPTION) {
    // RFC 8017 A.1: rsaEncryption parameters are NULL (some encoders omit them).
    const params = toHex(buf.subarray(alg.start + 11, alg.end));
    if (params !== '0500' && params !== '') throw new Error('SPKI: bad RSA parameters');
  }
  const bits = readTlv(buf, alg.end, outer.end, 0x03);
  if (bits.end !== outer.end || buf[bits.start] !== 0) throw new Error('SPKI: bad BIT STRING');
  const rsaKey = readTlv(buf, bits.start + 1, bits.end, 0x30);
  if (rsaKey.end !== bits.end) throw new Error('SPKI: trailing bytes in key');
  const nInt = readPositiveInteger(buf, rsaKey.start, rsaKey.end);
  const eInt = readPositiveInteger(buf, nInt.next, rsaKey.end);
  if (eInt.next !== rsaKey.end) throw new Error('SPKI: trailing bytes in key');
  const n = nInt.value;
  const e = eInt.value;
  const modBits = bitLength(n);
  if (modBits < MIN_BITS || modBits > MAX_BITS) throw new Error('SPKI: unsupported key size');
  if ((n & 1n) === 0n || e >= n) throw new Error('SPKI: bad key');
  if (e !== E) throw new Error('SPKI: exponent is not 65537');
  const modLen = Math.ceil(modBits / 8);
  const verifyKey = await subtle().importKey(
    'jwk',
    {
      kty: 'RSA',
      n: b64uEncode(i2osp(n, modLen)),
      e: b64uEncode(i2osp(e, Math.ceil(bitLength(e) / 8))),
      alg: 'PS384',
      ext: true,
    },
    { name: 'RSA-PSS', hash: HASH },
    false,
    ['verify'],
  );
  return { n, e, modBits, modLen, verifyKey };
}

// ---------------------------------------------------------------------------------------
// EMSA-PSS (RFC 8017 §9.1.1) with MGF1 (RFC 8017 B.2.1), SHA-384

async function sha384(data) {
  return new Uint8Array(await subtle().digest(HASH, data));
}

async function mgf1(seed, maskLen) {
  const blocks = [];
  for (let counter = 0; blocks.length * H_LEN < maskLen; counter++) {
    blocks.push(await sha384(concat(seed, i2osp(BigInt(counter), 4))));
  }
  return concat(...blocks).subarray(0, maskLen);
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-384, MGF1-SHA-384 and a 48-byte salt.
 * @param {Uint8Array} msg the message M
 * @param {number} emBits modBits - 1, as RSASSA-PSS-SIGN uses it (RFC 8017 §8.1.1)
 * @param {Uint8Array} salt 48 bytes
 * @returns {Promise<Uint8Array>} EM, ceil(emBits / 8) bytes
 */
export async function emsaPssEncode(msg, emBits, salt) {
  const emLen = Math.ceil(emBits / 8);
  const mHash = await sha384(msg); // steps 1-2
  if (emLen < H_LEN + salt.length + 2) throw new Error('PSS: encoding error'); // step 3
  const h = await sha384(concat(new Uint8Array(8), mHash, salt)); // steps 5-6
  const db = concat(new Uint8Array(emLen - salt.length - H_LEN - 2), [1], salt); // steps 7-8
  const dbMask = await mgf1(h, emLen - H_LEN - 1); // step 9
  for (let i = 0; i < db.length; i++) db[i] ^= dbMask[i]; // step 10
  db[0] &= 0xff >> (8 * emLen - emBits); // step 11: clear the leftmost bits
  return concat(db, h, [0xbc]); // step 12
}

// ---------------------------------------------------------------------------------------
// RFC 9474 protocol steps

/**
 * PrepareRandomize (RFC 9474 §4.1): 32 random bytes followed by the message.
 * @param {Uint8Array} msg
 * @returns {Uint8Array} input_msg
 */
export function prepare(msg) {
  return concat(randomBytes(PREFIX_LEN), msg);
}

/**
 * The token message of DESIGN §6: "svy-tok-v1" NUL round_id NUL 32 random bytes.
 * @param {string} roundId lowercase letters and digits (DESIGN §6)
 * @returns {Uint8Array}
 */
export function tokenMessage(roundId) {
  if (typeof roundId !== 'string' || !/^[a-z0-9]+$/.test(roundId)) {
    throw new TypeError('tokenMessage: round id must be lowercase letters and digits');
  }
  return concat(utf8('svy-tok-v1\0' + roundId + '\0'), randomBytes(NONCE_LEN));
}

/**
 * Draw r uniformly from [1, n) with r invertible mod n, by rejection sampling
 * (RFC 9474 §4.2 random_integer_uniform and inverse_mod).
 */
function randomBlind(pk) {
  const topMask = 0xff >> (8 * pk.modLen - pk.modBits);
  for (let tries = 0; tries < 256; tries++) {
    const bytes = randomBytes(pk.modLen);
    bytes[0] &= topMask; // same bit length as n: each try succeeds with probability > 1/2
    const r = os2ip(bytes);
    if (r < 1n || r >= pk.n) continue;
    try {
      return { r, inv: modInverse(r, pk.n) };
    } catch {
      continue; // gcd(r, n) != 1: would mean we found a factor of n; draw again
    }
  }
  throw new Error('blind: could not draw a blinding factor');
}

/**
 * Blind (RFC 9474 §4.2).
 * @param {TokenKey} pk
 * @param {Uint8Array} inputMsg the prepared message (prefix ‖ token message)
 * @param {{salt?: Uint8Array, r?: bigint}} [opts] FOR TESTS ONLY: a fixed PSS salt and
 *   blinding factor, to reproduce the RFC vectors. Production calls must pass neither:
 *   a reused r or salt links the token to its issuance.
 * @returns {Promise<{blindedMsg: Uint8Array, inv: bigint}>} keep `inv` for finalize().
 */
export async function blind(pk, inputMsg, { salt, r } = {}) {
  if (salt === undefined) salt = randomBytes(S_LEN);
  if (salt.length !== S_LEN) throw new RangeError('blind: salt must be 48 bytes');
  // Encode exactly as RSASSA-PSS-SIGN does (RFC 8017 §8.1.1: emBits = modBits - 1), so the
  // unblinded result verifies as a standard RSA-PSS signature (RFC 9474 §4.5).
  const em = await emsaPssEncode(inputMsg, pk.modBits - 1, salt);
  const m = os2ip(em);
  // RFC 9474 §4.2: m must be coprime to n ("invalid input" otherwise).
  if (gcd(m, pk.n) !== 1n) throw new Error('blind: message not coprime to n');
  let inv;
  if (r === undefined) {
    ({ r, inv } = randomBlind(pk)); // RFC 9474 §4.2: r uniform in [1, n), inv = r^-1 mod n
  } else {
    if (r < 1n || r >= pk.n) throw new RangeError('blind: r out of range');
    inv = modInverse(r, pk.n); // RFC 9474 §4.2: "blinding error" when r has no inverse
  }
  const x = modPow(r, pk.e, pk.n); // RFC 9474 §4.2: x = RSAVP1(pk, r)
  const z = (m * x) % pk.n; // z = m * x mod n
  return { blindedMsg: i2osp(z, pk.modLen), inv }; // int_to_bytes(z, modulus_len)
}

/**
 * Finalize (RFC 9474 §4.4): unblind the server's blind signature and verify it.
 * @param {TokenKey} pk
 * @param {Uint8Array} inputMsg the same prepared message given to blind()
 * @param {Uint8Array} blindSig the server's reply, modulus_len bytes
 * @param {bigint} inv from blind()
 * @returns {Promise<Uint8Array>} the signature over inputMsg, modulus_len bytes
 * @throws {Error} when the reply has the wrong length or does not verify; the token must
 *   then not be used (a bad signature could also be a server tagging this client).
 */
export async function finalize(pk, inputMsg, blindSig, inv) {
  // RFC 9474 §4.4: the blind signature must be exactly modulus_len bytes.
  if (blindSig.length !== pk.modLen) throw new Error('finalize: wrong length');
  const z = os2ip(blindSig);
  // A representative must lie in [0, n) (RFC 8017 §5.2.2); otherwise z and z - n would be
  // two spellings of one value, which the server could use to tag clients.
  if (z >= pk.n) throw new Error('finalize: blind signature out of range');
  const sig = i2osp((z * inv) % pk.n, pk.modLen); // RFC 9474 §4.4: s = z * inv mod n
  const ok = await subtle().verify(
    { name: 'RSA-PSS', saltLength: S_LEN },
    pk.verifyKey,
    sig,
    inputMsg,
  ); // RFC 9474 §4.4: RSASSA-PSS-VERIFY(pk, msg, sig), failure is fatal
  if (!ok) throw new Error('finalize: signature does not verify');
  return sig;
}
