/**
 * The officer pages' one entry script: the support check, then the page's own flow; and the
 * helpers every flow module shares (translated messages, views, notices).
 *
 * It keeps to old syntax (no BigInt, no `?.`, no `??`) and imports only support.js, so a browser
 * that cannot run the crypto modules is still told why. Both pages load this same file (one
 * request, cached for the second page); the flow modules import its helpers.
 *
 * First, before anything else: a fragment (#r=…&c=…&fp=… on /i, #t=…&s=…&fp=… from
 * 「在其他设备继续」 on /a/<round>) is read and removed from the address bar and the history
 * entry, so neither an invitation code nor a token is shown, saved in history or sent as a
 * Referer. Messages come from the template as data-* attributes of #o-text (no inline script
 * under the strict CSP); `{name}` placeholders are filled here.
 * @module officer/page
 */

import { checkSupport } from '../support.js';

/**
 * A translated message: `key` is the data attribute's name without `data-` (`no-token` for
 * `data-no-token`); `{name}` placeholders are replaced from `vars`.
 */
export function msg(key, vars) {
  var el = document.getElementById('o-text');
  var name = key.replace(/-([a-z])/g, function (m, c) { return c.toUpperCase(); });
  var text = (el && el.dataset[name]) || key;
  if (vars) {
    text = text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole;
    });
  }
  return text;
}

export function $(id) {
  return document.getElementById(id);
}

/** Show one view (a top-level section with class o-view) and hide the others. */
export function showView(id) {
  var views = document.querySelectorAll('.o-view');
  for (var i = 0; i < views.length; i++) views[i].hidden = views[i].id !== id;
  var boot = $('boot');
  if (boot) boot.hidden = true;
  var view = $(id);
  if (view) {
    var heading = view.querySelector('h1, h2');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }
}

/**
 * The message view: a title, one or more paragraphs, and optionally a retry button.
 * @param {{title: string, lines: string[], retry?: function, link?: {href: string, text: string},
 *   receipt?: string, kind?: string}} spec
 */
export function showMessage(spec) {
  var view = $('v-message');
  view.className = 'o-view o-message o-kind-' + (spec.kind || 'error');
  $('m-title').textContent = spec.title;
  var body = $('m-body');
  body.textContent = '';
  for (var i = 0; i < spec.lines.length; i++) {
    var p = document.createElement('p');
    p.textContent = spec.lines[i];
    body.appendChild(p);
  }
  if (spec.receipt) {
    var code = document.createElement('p');
    code.className = 'o-receipt';
    code.textContent = spec.receipt;
    body.appendChild(code);
  }
  setButton($('m-retry'), spec.retry);
  var link = $('m-link');
  link.hidden = !spec.link;
  if (spec.link) {
    link.href = spec.link.href;
    link.textContent = spec.link.text;
  }
  showView('v-message');
}

function setButton(button, action) {
  button.hidden = !action;
  button.onclick = action
    ? function () {
        button.disabled = true;
        Promise.resolve(action()).then(
          function () { button.disabled = false; },
          function () { button.disabled = false; },
        );
      }
    : null;
}

/** The page a browser without WebCrypto, BigInt … sees (reasons from support.js). */
export function showUnsupported(reason) {
  showMessage({
    title: msg('unsupported-title'),
    lines: [msg('unsupported-' + reason), msg('unsupported-advice')],
  });
}

/** Show `text` in a polite status line of the current view. */
export function setStatus(id, text) {
  var el = $(id);
  if (el) el.textContent = text;
}

/** Group a string in blocks of four for reading aloud: `abcd efgh …`. */
export function groupsOfFour(text) {
  return String(text).replace(/(.{4})(?=.)/g, '$1 ');
}

/** `?lang=en` when this page was asked for in a chosen language, so the next page keeps it. */
export function langQuery() {
  var lang = new URLSearchParams(window.location.search).get('lang');
  return lang && /^[a-z]{2,3}$/.test(lang) ? '?lang=' + lang : '';
}

// ---------------------------------------------------------------------------------------
// Boot: which page this is (the element only it has), then its flow.

function takeFragment() {
  var params = new URLSearchParams(window.location.hash.slice(1));
  if (window.location.hash) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return params;
}

/** Ask for the round's keys while the crypto modules load (the token budget: DESIGN §5). */
function fetchKeysEarly(roundId) {
  if (!/^[a-z0-9]{1,32}$/.test(roundId)) return null;
  var quiet = { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' };
  return fetch('/api/v1/rounds/' + roundId + '/keys', quiet).catch(function () {
    return null; // the flow asks again, with its retries
  });
}

function bootInvite() {
  var params = takeFragment();
  var link = { r: params.get('r') || '', c: params.get('c') || '', fp: params.get('fp') || '' };
  // Another link opened in this tab changes only the fragment: start again with it.
  window.addEventListener('hashchange', function () {
    window.location.reload();
  });
  var earlyKeys = link.r && link.c ? fetchKeysEarly(link.r) : null;
  return import('./invite-flow.js').then(function (flow) {
    return flow.run(link, earlyKeys);
  });
}

function bootAnswer() {
  var params = takeFragment();
  var handoff = params.get('t') && params.get('s') && params.get('fp')
    ? { token: params.get('t'), signature: params.get('s'), fp: params.get('fp') }
    : null;
  return import('./answer-flow.js').then(function (flow) {
    return flow.run(handoff);
  });
}

function boot() {
  var invite = !!$('v-invite');
  var support = checkSupport();
  if (!support.ok) {
    takeFragment(); // a code or a token must not stay in the address bar either
    return showUnsupported(support.reason);
  }
  (invite ? bootInvite() : bootAnswer()).catch(function (err) {
    showMessage({ title: msg('generic-title'), lines: [msg('generic', { detail: String(err) })] });
  });
}

// Only on an officer page (Node tests import the helpers); modules run once per page.
if (typeof document !== 'undefined' && document.getElementById('o-text')) boot();
