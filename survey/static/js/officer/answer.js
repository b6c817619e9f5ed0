/**
 * Entry point of the answer page /a/<round>: the support check first, then the answer flow.
 * Old syntax only, like support.js, so an old browser is told why it cannot answer.
 *
 * A link from 「在其他设备继续」 carries the token in its fragment (#t=…&s=…&fp=…): it is read
 * and removed from the address bar and the history entry first, like the invitation code on /i.
 * @module officer/answer
 */

import { checkSupport } from '../support.js';
import { showMessage, showUnsupported, msg } from './page.js';

function readHandoff() {
  if (!window.location.hash) return null;
  var params = new URLSearchParams(window.location.hash.slice(1));
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  var token = params.get('t');
  var signature = params.get('s');
  var fp = params.get('fp');
  return token && signature && fp ? { token: token, signature: signature, fp: fp } : null;
}

var handoff = readHandoff();
var support = checkSupport();
if (!support.ok) {
  showUnsupported(support.reason);
} else {
  import('./answer-flow.js')
    .then(function (flow) {
      return flow.run(handoff);
    })
    .catch(function (err) {
      showMessage({ title: msg('generic-title'), lines: [msg('generic', { detail: String(err) })] });
    });
}
