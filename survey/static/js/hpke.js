/**
 * Sealing answers to the round's key: HPKE (RFC 9180) Base mode with
 * DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM, on WebCrypto.
 *
 * The output of seal() is `enc ‖ ct`, byte for byte what Python's
 * `cryptography.hazmat.primitives.hpke.Suite.encrypt` produces (empty aad, sequence 0), so
 * the server opens it with the one-shot `Suite.decrypt` (DESIGN §3, §6).
 *
 * WebCrypto has no HKDF "extract only" / "expand only", and RFC 9180 needs its labeled
 * variants (§4), so HKDF is written out with HMAC-SHA256 (RFC 5869 §2.2, §2.3).
 * @module hpke
 */

import { concat, utf8 } from './b64u.js';

const KEM_ID = 0x0010; // DHKEM(P-256, HKDF-SHA256), RFC 9180 §7.1
const KDF_ID = 0x0001; // HKDF-SHA256, RFC 9180 §7.2
const AEAD_ID = 0x0001; // AES-128-GCM, RFC 9180 §7.3
const N_H = 32; // HKDF-SHA256 output length
const N_SECRET = 32; // DHKEM(P-256) shared secret length
const N_PK = 65; // uncompressed P-256 point: 0x04 ‖ x ‖ y (RFC 9180 §7.1.1 SerializePublicKey)
const N_K = 16; // AES-128 key
const N_N = 12; // GCM nonce
const MODE_BASE = 0x00;

/** Sizes of the padded plaintext (DESIGN §6); clients use the smallest that fits. */
export const PADDED_SIZES = Object.freeze([4096, 16384, 65536]);
/** Sizes of `enc ‖ ct` the server accepts: padded size + 65 (enc) + 16 (GCM tag). */
export const SEALED_SIZES = Object.freeze(PADDED_SIZES.map((n) => n + N_PK + 16));

const VERSION = utf8('HPKE-v1');
const u16 = (x) => new Uint8Array([x >> 8, x & 0xff]);
const SUITE_KEM = concat(utf8('KEM'), u16(KEM_ID)); // RFC 9180 §4.1
const SUITE_HPKE = concat(utf8('HPKE'), u16(KEM_ID), u16(KDF_ID), u16(AEAD_ID)); // §5.1
const EMPTY = new Uint8Array(0);
const subtle = () => globalThis.crypto.subtle;
const P256 = { name: 'ECDH', namedCurve: 'P-256' };

// ---------------------------------------------------------------------------------------
// HKDF-SHA256 (RFC 5869) and the labeled forms (RFC 9180 §4)

async function hmac(key, data) {
  // An empty salt means HashLen zero bytes (RFC 5869 §2.2); HMAC treats both the same,
  // but WebCrypto refuses zero-length HMAC keys.
  const raw = key.length === 0 ? new Uint8Array(N_H) : key;
  const k = await subtle().importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await subtle().sign('HMAC', k, data));
}

/**
 * HKDF-Expand (RFC 5869 §2.3), single block: every length this suite asks for (32, 16, 12)
 * is at most HashLen, so T(1) = HMAC(PRK, info ‖ 0x01) is the whole output.
 */
async function expand(prk, info, length) {
  if (length > N_H) throw new RangeError('hpke: expand longer than one block');
  return (await hmac(prk, concat(info, [1]))).slice(0, length);
}

/** LabeledExtract (RFC 9180 §4): Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm). */
function labeledExtract(suiteId, salt, label, ikm) {
  return hmac(salt, concat(VERSION, suiteId, utf8(label), ikm));
}

/** LabeledExpand (RFC 9180 §4): Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖ info, L). */
function labeledExpand(suiteId, prk, label, info, length) {
  return expand(prk, concat(u16(length), VERSION, suiteId, utf8(label), info), length);
}

// ---------------------------------------------------------------------------------------
// DHKEM(P-256) Encap (RFC 9180 §4.1) and the Base-mode key schedule (RFC 9180 §5.1)

/**
 * Encap (RFC 9180 §4.1).
 * @param {Uint8Array} pkRm recipient public key, 65-byte uncompressed point
 * @param {CryptoKeyPair} [ephemeralKeyPair] FOR TESTS ONLY (see seal())
 * @returns {Promise<{sharedSecret: Uint8Array, enc: Uint8Array}>}
 */
export async function encap(pkRm, ephemeralKeyPair) {
  // RFC 9180 §7.1.4: public keys must be validated. Check the form here; importKey rejects
  // points that are not on the curve (DeserializePublicKey, §7.1.1).
  if (!(pkRm instanceof Uint8Array) || pkRm.length !== N_PK || pkRm[0] !== 0x04) {
    throw new TypeError('hpke: recipient key must be a 65-byte uncompressed P-256 point');
  }
  const pkR = await subtle().importKey('raw', pkRm, P256, true, []);
  const kp = ephemeralKeyPair || (await subtle().generateKey(P256, false, ['deriveBits']));
  const enc = new Uint8Array(await subtle().exportKey('raw', kp.publicKey)); // SerializePublicKey
  // DH(skE, pkR): the x-coordinate of the shared point (RFC 9180 §7.1.1).
  const dh = new Uint8Array(
    await subtle().deriveBits({ name: 'ECDH', public: pkR }, kp.privateKey, 8 * N_SECRET),
  );
  const kemContext = concat(enc, pkRm);
  const eaePrk = await labeledExtract(SUITE_KEM, EMPTY, 'eae_prk', dh); // ExtractAndExpand
  const sharedSecret = await labeledExpand(SUITE_KEM, eaePrk, 'shared_secret', kemContext, N_SECRET);
  return { sharedSecret, enc };
}

/**
 * KeySchedule for mode_base (RFC 9180 §5.1): default (empty) psk and psk_id.
 * @returns {Promise<{keyScheduleContext: Uint8Array, key: Uint8Array, baseNonce: Uint8Array}>}
 */
export async function keySchedule(sharedSecret, info) {
  const pskIdHash = await labeledExtract(SUITE_HPKE, EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = await labeledExtract(SUITE_HPKE, EMPTY, 'info_hash', info);
  const keyScheduleContext = concat([MODE_BASE], pskIdHash, infoHash);
  const secret = await labeledExtract(SUITE_HPKE, sharedSecret, 'secret', EMPTY);
  const key = await labeledExpand(SUITE_HPKE, secret, 'key', keyScheduleContext, N_K);
  const baseNonce = await labeledExpand(SUITE_HPKE, secret, 'base_nonce', keyScheduleContext, N_N);
  return { keyScheduleContext, key, baseNonce };
}

/**
 * SetupBaseS (RFC 9180 §5.1.1) returning a sender context whose seal(aad, pt) follows
 * ContextS.Seal (§5.2): nonce = base_nonce XOR I2OSP(seq, Nn), then seq += 1.
 * Exported for the RFC vectors (which seal several messages per context); the service
 * seals exactly one message per context, through seal() below.
 * @param {Uint8Array} pkRm
 * @param {Uint8Array} info
 * @param {{ephemeralKeyPair?: CryptoKeyPair}} [opts] FOR TESTS ONLY (see seal())
 */
export async function setupBaseS(pkRm, info, { ephemeralKeyPair } = {}) {
  const { sharedSecret, enc } = await encap(pkRm, ephemeralKeyPair);
  const ks = await keySchedule(sharedSecret, info);
  const aesKey = await subtle().importKey('raw', ks.key, 'AES-GCM', false, ['encrypt']);
  let seq = 0;
  return {
    enc,
    sharedSecret,
    ...ks,
    async seal(aad, pt) {
      if (seq >= 0xffffffff) throw new Error('hpke: message limit reached'); // §5.2
      const nonce = ks.baseNonce.slice();
      for (let i = 0, s = seq; i < 4; i++, s = Math.floor(s / 256)) nonce[N_N - 1 - i] ^= s & 0xff;
      seq += 1;
      const ct = await subtle().encrypt(
        { name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 },
        aesKey,
        pt,
      );
      return new Uint8Array(ct);
    },
  };
}

/**
 * Single-shot SealBase (RFC 9180 §6.1): `enc ‖ ct`, 65 + len(plaintext) + 16 bytes.
 * @param {Uint8Array} recipientPublic65 the round's sealing key (`seal_key.public`)
 * @param {Uint8Array} info use answerInfo(roundId)
 * @param {Uint8Array} plaintext use padAnswer(...)
 * @param {{aad?: Uint8Array, ephemeralKeyPair?: CryptoKeyPair}} [opts] FOR TESTS ONLY, to
 *   reproduce the RFC 9180 vectors. The protocol uses an empty aad (the server's one-shot
 *   decrypt has no aad), and a fixed ephemeral key would let anyone who knows it open the
 *   answer. Production calls pass neither; the ephemeral private key is then generated
 *   non-extractable and dropped after this call.
 * @returns {Promise<Uint8Array>}
 */
export async function seal(recipientPublic65, info, plaintext, { aad = EMPTY, ephemeralKeyPair } = {}) {
  const ctx = await setupBaseS(recipientPublic65, info, { ephemeralKeyPair });
  return concat(ctx.enc, await ctx.seal(aad, plaintext));
}

// ---------------------------------------------------------------------------------------
// The answer plaintext (DESIGN §6)

/**
 * info for sealing answers: "svy-ans-v1" NUL round_id (DESIGN §6).
 * @param {string} roundId lowercase letters and digits
 * @returns {Uint8Array}
 */
export function answerInfo(roundId) {
  if (typeof roundId !== 'string' || !/^[a-z0-9]+$/.test(roundId)) {
    throw new TypeError('answerInfo: round id must be lowercase letters and digits');
  }
  return utf8('svy-ans-v1\0' + roundId);
}

/** Replace lone UTF-16 surrogates by U+FFFD, so the JSON is valid UTF-8 for the server. */
function wellFormed(text) {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += ch.length === 1 && c >= 0xd800 && c <= 0xdfff ? '\ufffd' : ch;
  }
  return out;
}

/**
 * The sealed plaintext of DESIGN §6: `{"v": 1, "answers": {...}}` as UTF-8, padded with ASCII
 * spaces to the smallest of 4096 / 16384 / 65536 bytes, so the size says little.
 * The JSON is spelled like Python's `json.dumps(..., ensure_ascii=False)` (", " and ": "
 * separators, same escapes), so both sides produce the same bytes for the same answers.
 * @param {Object<string, string> | Map<string, string>} answers section id -> text
 * @returns {Uint8Array}
 * @throws {TypeError} for a non-string id or text; {RangeError} when over 65536 bytes.
 */
export function padAnswer(answers) {
  const entries = answers instanceof Map ? [...answers] : Object.entries(answers || {});
  const parts = entries.map(([id, text]) => {
    if (typeof id !== 'string' || typeof text !== 'string') {
      throw new TypeError('padAnswer: section ids and answers must be strings');
    }
    return JSON.stringify(wellFormed(id)) + ': ' + JSON.stringify(wellFormed(text));
  });
  const json = utf8('{"v": 1, "answers": {' + parts.join(', ') + '}}');
  const size = PADDED_SIZES.find((n) => n >= json.length);
  if (size === undefined) throw new RangeError('padAnswer: answer too long');
  const out = new Uint8Array(size).fill(0x20);
  out.set(json);
  return out;
}
