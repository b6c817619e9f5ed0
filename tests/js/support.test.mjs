import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkSupport, REASONS } from '../../survey/static/js/support.js';

/** A fake global object for a modern browser on https; override parts to simulate others. */
function browser(overrides = {}) {
  return {
    isSecureContext: true,
    crypto: { subtle: { importKey() {} }, getRandomValues() {} },
    BigInt,
    TextEncoder,
    TextDecoder,
    ...overrides,
  };
}

test('Node itself (WebCrypto, BigInt, TextEncoder) is supported', () => {
  assert.deepEqual(checkSupport(), { ok: true, reason: null });
  assert.deepEqual(checkSupport(browser()), { ok: true, reason: null });
});

test('plain http on a LAN address: crypto.subtle hidden -> insecure-context', () => {
  const g = browser({ isSecureContext: false, crypto: { getRandomValues() {} } });
  assert.deepEqual(checkSupport(g), { ok: false, reason: 'insecure-context' });
});

test('secure context without crypto.subtle (very old browser) -> no-webcrypto', () => {
  assert.equal(checkSupport(browser({ crypto: { getRandomValues() {} } })).reason, 'no-webcrypto');
  assert.equal(checkSupport(browser({ crypto: undefined })).reason, 'no-webcrypto');
  // Browsers predating isSecureContext are simply old.
  assert.equal(checkSupport(browser({ isSecureContext: undefined, crypto: undefined })).reason, 'no-webcrypto');
});

test('missing getRandomValues, BigInt or TextEncoder each have their own reason', () => {
  assert.equal(checkSupport(browser({ crypto: { subtle: { importKey() {} } } })).reason, 'no-random');
  assert.equal(checkSupport(browser({ BigInt: undefined })).reason, 'no-bigint');
  assert.equal(checkSupport(browser({ TextEncoder: undefined })).reason, 'no-textcoding');
  assert.equal(checkSupport(browser({ TextDecoder: undefined })).reason, 'no-textcoding');
});

test('every reason returned is listed in REASONS (the page translates them)', () => {
  const seen = [
    checkSupport(browser({ isSecureContext: false, crypto: undefined })),
    checkSupport(browser({ crypto: undefined })),
    checkSupport(browser({ crypto: { subtle: { importKey() {} } } })),
    checkSupport(browser({ BigInt: undefined })),
    checkSupport(browser({ TextEncoder: undefined })),
  ].map((r) => r.reason);
  assert.deepEqual(seen, [...REASONS]);
});

test('support.js avoids syntax that old browsers cannot parse (it must load to explain)', () => {
  const src = readFileSync(new URL('../../survey/static/js/support.js', import.meta.url), 'utf8');
  const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  assert.doesNotMatch(code, /\d+n\b/, 'BigInt literal');
  assert.doesNotMatch(code, /\?\.|\?\?/, 'optional chaining / nullish coalescing');
  assert.doesNotMatch(code, /\*\*/, 'exponent operator');
  assert.doesNotMatch(code, /^\s*import /m, 'imports (it must stand alone)');
});
