// Small helpers for staff pages (no inline script under the strict CSP):
// [data-print] buttons print the page; [data-copy=id] buttons copy a field's text.
for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print());
}
for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value || field.textContent);
    } catch {
      field.select();
      document.execCommand('copy');
    }
    const label = button.textContent;
    button.textContent = button.dataset.copied || label;
    setTimeout(() => { button.textContent = label; }, 2000);
  });
}
