// 「已发送」 ticks on the messages page: each tick is stored by a POST (with the form's CSRF
// token) and the page stays as it is, since reloading it would show the codes again (counted).
// Without this script the form still works: it posts and goes back to the round's page.
const progress = document.getElementById('sent-progress');

function showProgress(count, total) {
  if (!progress) return;
  const pct = total ? Math.round((100 * count) / total) : 0;
  progress.textContent = progress.dataset.template
    .replace('{n}', count).replace('{total}', total).replace('{pct}', pct);
}

for (const form of document.querySelectorAll('[data-sent-form]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    const field = form.querySelector('input[name=sent]');
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new FormData(form),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      field.value = state.sent ? '0' : '1';
      button.setAttribute('aria-pressed', String(state.sent));
      button.textContent = state.sent ? button.dataset.on : button.dataset.off;
      form.closest('li')?.classList.toggle('is-sent', state.sent);
      showProgress(state.count, state.total);
    } catch {
      form.submit(); // let the server say what went wrong
    } finally {
      button.disabled = false;
    }
  });
}
