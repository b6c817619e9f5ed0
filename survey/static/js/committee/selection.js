// Moving several ticked items of the summary at once, without a page load.
//
// Each section of the summary page has a selection form ([data-selection]); the items' checkboxes
// belong to it through their form attribute. Without this module the form posts and the page
// comes back. With it, the Move button sends the same form with fetch (the CSRF token is one of
// its fields) and asks for JSON; the server answers with the changes it logged, and the moved
// items are put under their new theme on the page. Anything the page cannot show in place (a
// new theme, "not in a theme", an error it does not understand) falls back to a reload.

const STATUS = '.selection-status';

function say(form, text) {
  const status = form.querySelector(STATUS);
  if (status) status.textContent = text;
}

function recount() {
  for (const theme of document.querySelectorAll('section.theme')) {
    const count = theme.querySelector('h3 .count');
    const n = theme.querySelectorAll('ol.items > li').length;
    if (count) count.textContent = count.textContent.replace(/\d+/, String(n));
  }
}

// Put each moved item under its theme's list; false when one cannot be placed on this page.
function place(changes) {
  const moves = changes.filter((change) => change.kind === 'item' && change.field === 'theme_id');
  for (const move of moves) {
    const item = document.querySelector(`li[data-item="${CSS.escape(move.id)}"]`);
    const list = move.after && document.querySelector(`#theme-${CSS.escape(move.after)} ol.items`);
    if (!item || !list) return false;
    const box = item.querySelector('input.select-item');
    if (box) box.checked = false;
    list.append(item);
  }
  recount();
  return true;
}

async function send(form, submitter) {
  const body = new FormData(form, submitter);
  const response = await fetch(form.action, {
    method: 'POST',
    body,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  });
  const type = response.headers.get('Content-Type') || '';
  if (!type.startsWith('application/json')) return null;
  return response.json();
}

for (const form of document.querySelectorAll('form[data-selection]')) {
  form.addEventListener('submit', async (event) => {
    const submitter = event.submitter;
    if (!submitter || !submitter.hasAttribute('data-move')) return; // other buttons post as usual
    event.preventDefault();
    submitter.disabled = true;
    try {
      const answer = await send(form, submitter);
      if (!answer) {
        window.location.reload();
      } else if (!answer.ok) {
        say(form, answer.message);
      } else if (place(answer.changes || [])) {
        say(form, answer.message);
      } else {
        window.location.reload();
      }
    } catch {
      form.submit(); // the network failed: let the browser post the form itself
    } finally {
      submitter.disabled = false;
    }
  });
}
