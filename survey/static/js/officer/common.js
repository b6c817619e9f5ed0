/**
 * What both officer pages share, once the support check has passed: what the browser keeps
 * (localStorage), how it talks to the API (no cookie, no Referer, no cache), and how a failure
 * becomes a clear message.
 *
 * Kept in localStorage under `svy:<round>:<kind>`:
 * - `pending-token`  {code, fp, inputMsg, blindedMsg, inv}: written BEFORE the blinded message
 *   is sent, so a lost reply is retried with the same blinded message (DESIGN §3);
 * - `token`          {token, signature, fp}: the finalised token (the code is gone by then);
 * - `draft`          {sectionId: text}: saved as the officer types;
 * - `pending-answer` {body}: the exact request body, written BEFORE it is sent, so a retry
 *   after a network failure is byte for byte identical (the server answers 201 again);
 * - `answered`       {receipt}: the only thing left after success, wiped when the round closes;
 * - `passed-keys`    {at, keys}: the round's public keys, handed from the invitation page to the
 *   answer page it opens next (read once, within a minute), so they travel once.
 *
 * Everything kept for a round is wiped as soon as a page learns that the round closed: on the
 * round's own pages, and on any visit to an officer page for another round (DESIGN §3).
 * @module officer/common
 */

import { msg, showMessage } from './page.js';

// ---------------------------------------------------------------------------------------
// Storage

const PREFIX = 'svy:';
export const KINDS = Object.freeze([
  'pending-token',
  'token',
  'draft',
  'pending-answer',
  'answered',
  'passed-keys',
]);

/** Raised when the browser refuses to keep data (storage disabled or full). */
export class StorageUnavailable extends Error {}

const keyOf = (roundId, kind) => `${PREFIX}${roundId}:${kind}`;

function storage() {
  try {
    const s = globalThis.localStorage;
    if (!s) throw new Error('no localStorage');
    return s;
  } catch (err) {
    throw new StorageUnavailable(String(err && err.message));
  }
}

/** The stored value, or null (also for unreadable leftovers). */
export function load(roundId, kind) {
  const text = storage().getItem(keyOf(roundId, kind));
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Store a value; throws StorageUnavailable when the browser refuses. */
export function save(roundId, kind, value) {
  try {
    storage().setItem(keyOf(roundId, kind), JSON.stringify(value));
  } catch (err) {
    throw new StorageUnavailable(String(err && err.message));
  }
}

export function drop(roundId, ...kinds) {
  const s = storage();
  for (const kind of kinds) s.removeItem(keyOf(roundId, kind));
}

/** Wipe everything this page keeps for a round (the round closed: DESIGN §3). */
export function wipeRound(roundId) {
  drop(roundId, ...KINDS);
}

/**
 * Ask about every other round this browser keeps something for, and wipe those that no longer
 * collect (or no longer exist). Runs beside the page's own work; failures wait for next time.
 */
export async function forgetClosedRounds(current) {
  const kept = new Set();
  const s = storage();
  for (let i = 0; i < s.length; i++) {
    const match = /^svy:([a-z0-9]{1,32}):/.exec(s.key(i) || '');
    if (match && match[1] !== current) kept.add(match[1]);
  }
  for (const roundId of kept) {
    try {
      if ((await getKeys(roundId)).state !== 'collecting') wipeRound(roundId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) wipeRound(roundId);
    }
  }
}

const PASSED_KEYS_MS = 60_000;

/** Hand the keys just fetched to the answer page this page opens next. */
export function passKeys(roundId, keys) {
  try {
    save(roundId, 'passed-keys', { at: Date.now(), keys });
  } catch {
    // then the answer page asks the server again
  }
}

/** The keys handed over by the invitation page a moment ago, or null; never read twice. */
export function takePassedKeys(roundId) {
  const passed = load(roundId, 'passed-keys');
  drop(roundId, 'passed-keys');
  const age = passed ? Date.now() - passed.at : Infinity;
  return age >= 0 && age < PASSED_KEYS_MS && passed.keys ? passed.keys : null;
}

/** Check once that storage works, so the officer learns it before typing anything. */
export function checkStorage() {
  const probe = `${PREFIX}probe`;
  try {
    storage().setItem(probe, '1');
    storage().removeItem(probe);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// The API (DESIGN §6)

/** fetch() failed (offline, connection reset, reply lost) or the server could not answer. */
export class NetworkError extends Error {}

/** The server answered with a protocol error: `status` and the API's `code`. */
export class ApiError extends Error {
  constructor(status, code) {
    super(`${status} ${code}`);
    this.status = status;
    this.code = code;
  }
}

// Every request of the officer pages: nothing that could identify the phone's user travels.
const QUIET = Object.freeze({ credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });

const roundUrl = (roundId, endpoint) =>
  `/api/v1/rounds/${encodeURIComponent(roundId)}/${endpoint}`;

async function call(url, init, started) {
  let response = null;
  try {
    response = started ? await started : null;
    response = response || (await fetch(url, { ...QUIET, ...init }));
  } catch {
    throw new NetworkError('fetch failed');
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null; // a cut reply or a proxy's error page
  }
  if (response.status >= 500 || body === null || typeof body !== 'object') {
    throw new NetworkError(`server answered ${response.status}`);
  }
  if (!response.ok) throw new ApiError(response.status, String(body.error || 'error'));
  return body;
}

/**
 * GET …/keys. `started`, when given, is the same request already on its way (a Promise of a
 * Response, or of null if it failed); it is used once, then forgotten.
 */
export function getKeys(roundId, started) {
  return call(roundUrl(roundId, 'keys'), { method: 'GET' }, started);
}

/**
 * POST a JSON body given as the exact text to send (so a retry sends the same bytes).
 * @param {string} roundId
 * @param {'tokens'|'answers'|'invitation-status'} endpoint
 * @param {string} bodyText
 */
export function postJson(roundId, endpoint, bodyText) {
  return call(roundUrl(roundId, endpoint), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: bodyText,
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `attempt` again after a NetworkError (or 429), waiting a little longer each time; the
 * caller makes `attempt` send the same bytes each time. Other errors are thrown at once.
 */
export async function withRetries(attempt, delays = [700, 1500]) {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const retriable = err instanceof NetworkError || (err instanceof ApiError && err.status === 429);
      if (!retriable || i >= delays.length) throw err;
      await sleep(delays[i]);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Failures

// API error codes (DESIGN §6) and the message each one gets; the rest are "generic".
const BY_CODE = Object.freeze({
  unknown_round: 'unknown-round',
  round_not_collecting: 'closed',
  invitation_used: 'invitation-used',
  invitation_reissued: 'invitation-reissued',
  unknown_invitation: 'unknown-invitation',
  token_spent: 'token-spent',
  answer_duplicate: 'answer-duplicate',
  bad_signature: 'token-refused',
  wrong_round: 'token-refused',
  too_large: 'too-long',
});

/**
 * Show the message for `err`. `retry`, when given, is offered for failures where trying again
 * can help (no network, a busy server); `offlineKey` names the offline text to use.
 */
export function showFailure(err, retry, offlineKey = 'offline') {
  if (err instanceof NetworkError) {
    showMessage({ title: msg('offline-title'), lines: [msg(offlineKey)], retry, kind: 'warn' });
  } else if (err instanceof ApiError && err.status === 429) {
    showMessage({ title: msg('busy-title'), lines: [msg('busy')], retry, kind: 'warn' });
  } else if (err instanceof ApiError && BY_CODE[err.code]) {
    const key = BY_CODE[err.code];
    showMessage({ title: msg(`${key}-title`), lines: [msg(key)] });
  } else if (err instanceof StorageUnavailable) {
    showMessage({ title: msg('no-storage-title'), lines: [msg('no-storage')] });
  } else {
    const detail = err instanceof ApiError ? err.code : String((err && err.message) || err);
    showMessage({ title: msg('generic-title'), lines: [msg('generic', { detail })], retry });
  }
}
