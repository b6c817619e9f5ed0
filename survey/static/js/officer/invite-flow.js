/**
 * The invitation page after the support check: from a link (or a typed code) to a token.
 *
 * Steps (DESIGN §3, §6): fetch the round's keys without any cookie, check them against the
 * round fingerprint, prepare and blind a token message, STORE the blinding state, send the
 * blinded message with the code, finalise (which verifies) the blind signature, keep token and
 * signature for this round, forget the code, and move to /a/<round> with location.replace.
 * @module officer/invite-flow
 */

import { b64uDecode, b64uEncode } from '../b64u.js';
import * as br from '../blindrsa.js';
import { fingerprintMatches, roundFingerprint } from '../fingerprint.js';
import * as store from './common.js';
import { ApiError, getKeys, postJson, showFailure, withRetries } from './common.js';
import { $, groupsOfFour, msg, showMessage, showView } from './page.js';

const ROUND_ID = /^[a-z0-9]{1,32}$/;
// 26 symbols of the code alphabet (no 0/o, 1/l/i); typed codes may have spaces, dashes, capitals.
const CODE = /^[abcdefghjkmnpqrstuvwxyz23456789]{26}$/;

export const normaliseCode = (text) => String(text || '').replace(/[\s-]+/g, '').toLowerCase();

/**
 * Entry point: `link` is what the fragment held ({r, c, fp}), already gone from the address
 * bar; `earlyKeys` the keys request the entry module started for it, if any.
 */
export async function run(link, earlyKeys) {
  if (!store.checkStorage()) return showFailure(new store.StorageUnavailable());
  if (link.r && link.c) return start(link, earlyKeys);
  const pending = findPendingIssuance();
  if (pending) return start(pending);
  return showForm(link.r || '');
}

/** A token request interrupted by a reload (the fragment is gone, the state is not). */
function findPendingIssuance() {
  for (let i = 0; i < localStorage.length; i++) {
    const match = /^svy:([a-z0-9]+):pending-token$/.exec(localStorage.key(i) || '');
    const pending = match && store.load(match[1], 'pending-token');
    if (pending && pending.code) return { r: match[1], c: pending.code, fp: pending.fp };
  }
  return null;
}

function showForm(roundId, problem) {
  $('f-round').value = roundId;
  $('form-error').textContent = problem || '';
  $('form-error').hidden = !problem;
  $('code-form').onsubmit = (event) => {
    event.preventDefault();
    const typed = readForm($('f-round').value, $('f-code').value);
    if (typeof typed === 'string') return showForm($('f-round').value, msg(typed));
    return start(typed);
  };
  showView('v-form');
}

/** {r, c, fp} from the two fields (the first may hold the whole link), or a message key. */
export function readForm(roundText, codeText) {
  let r = roundText.trim();
  let c = codeText;
  let fp = null;
  const hash = r.indexOf('#');
  if (hash >= 0) {
    const params = new URLSearchParams(r.slice(hash + 1));
    r = params.get('r') || '';
    c = c.trim() ? c : params.get('c') || '';
    fp = params.get('fp');
  }
  r = r.toLowerCase();
  if (!ROUND_ID.test(r)) return 'bad-round';
  if (!CODE.test(normaliseCode(c))) return 'bad-code';
  return { r, c: normaliseCode(c), fp };
}

async function start(link, earlyKeys) {
  showView('v-working');
  const roundId = link.r;
  let started = earlyKeys;
  let keys;
  try {
    keys = await withRetries(() => {
      const once = started;
      started = null;
      return getKeys(roundId, once);
    });
  } catch (err) {
    return showFailure(err, () => start(link));
  }
  if (keys.state !== 'collecting') return showClosed(roundId, link.c);
  if (store.load(roundId, 'answered') || store.load(roundId, 'token')) {
    return location.replace(`/a/${roundId}`); // that page says "already answered" or goes on
  }
  const spki = b64uDecode(keys.token_key.spki);
  const sealKey = b64uDecode(keys.seal_key.public);
  const fp = await roundFingerprint(spki, sealKey);
  if (link.fp) {
    if (!(await fingerprintMatches(link.fp, spki, sealKey))) return showMismatch();
    return issue(link, spki, fp);
  }
  return compareFingerprint(fp, () => issue(link, spki, fp));
}

/** A typed code has no fingerprint: the officer compares the slip's 16 digits. */
function compareFingerprint(fp, proceed) {
  $('fp-short').textContent = groupsOfFour(fp.slice(0, 16));
  $('fp-same').onclick = () => proceed();
  $('fp-differ').onclick = () => showMismatch();
  showView('v-compare');
}

function showMismatch() {
  showMessage({ title: msg('fp-mismatch-title'), lines: [msg('fp-mismatch')] });
}

async function issue(link, spki, fp) {
  showView('v-working');
  const pk = await br.importTokenKey(spki);
  let pending = store.load(link.r, 'pending-token');
  if (!pending || pending.code !== link.c || pending.fp !== fp) {
    const inputMsg = br.prepare(br.tokenMessage(link.r));
    const { blindedMsg, inv } = await br.blind(pk, inputMsg);
    pending = {
      code: link.c,
      fp,
      inputMsg: b64uEncode(inputMsg),
      blindedMsg: b64uEncode(blindedMsg),
      inv: inv.toString(16),
    };
    try {
      store.save(link.r, 'pending-token', pending); // before sending: a lost reply is retried
    } catch (err) {
      return showFailure(err);
    }
  }
  return obtainSignature(link.r, pending, pk);
}

async function obtainSignature(roundId, pending, pk) {
  showView('v-working');
  // The same bytes every time: a retry after a lost reply gets the same signature.
  const body = JSON.stringify({ invitation: pending.code, blinded_msg: pending.blindedMsg });
  let reply;
  try {
    reply = await withRetries(() => postJson(roundId, 'tokens', body));
  } catch (err) {
    return tokenRefused(roundId, pending, err, () => obtainSignature(roundId, pending, pk));
  }
  let signature;
  try {
    const inv = BigInt(`0x${pending.inv}`);
    signature = await br.finalize(pk, b64uDecode(pending.inputMsg), b64uDecode(reply.blind_sig), inv);
  } catch {
    store.drop(roundId, 'pending-token');
    return showMessage({ title: msg('bad-reply-title'), lines: [msg('bad-reply')] });
  }
  store.save(roundId, 'token', { token: pending.inputMsg, signature: b64uEncode(signature), fp: pending.fp });
  store.drop(roundId, 'pending-token'); // the invitation code leaves this phone's storage
  performance.mark('svy-token-stored');
  location.replace(`/a/${roundId}`);
}

function tokenRefused(roundId, pending, err, retry) {
  if (err instanceof ApiError && err.status === 410) return showClosed(roundId, pending.code);
  if (err instanceof ApiError && err.code === 'unknown_invitation') {
    store.drop(roundId, 'pending-token');
    return showForm(roundId, msg('unknown-invitation')); // most likely mistyped: type it again
  }
  if (err instanceof ApiError && err.status !== 429) store.drop(roundId, 'pending-token');
  return showFailure(err, retry);
}

/** After close the link still answers: was this invitation used (by me, or in my place)? */
async function showClosed(roundId, code) {
  store.wipeRound(roundId); // drafts and markers do not outlive collection (DESIGN §3)
  const lines = [msg('closed')];
  if (code) {
    try {
      const body = JSON.stringify({ invitation: code });
      const status = await withRetries(() => postJson(roundId, 'invitation-status', body));
      if (status.reissued) lines.push(msg('status-reissued'));
      else lines.push(msg(status.used ? 'status-used' : 'status-unused'));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'unknown_invitation') {
        lines.push(msg('unknown-invitation'));
      } else {
        lines.push(msg('status-unavailable'));
      }
    }
  }
  showMessage({ title: msg('closed-title'), lines, kind: 'info' });
}
