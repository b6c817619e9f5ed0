/**
 * Page parts: views and messages an officer page needs only on some paths (a consultation's
 * topics), fetched from our own static templates when needed, so the common way stays light
 * (DESIGN.md section 5). Loaded only on those paths.
 * @module officer/parts
 */

import { NetworkError } from './common.js';
import { langQuery } from './page.js';

// As every request of the officer pages: nothing that could identify the phone's user travels.
const QUIET = Object.freeze({ credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });

/**
 * Add the views and messages of an officer page part (a static fragment of ours, such as
 * /consultation-parts) to this page, once; its data-* messages join those of #o-text.
 */
export async function addPagePart(path) {
  const holder = document.querySelector('.officer');
  if (holder.querySelector(`[data-part="${path}"]`)) return;
  let response;
  try {
    response = await fetch(`${path}${langQuery()}`, QUIET);
  } catch {
    throw new NetworkError('fetch failed');
  }
  if (!response.ok) throw new NetworkError(`server answered ${response.status}`);
  const part = document.createElement('div');
  part.dataset.part = path;
  part.innerHTML = await response.text(); // our own static template: no script, no data
  const messages = part.querySelector('[hidden][id^="o-text-"]');
  if (messages) Object.assign(document.getElementById('o-text').dataset, messages.dataset);
  holder.append(...part.children);
  holder.append(Object.assign(part, { hidden: true }));
}
