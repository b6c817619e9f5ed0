/**
 * Feature check for the officer page, run before the crypto modules are loaded.
 *
 * This file deliberately uses only old syntax (no BigInt literals, no `?.`, no `**`) so that
 * it still parses on the browsers it has to turn away; blindrsa.js would not even load there.
 * The page imports this first, and only imports blindrsa.js / hpke.js when `ok` is true.
 * @module support
 */

/**
 * Reason codes, most fundamental first. The page translates them; the common advice for all
 * of them is "needs HTTPS and a browser from the last five years".
 * - `insecure-context`: the page is not a secure context (plain http on a non-localhost
 *   address), so browsers hide `crypto.subtle`.
 * - `no-webcrypto`: secure context, but no `crypto.subtle` (a very old browser).
 * - `no-random`: no `crypto.getRandomValues`, so no blinding factor or nonce can be drawn.
 * - `no-bigint`: no BigInt, needed for the RSA blinding arithmetic.
 * - `no-textcoding`: no TextEncoder/TextDecoder, needed to encode answers as UTF-8.
 */
export const REASONS = Object.freeze([
  'insecure-context',
  'no-webcrypto',
  'no-random',
  'no-bigint',
  'no-textcoding',
]);

/**
 * Check that this browser can obtain a token and seal an answer.
 * @param {object} [g=globalThis] the global object; injectable so tests can simulate old
 *   browsers and plain-http pages.
 * @returns {{ok: true, reason: null} | {ok: false, reason: string}} `reason` is one of REASONS.
 */
export function checkSupport(g) {
  if (g === undefined) g = globalThis;
  const c = g.crypto;
  const hasSubtle = !!(c && c.subtle && typeof c.subtle.importKey === 'function');
  if (!hasSubtle) {
    // Browsers expose crypto.subtle only in secure contexts (https, localhost), so a missing
    // subtle on an insecure page means "use the https link", not "get a new phone".
    const insecure = g.isSecureContext === false;
    return fail(insecure ? 'insecure-context' : 'no-webcrypto');
  }
  if (typeof c.getRandomValues !== 'function') return fail('no-random');
  if (typeof g.BigInt !== 'function') return fail('no-bigint');
  if (typeof g.TextEncoder !== 'function' || typeof g.TextDecoder !== 'function') {
    return fail('no-textcoding');
  }
  return { ok: true, reason: null };
}

function fail(reason) {
  return { ok: false, reason: reason };
}
