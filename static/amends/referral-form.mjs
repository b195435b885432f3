// The referral form of an organisation in more than one sector asks the criminal justice
// stage only of a justice referral, and names the crime or incident reference as the
// chosen sector does. Without this script the stage shows for every sector, with a
// "Does not apply" answer, and the server checks the two agree.
const form = document.querySelector("[data-referral-form]");
const sectors = form ? [...form.querySelectorAll('input[type="radio"][name="sector"]')] : [];
const chosenSector = () => sectors.find((input) => input.checked)?.value;

const stage = form?.querySelector("[data-justice-stage]");
if (stage && sectors.length) {
  // With the stage shown only for justice, "Does not apply" has nothing left to say.
  stage.querySelector('input[value="none"]')?.closest(".govuk-radios__item").remove();
  const showStage = () => {
    const justice = chosenSector() === "justice";
    stage.hidden = !justice;
    if (!justice) {
      for (const input of stage.querySelectorAll("input")) input.checked = false;
    }
  };
  for (const input of sectors) input.addEventListener("change", showStage);
  showStage();
}

const kinds = document.getElementById("incident-reference-kinds");
const reference = form?.querySelector("[data-incident-reference]");
if (kinds && reference && sectors.length) {
  const bySector = JSON.parse(kinds.textContent);
  const label = reference.querySelector("label");
  const hint = reference.querySelector(".govuk-hint");
  const nameReference = () => {
    const kind = bySector[chosenSector()];
    if (!kind) return;
    label.textContent = `${kind.label} (optional)`;
    if (hint) hint.textContent = kind.hint;
  };
  for (const input of sectors) input.addEventListener("change", nameReference);
  nameReference();
}
