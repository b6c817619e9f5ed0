/**
 * Byte helpers shared by the crypto modules: base64url, hex, concatenation, UTF-8.
 *
 * Written out by hand (no atob/btoa) so the decoder can be strict: DESIGN §6 says binary
 * values are base64url and decoders accept them with or without `=` padding. Anything else
 * (standard-alphabet `+` `/`, whitespace, wrong padding, impossible lengths, non-zero
 * trailing bits) is refused, so every value has exactly one accepted spelling.
 * @module b64u
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/**
 * Encode bytes as base64url without padding (the form the server emits).
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function b64uEncode(bytes) {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63];
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63];
  }
  return out;
}

/**
 * Decode base64url, with or without `=` padding (DESIGN §6).
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {TypeError} on a bad character, bad padding, an impossible length or non-zero
 *   trailing bits.
 */
export function b64uDecode(text) {
  if (typeof text !== 'string') throw new TypeError('b64u: expected a string');
  let s = text;
  if (s.length % 4 === 0 && s.endsWith('=')) {
    // Padding is only allowed as the complete group the encoder would have written.
    s = s.endsWith('==') ? s.slice(0, -2) : s.slice(0, -1);
  }
  const rem = s.length % 4;
  if (rem === 1) throw new TypeError('b64u: impossible length');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) throw new TypeError('b64u: bad character at ' + i);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) throw new TypeError('b64u: non-zero trailing bits');
  return out;
}

/**
 * Lowercase hex (DESIGN §6: hex is lowercase).
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toHex(bytes) {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

/**
 * Decode hex (either case, so test vectors can be pasted as they are).
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {TypeError} on odd length or a non-hex character.
 */
export function fromHex(text) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new TypeError('hex: expected an even number of hex digits');
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
  return out;
}

/**
 * Concatenate byte arrays into a new Uint8Array.
 * @param {...Uint8Array} parts
 * @returns {Uint8Array}
 */
export function concat(...parts) {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * UTF-8 encode. Lone surrogates become U+FFFD (TextEncoder's rule), never invalid bytes.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function utf8(text) {
  return new TextEncoder().encode(text);
}

/**
 * Strict UTF-8 decode: invalid bytes throw instead of turning into U+FFFD.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function utf8Decode(bytes) {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * Constant-structure comparison of two byte arrays (no early exit).
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
