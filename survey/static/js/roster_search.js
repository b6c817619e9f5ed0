// The roster's search box filters as one types: by name, pinyin (wangjianguo), initials (wjg)
// or note, from each card's data-search text. Without this script the form searches on submit.
const box = document.querySelector('[data-roster-search]');
const none = document.getElementById('roster-no-match');
if (box) {
  const cards = [...document.querySelectorAll('.roster [data-search]')];
  const filter = () => {
    const wanted = box.value.trim().toLowerCase();
    let shown = 0;
    for (const card of cards) {
      const match = !wanted || card.dataset.search.includes(wanted);
      card.hidden = !match;
      if (match) shown += 1;
    }
    if (none) none.hidden = shown > 0;
  };
  box.addEventListener('input', filter);
}
