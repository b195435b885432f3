// The referral form asks the criminal justice stage only of a justice referral. Without
// this script the stage shows for every sector, with a "Does not apply" answer, and the
// server checks the two agree.
const form = document.querySelector("[data-referral-form]");
const stage = form?.querySelector("[data-justice-stage]");
const sectors = form ? [...form.querySelectorAll('input[type="radio"][name="sector"]')] : [];

if (stage && sectors.length) {
  // With the stage shown only for justice, "Does not apply" has nothing left to say.
  stage.querySelector('input[value="none"]')?.closest(".govuk-radios__item").remove();

  const show = () => {
    const justice = sectors.some((input) => input.checked && input.value === "justice");
    stage.hidden = !justice;
    if (!justice) {
      for (const input of stage.querySelectorAll("input")) input.checked = false;
    }
  };
  for (const input of sectors) input.addEventListener("change", show);
  show();
}
