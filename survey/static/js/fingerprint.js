/**
 * Round fingerprint (DESIGN §3, key consistency): SHA-256(token key SPKI DER ‖ sealing public
 * key, 65 bytes), lowercase hex. It travels in the invitation link and is printed on slips, so
 * a server handing one officer different keys (to tag them) is caught by the page.
 * @module fingerprint
 */

import { concat, toHex } from './b64u.js';

/**
 * @param {Uint8Array} spkiBytes token key, SubjectPublicKeyInfo DER, as served
 * @param {Uint8Array} seal65 sealing public key, 65-byte uncompressed P-256 point
 * @returns {Promise<string>} 64 lowercase hex digits
 */
export async function roundFingerprint(spkiBytes, seal65) {
  if (seal65.length !== 65) throw new TypeError('roundFingerprint: sealing key must be 65 bytes');
  const digest = await globalThis.crypto.subtle.digest('SHA-256', concat(spkiBytes, seal65));
  return toHex(new Uint8Array(digest));
}

/**
 * Compare served keys with the fingerprint from the link (or typed from a slip).
 * Case and spaces are ignored. Either the full 64 hex digits or the slip's short form (the
 * first 16) is accepted; any other length never matches.
 * @param {string} expected fingerprint, or its first 16 hex digits
 * @param {Uint8Array} spkiBytes
 * @param {Uint8Array} seal65
 * @returns {Promise<boolean>}
 */
export async function fingerprintMatches(expected, spkiBytes, seal65) {
  const want = String(expected).replace(/\s+/g, '').toLowerCase();
  if (want.length !== 16 && want.length !== 64) return false;
  if (!/^[0-9a-f]+$/.test(want)) return false;
  const got = await roundFingerprint(spkiBytes, seal65);
  return got.startsWith(want);
}
