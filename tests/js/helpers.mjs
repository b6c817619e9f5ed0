// Shared helpers for the Node tests of survey/static/js (not a test file itself).
import { readFileSync } from 'node:fs';

export const JS = new URL('../../survey/static/js/', import.meta.url);
const VECTORS = new URL('../data/vectors/', import.meta.url);

/** Load one of the official vector files in tests/data/vectors. */
export function loadVectors(name) {
  return JSON.parse(readFileSync(new URL(name, VECTORS), 'utf8'));
}

/** SPKI DER for an RSA public key given as BigInts, produced by WebCrypto itself. */
export async function rsaSpki(n, e) {
  const { b64uEncode, fromHex } = await import(new URL('b64u.js', JS));
  const hexOf = (x) => {
    const h = x.toString(16);
    return h.length % 2 ? '0' + h : h;
  };
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'RSA', n: b64uEncode(fromHex(hexOf(n))), e: b64uEncode(fromHex(hexOf(e))), ext: true },
    { name: 'RSA-PSS', hash: 'SHA-384' },
    true,
    ['verify'],
  );
  return new Uint8Array(await crypto.subtle.exportKey('spki', key));
}

/** A fresh RSA key: {spki, n, e, d} (BigInts), for round trips with a test signer. */
export async function generateRsa(bits = 2048) {
  const { b64uDecode, toHex } = await import(new URL('b64u.js', JS));
  const kp = await crypto.subtle.generateKey(
    { name: 'RSA-PSS', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' },
    true,
    ['sign', 'verify'],
  );
  const jwk = await crypto.subtle.exportKey('jwk', kp.privateKey);
  const big = (s) => BigInt('0x' + toHex(b64uDecode(s)));
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', kp.publicKey));
  return { spki, n: big(jwk.n), e: big(jwk.e), d: big(jwk.d) };
}
