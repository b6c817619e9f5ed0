/**
 * The answer page after the support check: load the round, then write: the round's header,
 * one textarea per section with a character counter (Unicode code points, as the server counts
 * `max_chars`), drafts saved on this phone as the officer types. The review step (review.js)
 * and sealing and sending (send.js) load once the officer starts typing.
 *
 * The page is the same for every officer; what makes it theirs is the token that the
 * invitation page left in this browser's localStorage.
 * @module officer/answer-flow
 */

import { b64uDecode } from '../b64u.js';
import { fingerprintMatches } from '../fingerprint.js';
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
  // The keys the invitation page fetched a moment ago, if it just sent us here; else ask.
  let keys = store.takePassedKeys(roundId);
  try {
    keys = keys || (await withRetries(() => getKeys(roundId)));
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
  if (pending && pending.body) return sendLater(roundId, pending.body); // sealed earlier: as is
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

/**
 * A module the page needs only after the officer starts writing; a failed load (offline) is a
 * NetworkError, so the officer gets the offline message and a retry, and the draft stays.
 */
export function later(load) {
  return load().catch(() => {
    throw new NetworkError('module not loaded');
  });
}

const loadReview = () => later(() => import('./review.js')); // with hpke.js and send.js
const loadSending = () => later(() => import('./send.js'));

/** Send an answer sealed earlier (kept on this phone), once the sending code is here. */
async function sendLater(roundId, body) {
  let sending;
  try {
    sending = await loadSending();
  } catch (err) {
    return showFailure(err, () => sendLater(roundId, body), 'offline-answer');
  }
  return sending.send(roundId, body);
}

function write(keys, roundId, token) {
  if (keys.kind === 'consultation') return consult(keys, roundId, token);
  const again = () => write(keys, roundId, token);
  $('handoff-open').onclick = async () => {
    const { showHandoff } = await import('./handoff.js');
    showHandoff(roundId, token, again);
  };
  // Fetch the review and sealing code while the officer types, not before.
  $('sections').addEventListener('input', () => loadReview().catch(() => {}), { once: true });
  showForm(keys, roundId, async (answers) => {
    let review;
    try {
      review = await loadReview();
    } catch (err) {
      return showFailure(err, again);
    }
    return review.showReview(keys, answers, {
      onSend: async () => (await loadSending()).sealAndSend(keys, roundId, token, answers),
      onEdit: again,
    });
  });
}

/**
 * Topics of a consultation (DESIGN §6): the same token, sealing and sending, another plaintext.
 * Loaded only here, so an answer round's page carries none of it.
 */
async function consult(keys, roundId, token) {
  try {
    await (await later(() => import('./parts.js'))).addPagePart('/consultation-parts');
  } catch (err) {
    return showFailure(err, () => consult(keys, roundId, token));
  }
  const { showConsultation } = await import('./consult-form.js');
  showConsultation(keys, roundId, async (padded) =>
    (await loadSending()).sealAndSend(keys, roundId, token, null, padded),
  );
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

// ---------------------------------------------------------------------------------------
// Writing

/** Length in code points: an emoji or a rare character is one character, as on the server. */
export const codePoints = (text) => [...text].length;

/** The round's title, deadline and intro (text only: nothing from the server becomes HTML). */
export function renderHeader(keys) {
  $('r-title').textContent = keys.title || '';
  document.title = keys.title || document.title;
  const deadline = typeof keys.deadline === 'string' ? keys.deadline : '';
  $('r-deadline').hidden = !deadline;
  // The server sends local time in the branch's zone: show it as written, to the minute.
  $('r-deadline-value').textContent = deadline.slice(0, 16).replace('T', ' ');
  $('r-intro').textContent = keys.intro || '';
  $('r-intro').hidden = !keys.intro;
}

/**
 * Build the form once and show it.
 * @param {object} keys the round's keys document
 * @param {string} roundId
 * @param {(answers: Object<string, string>) => void} onReview called with the non-empty answers
 */
export function showForm(keys, roundId, onReview) {
  renderHeader(keys);
  const box = $('sections');
  if (!box.dataset.built) {
    buildFields(box, keys, roundId);
    box.dataset.built = '1';
  }
  $('answer-form').onsubmit = (event) => {
    event.preventDefault();
    const answers = collect(keys);
    if (answers) onReview(answers);
  };
  showView('v-write');
}

function buildFields(box, keys, roundId) {
  const draft = loadDraft(roundId);
  keys.sections.forEach((section, index) => {
    const field = document.createElement('div');
    field.className = 'o-field';
    const label = document.createElement('label');
    label.htmlFor = `a-${index}`;
    label.textContent = section.title;
    const area = document.createElement('textarea');
    area.id = `a-${index}`;
    area.rows = 6;
    area.dataset.section = section.id;
    area.value = typeof draft[section.id] === 'string' ? draft[section.id] : '';
    area.setAttribute('aria-describedby', `n-${index}`);
    const counter = document.createElement('p');
    counter.id = `n-${index}`;
    counter.className = 'o-counter';
    field.append(label, area, counter);
    box.append(field);
    const update = () => updateCounter(area, counter, keys.max_chars);
    area.addEventListener('input', () => {
      update();
      saveDraft(roundId, section.id, area.value);
    });
    update();
  });
}

function updateCounter(area, counter, max) {
  const n = codePoints(area.value);
  const over = n > max;
  counter.textContent = over
    ? msg('counter-over', { n, max, over: n - max })
    : msg('counter', { n, max });
  counter.classList.toggle('o-over', over);
  area.setAttribute('aria-invalid', over ? 'true' : 'false');
}

function loadDraft(roundId) {
  const draft = store.load(roundId, 'draft');
  return draft && typeof draft === 'object' ? draft : {};
}

function saveDraft(roundId, sectionId, text) {
  const draft = loadDraft(roundId);
  draft[sectionId] = text;
  try {
    store.save(roundId, 'draft', draft);
    $('draft-error').hidden = true;
  } catch {
    $('draft-error').hidden = false; // storage full or refused: say so, keep typing
  }
}

/** The non-empty answers, or null (and the first field over its limit focused). */
function collect(keys) {
  const answers = {};
  for (const area of $('sections').querySelectorAll('textarea')) {
    if (codePoints(area.value) > keys.max_chars) {
      area.focus();
      return null;
    }
    const text = area.value.trim();
    if (text) answers[area.dataset.section] = text;
  }
  return answers;
}

