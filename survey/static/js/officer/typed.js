/**
 * The invitation page for a code typed by hand: the form (round and code from the slip, or the
 * whole link pasted), and the round fingerprint to compare with the slip, since a typed code
 * comes without one. Loaded only on that path, so a printed link's way stays light.
 * @module officer/typed
 */

import { showMismatch, start } from './invite-flow.js';
import { $, groupsOfFour, msg, showView } from './page.js';

const ROUND_ID = /^[a-z0-9]{1,32}$/;
// 26 symbols of the code alphabet (no 0/o, 1/l/i); typed codes may have spaces, dashes, capitals.
const CODE = /^[abcdefghjkmnpqrstuvwxyz23456789]{26}$/;

export const normaliseCode = (text) => String(text || '').replace(/[\s-]+/g, '').toLowerCase();

export function showForm(roundId, problem) {
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

/** A typed code has no fingerprint: the officer compares the slip's 16 digits. */
export function compareFingerprint(fp, proceed) {
  $('fp-short').textContent = groupsOfFour(fp.slice(0, 16));
  $('fp-same').onclick = () => proceed();
  $('fp-differ').onclick = () => showMismatch();
  showView('v-compare');
}

