// Choosing a year group or form shows its pupils at once (what typed so far is kept: the
// whole form is sent, and nothing is saved).
const show = document.querySelector("[data-roll-show]");
for (const select of document.querySelectorAll("[data-roll-filter]")) {
  select.addEventListener("change", () => show?.form?.requestSubmit(show));
}

// Type-ahead on the school roll: as a name is typed, the pupils shown narrow to those whose
// names hold it. Pupils already given a part stay. Without script, "Show pupils" searches
// the whole roll on the server.
const search = document.querySelector("[data-roll-search]");
const roll = document.querySelector("[data-roll]");

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f'’-]/g, "").toLowerCase();
}

if (search && roll) {
  const pupils = [...roll.querySelectorAll("[data-roll-pupil]")];
  const none = roll.querySelector("[data-roll-none]");
  const narrow = () => {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const pupil of pupils) {
      const chosen = pupil.querySelector("input:checked")?.value !== "none";
      const name = fold(pupil.dataset.name);
      const match = chosen || words.every((word) => name.includes(word));
      pupil.hidden = !match;
      if (match) shown += 1;
    }
    if (none) none.hidden = shown > 0 || pupils.length === 0;
  };
  search.addEventListener("input", narrow);
  narrow();
}
