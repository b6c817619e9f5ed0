/**
 * Entry point of the answer page /a/<round>: the support check first, then the answer flow.
 * Old syntax only, like support.js, so an old browser is told why it cannot answer.
 * @module officer/answer
 */

import { checkSupport } from '../support.js';
import { showMessage, showUnsupported, msg } from './page.js';

var support = checkSupport();
if (!support.ok) {
  showUnsupported(support.reason);
} else {
  import('./answer-flow.js')
    .then(function (flow) {
      return flow.run();
    })
    .catch(function (err) {
      showMessage({ title: msg('generic-title'), lines: [msg('generic', { detail: String(err) })] });
    });
}
