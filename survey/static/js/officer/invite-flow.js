/**
 * The invitation page after the support check: from a link (or a typed code) to a token.
 *
 * Steps (DESIGN §3, §6): fetch the round's keys without any cookie and, in parallel, the
 * invitation status; check the keys against the round fingerprint; show whether this invitation
 * was used and who takes part (after close: whose invitation was used), so nobody's invitation
 * is used in their place unnoticed. Only when the officer taps "start": prepare and blind a
 * token message, STORE the blinding state, send the blinded message with the code, finalise
 * (which verifies) the blind signature, keep token and signature for this round, forget the
 * code, and move to /a/<round> with location.replace.
 * @module officer/invite-flow
 */

import { b64uDecode, b64uEncode } from '../b64u.js';
import * as br from '../blindrsa.js';
import { fingerprintMatches, roundFingerprint } from '../fingerprint.js';
import * as store from './common.js';
import { ApiError, getKeys, postJson, showFailure, withRetries } from './common.js';
import { $, langQuery, msg, showMessage, showView } from './page.js';

/**
 * Entry point: `link` is what the fragment held ({r, c, fp}), already gone from the address
 * bar; `earlyKeys` the keys request the entry module started for it, if any.
 */
export async function run(link, earlyKeys) {
  if (!store.checkStorage()) return showFailure(new store.StorageUnavailable());
  const next = link.r && link.c ? link : findPendingIssuance();
  store.forgetClosedRounds(next && next.r); // what other rounds left here, once they closed
  if (next) return start(next, next === link ? earlyKeys : null);
  return showForm(link.r || '');
}

/** The form for a code typed by hand (from typed.js, loaded only on that path). */
async function showForm(roundId, problem) {
  const typed = await import('./typed.js');
  return typed.showForm(roundId, problem);
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

let fetchedKeys = null; // the round's keys, handed to the answer page

/** Go to the answer page, in the language this page was asked in (?lang= is kept). */
function toAnswerPage(roundId) {
  if (fetchedKeys && fetchedKeys.round_id === roundId) store.passKeys(roundId, fetchedKeys);
  location.replace(`/a/${roundId}${langQuery()}`);
}

export async function start(link, earlyKeys) {
  showView('v-working');
  const roundId = link.r;
  const status = askStatus(roundId, link.c); // in parallel with the keys
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
  if (keys.state !== 'collecting') return showClosed(roundId, status);
  fetchedKeys = keys;
  const spki = b64uDecode(keys.token_key.spki);
  const sealKey = b64uDecode(keys.seal_key.public);
  const fp = await roundFingerprint(spki, sealKey);
  const pending = store.load(roundId, 'pending-token');
  // A tap on "start" whose reply was lost goes on by itself; otherwise the officer decides.
  const proceed = () =>
    pending && pending.code === link.c
      ? issue(link, spki, fp)
      : showInvitation(link, status, () => issue(link, spki, fp));
  if (link.fp) {
    if (!(await fingerprintMatches(link.fp, spki, sealKey))) return showMismatch();
    return proceed();
  }
  return (await import('./typed.js')).compareFingerprint(fp, proceed);
}

/** The invitation-status reply, or the error that stopped it (never throws). */
function askStatus(roundId, code) {
  const body = JSON.stringify({ invitation: code });
  return withRetries(() => postJson(roundId, 'invitation-status', body)).catch((err) => err);
}

/** While collecting: was it used, who takes part, and the button that takes the token. */
async function showInvitation(link, asked, begin) {
  const roundId = link.r;
  const status = await asked;
  if (status instanceof ApiError && status.code === 'unknown_invitation') {
    return showForm(roundId, msg('unknown-invitation')); // most likely mistyped: type it again
  }
  if (status.participation) return showClosed(roundId, asked); // it closed meanwhile
  const button = $('iv-start');
  let own = 'status-unused-yet';
  let action = begin;
  if (store.load(roundId, 'answered') || store.load(roundId, 'token')) {
    own = 'status-here';
    button.textContent = msg('continue');
    action = () => toAnswerPage(roundId);
  } else if (status instanceof Error) {
    own = 'status-unavailable';
  } else if (status.reissued || status.used) {
    own = status.reissued ? 'status-reissued' : 'status-used-elsewhere';
    action = null;
  }
  button.hidden = !action;
  button.onclick = action;
  // Inside WeChat: the token stays in the browser that takes it, so say where to finish first.
  $('iv-wechat').hidden = !(action === begin && /MicroMessenger/i.test(navigator.userAgent));
  return showPeople([msg(own)], status);
}

/** The own-status lines and the participant list (names; after close, used or not). */
function showPeople(lines, status) {
  const own = $('iv-own');
  own.textContent = '';
  for (const line of lines) own.appendChild(document.createElement('p')).textContent = line;
  const people = status.participation || (status.participants || []).map((name) => ({ name }));
  const list = $('iv-people');
  list.textContent = '';
  for (const person of people) {
    const item = list.appendChild(document.createElement('li'));
    item.textContent = person.name;
    if ('used' in person) {
      const mark = item.appendChild(document.createElement('span'));
      mark.className = 'o-used';
      mark.textContent = msg(person.used ? 'used' : 'unused');
    }
  }
  const used = people.filter((person) => person.used).length;
  const title = $('iv-people-title');
  title.textContent = msg(status.participation ? 'people-used' : 'people', { n: people.length, used });
  title.hidden = !people.length;
  showView('v-invite');
}

export function showMismatch() {
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
  toAnswerPage(roundId);
}

function tokenRefused(roundId, pending, err, retry) {
  if (err instanceof ApiError && err.status === 410) {
    return showClosed(roundId, askStatus(roundId, pending.code));
  }
  if (err instanceof ApiError && err.code === 'unknown_invitation') {
    store.drop(roundId, 'pending-token');
    return showForm(roundId, msg('unknown-invitation')); // most likely mistyped: type it again
  }
  if (err instanceof ApiError && err.status !== 429) store.drop(roundId, 'pending-token');
  return showFailure(err, retry);
}

/** After close the link still answers: was this invitation used (by me, or in my place)? */
async function showClosed(roundId, asked) {
  store.wipeRound(roundId); // drafts and markers do not outlive collection (DESIGN §3)
  const status = await asked;
  const lines = [msg('closed')];
  if (status instanceof ApiError && status.code === 'unknown_invitation') {
    lines.push(msg('unknown-invitation'));
  } else if (status instanceof Error) {
    lines.push(msg('status-unavailable'));
  } else if (status.reissued) {
    lines.push(msg('status-reissued'));
  } else {
    lines.push(msg(status.used ? 'status-used' : 'status-unused'));
  }
  $('iv-title').textContent = msg('closed-title');
  $('iv-start').hidden = true;
  $('iv-wechat').hidden = true;
  return showPeople(lines, status);
}
