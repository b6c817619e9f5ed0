/**
 * Entry point of the invitation page /i (DESIGN §6).
 *
 * First, before anything else: read round, code and fingerprint from the fragment and remove
 * the fragment from the address bar and the history entry, so the code is never shown, saved
 * in history or sent as a Referer. Then the support check; only a capable browser loads the
 * crypto modules (they would not even parse on an old one). Old syntax only, like support.js.
 * @module officer/invite
 */

import { checkSupport } from '../support.js';
import { showMessage, showUnsupported, msg } from './page.js';

function readFragment() {
  var params = new URLSearchParams(window.location.hash.slice(1));
  return { r: params.get('r') || '', c: params.get('c') || '', fp: params.get('fp') || '' };
}

var link = readFragment();
if (window.location.hash) {
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
}
// Another link opened in this tab changes only the fragment: start again with it.
window.addEventListener('hashchange', function () {
  window.location.reload();
});

// Ask for the round's keys while the crypto modules load (the token budget: DESIGN §5).
// The same request the API module makes: no cookie, no Referer, no cache.
function fetchKeysEarly(roundId) {
  if (!/^[a-z0-9]{1,32}$/.test(roundId)) return null;
  var url = '/api/v1/rounds/' + roundId + '/keys';
  var quiet = { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' };
  return fetch(url, quiet).catch(function () {
    return null; // the flow asks again, with its retries
  });
}

// This module runs as soon as it has loaded (async), before the page has finished loading
// its style sheets; the page itself is touched only once the document is parsed.
var documentParsed = new Promise(function (resolve) {
  if (document.readyState !== 'loading') resolve();
  else document.addEventListener('DOMContentLoaded', resolve);
});

var support = checkSupport();
if (!support.ok) {
  documentParsed.then(function () {
    showUnsupported(support.reason);
  });
} else {
  var earlyKeys = link.r && link.c ? fetchKeysEarly(link.r) : null;
  Promise.all([import('./invite-flow.js'), documentParsed])
    .then(function (loaded) {
      return loaded[0].run(link, earlyKeys);
    })
    .catch(function (err) {
      showMessage({ title: msg('generic-title'), lines: [msg('generic', { detail: String(err) })] });
    });
}
