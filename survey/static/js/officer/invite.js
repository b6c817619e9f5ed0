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

var support = checkSupport();
if (!support.ok) {
  showUnsupported(support.reason);
} else {
  import('./invite-flow.js')
    .then(function (flow) {
      return flow.run(link);
    })
    .catch(function (err) {
      showMessage({ title: msg('generic-title'), lines: [msg('generic', { detail: String(err) })] });
    });
}
