/**
 * Sealing and sending an answer (DESIGN §3, §6), loaded with the review step (review.js), so it
 * does not weigh on the way to the answer page (DESIGN §5).
 * @module officer/send
 */

import { b64uDecode, b64uEncode } from '../b64u.js';
import { answerInfo, padAnswer, seal } from '../hpke.js';
import { showDone } from './answer-flow.js';
import * as store from './common.js';
import { ApiError, NetworkError, postJson, showFailure, withRetries } from './common.js';
import { msg, showMessage, showView } from './page.js';

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
    const again = () => sealAndSend(keys, roundId, token, answers, paddedAlready);
    return showFailure(err, err instanceof NetworkError ? again : undefined);
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

