/**
 * 「在其他设备继续」: the link (and its QR code) that moves an officer's token to another
 * browser, so an invitation opened in WeChat, or on the wrong phone, locks nobody out.
 *
 * The link holds the finalised token, its signature and the round fingerprint in the fragment,
 * never the invitation code; the fragment never reaches the server, and the code is drawn here
 * (qr.js) for the same reason. Loaded only when the officer asks for it.
 * @module officer/handoff
 */

import { qrSvg } from '../qr.js';
import { $, langQuery, msg, showView } from './page.js';

/** The address that continues this round's answer elsewhere (?lang= is kept). */
export function handoffLink(roundId, token) {
  const fragment = new URLSearchParams({ t: token.token, s: token.signature, fp: token.fp });
  return `${location.origin}/a/${encodeURIComponent(roundId)}${langQuery()}#${fragment}`;
}

/** Show the link and its QR code; `back` returns to writing. */
export function showHandoff(roundId, token, back) {
  const link = handoffLink(roundId, token);
  const box = $('handoff-qr');
  box.textContent = '';
  box.appendChild(qrSvg(document, link, msg('handoff-qr')));
  const anchor = $('handoff-link');
  anchor.href = link;
  anchor.textContent = link;
  $('handoff-copied').hidden = true;
  $('handoff-copy').onclick = () => copy(link);
  $('handoff-back').onclick = back;
  showView('v-handoff');
}

async function copy(link) {
  try {
    await navigator.clipboard.writeText(link);
    $('handoff-copied').hidden = false;
  } catch {
    // No clipboard here: select the link so the phone's own "copy" works on it.
    const range = document.createRange();
    range.selectNodeContents($('handoff-link'));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
}
