/**
 * The answer page after the support check: load the round, then write → review → seal and send.
 *
 * The page is the same for every officer; what makes it theirs is the token that the
 * invitation page left in this browser's localStorage.
 * @module officer/answer-flow
 */

import { b64uDecode, b64uEncode } from '../b64u.js';
import { fingerprintMatches } from '../fingerprint.js';
import { answerInfo, padAnswer, seal } from '../hpke.js';
import { showForm, showReview } from './answer-form.js';
import * as store from './common.js';
import { ApiError, NetworkError, getKeys, postJson, showFailure, withRetries } from './common.js';
import { $, groupsOfFour, langQuery, msg, showMessage, showView } from './page.js';

export function roundIdFromPath(path) {
  const match = /^\/a\/([a-z0-9]{1,32})\/?$/.exec(path);
  return match ? match[1] : null;
}

/** `handoff`: a token brought by a 「在其他设备继续」 link ({token, signature, fp}), or null. */
export async function run(handoff) {
  const roundId = roundIdFromPath(location.pathname);
  if (!roundId) return showFailure(new ApiError(404, 'unknown_round'));
  if (!store.checkStorage()) return showFailure(new store.StorageUnavailable());
  if (handoff) adoptHandoff(roundId, handoff);
  store.forgetClosedRounds(roundId); // what other rounds left here, once they closed
  showView('v-loading');
  let keys;
  try {
    keys = await withRetries(() => getKeys(roundId));
  } catch (err) {
    return showFailure(err, () => run(null));
  }
  if (keys.state !== 'collecting') return roundClosed(roundId, keys);
  watchForClose(roundId, keys.deadline);
  const answered = store.load(roundId, 'answered');
  if (answered && answered.receipt) return showDone(roundId, answered.receipt, false);
  const token = store.load(roundId, 'token');
  if (!token || !token.token || !token.signature) {
    return showMessage({ title: msg('no-token-title'), lines: [msg('no-token')], kind: 'info' });
  }
  const spki = b64uDecode(keys.token_key.spki);
  if (!(await fingerprintMatches(token.fp, spki, b64uDecode(keys.seal_key.public)))) {
    return showMessage({ title: msg('fp-mismatch-title'), lines: [msg('fp-mismatch')] });
  }
  const pending = store.load(roundId, 'pending-answer');
  if (pending && pending.body) return send(roundId, pending.body); // sealed earlier: resend as is
  return write(keys, roundId, token);
}

const B64U = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Keep a token brought from another device, unless this browser already sent an answer or holds
 * a sealed one (which was made with its own token and must be sent as it is).
 */
function adoptHandoff(roundId, handoff) {
  if (!B64U.test(handoff.token) || !B64U.test(handoff.signature)) return;
  if (!/^[0-9a-f]{64}$/.test(handoff.fp)) return;
  if (store.load(roundId, 'answered') || store.load(roundId, 'pending-answer')) return;
  store.save(roundId, 'token', { token: handoff.token, signature: handoff.signature, fp: handoff.fp });
}

function write(keys, roundId, token) {
  if (keys.kind === 'consultation') return consult(keys, roundId, token);
  $('handoff-open').onclick = async () => {
    const { showHandoff } = await import('./handoff.js');
    showHandoff(roundId, token, () => write(keys, roundId, token));
  };
  showForm(keys, roundId, (answers) =>
    showReview(keys, answers, {
      onSend: () => sealAndSend(keys, roundId, token, answers),
      onEdit: () => write(keys, roundId, token),
    }),
  );
}

/**
 * Topics of a consultation (DESIGN §6): the same token, sealing and sending, another plaintext.
 * Loaded only here, so an answer round's page carries none of it.
 */
async function consult(keys, roundId, token) {
  const { showConsultation } = await import('./consult-form.js');
  showConsultation(keys, roundId, (padded) => sealAndSend(keys, roundId, token, null, padded));
}

/**
 * The round no longer collects: wipe what this phone kept for it (DESIGN §3). An answer that was
 * sealed but never confirmed is sent once more first: an identical retry of an answer that did
 * arrive is still answered with its receipt after close.
 */
async function roundClosed(roundId, keys) {
  const pending = store.load(roundId, 'pending-answer');
  let receipt = null;
  if (pending && pending.body && keys.state === 'closed') {
    try {
      receipt = (await withRetries(() => postJson(roundId, 'answers', pending.body))).receipt;
    } catch {
      receipt = null;
    }
  }
  store.wipeRound(roundId);
  const lines = [msg('closed'), msg('closed-wiped')];
  if (receipt) lines.push(msg('closed-but-received'));
  showMessage({ title: msg('closed-title'), lines, receipt: receipt && shortReceipt(receipt), kind: 'info' });
}

/**
 * A page left open must not keep drafts past the close either: look again when the officer comes
 * back to it, and at the deadline.
 */
function watchForClose(roundId, deadline) {
  let closed = false;
  const check = async () => {
    if (closed || document.visibilityState !== 'visible') return;
    try {
      const keys = await getKeys(roundId);
      if (keys.state !== 'collecting' && !closed) {
        closed = true;
        roundClosed(roundId, keys);
      }
    } catch {
      // offline: the next visit asks again
    }
  };
  document.addEventListener('visibilitychange', check);
  window.addEventListener('pageshow', (event) => event.persisted && check());
  const wait = deadline ? Date.parse(deadline) - Date.now() + 2000 : NaN;
  if (wait > 0 && wait < 2 ** 31) setTimeout(check, wait);
}

// ---------------------------------------------------------------------------------------
// Sealing and sending (DESIGN §3, §6). The exact request body is stored BEFORE it is sent;
// after a network failure the same bytes go again, and the server answers an identical retry
// with 201 and the same receipt. On success only the receipt stays.

const RECEIPT = /^[0-9a-f]{64}$/;

/** Seal `answers` with the stored token, keep the request, send it. */
export async function sealAndSend(keys, roundId, token, answers, paddedAlready = null) {
  showView('v-sending');
  let body;
  try {
    // The smallest of 4096 / 16384 / 65536 bytes that fits (a consultation pads its own).
    const padded = paddedAlready || padAnswer(answers);
    const sealed = await seal(b64uDecode(keys.seal_key.public), answerInfo(roundId), padded);
    body = JSON.stringify({ token: token.token, signature: token.signature, sealed: b64uEncode(sealed) });
    store.save(roundId, 'pending-answer', { body });
  } catch (err) {
    return showFailure(err);
  }
  return send(roundId, body);
}

let sending = false;

/** Send a stored request body; used again, unchanged, for every retry. */
export async function send(roundId, body) {
  if (sending) return undefined;
  sending = true;
  showView('v-sending');
  let reply;
  try {
    reply = await withRetries(() => postJson(roundId, 'answers', body));
  } catch (err) {
    return sendFailed(roundId, body, err);
  } finally {
    sending = false;
  }
  if (!RECEIPT.test(String(reply.receipt))) {
    return sendFailed(roundId, body, new NetworkError('no receipt in the reply'));
  }
  store.save(roundId, 'answered', { receipt: reply.receipt });
  store.drop(roundId, 'token', 'draft', 'pending-answer');
  return showDone(roundId, reply.receipt, true);
}

function sendFailed(roundId, body, err) {
  const retry = () => send(roundId, body);
  if (err instanceof NetworkError) {
    // Connected again: try at once (the button stays for those who tap first).
    window.addEventListener('online', retry, { once: true });
    return showFailure(err, retry, 'offline-answer');
  }
  if (err instanceof ApiError && err.status === 410) {
    store.wipeRound(roundId);
    return showMessage({ title: msg('closed-title'), lines: [msg('closed-before-sent')], kind: 'info' });
  }
  if (err instanceof ApiError && err.status !== 429) {
    // Refused for good (token spent or not accepted): nothing here can be sent any more.
    store.drop(roundId, 'token', 'pending-answer');
  }
  return showFailure(err, err instanceof ApiError && err.status === 429 ? retry : undefined);
}

/** The receipt (its first 16 digits; the board lists it whole), the board, what happens next. */
export function showDone(roundId, receipt, justNow) {
  $('done-title').textContent = msg(justNow ? 'done-now' : 'done-before');
  $('receipt').textContent = shortReceipt(receipt);
  $('receipt').dataset.receipt = receipt;
  $('board-link').href = `/r/${encodeURIComponent(roundId)}${langQuery()}`;
  showView('v-done');
}

/** `3f2a 9c01 77de 0b41`: what an officer looks for on the board. */
export const shortReceipt = (receipt) => groupsOfFour(receipt.slice(0, 16));
