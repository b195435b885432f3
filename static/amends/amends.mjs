// Starts the GOV.UK and MOJ Frontend components. Pages work without it.
import { initAll as initGovuk } from "../dist/govuk-frontend.min.js";
import { initAll as initMoj } from "../dist/moj-frontend.min.js";

initGovuk();
initMoj();
