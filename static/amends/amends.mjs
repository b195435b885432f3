// Starts the GOV.UK and MOJ Frontend components. Pages work without it.
import { initAll as initGovuk } from "../dist/govuk-frontend.min.js";
import { initAll as initMoj } from "../dist/moj-frontend.min.js";

initGovuk();
initMoj();

// A table wider than the screen scrolls inside its own box rather than pushing
// the page sideways; while it overflows, the box is a labelled region that can
// take keyboard focus, so it can be scrolled without a mouse.
function tableLabel(table) {
  const caption = table.querySelector("caption");
  if (caption && caption.textContent.trim()) return caption.textContent.trim();
  let heading = null;
  for (const h of document.querySelectorAll("main h1, main h2, main h3")) {
    if (h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h;
  }
  return heading ? heading.textContent.trim() : "Table";
}

function markOverflow(box) {
  if (box.scrollWidth > box.clientWidth + 1) {
    box.setAttribute("role", "region");
    box.setAttribute("tabindex", "0");
    box.setAttribute("aria-label", `${box.dataset.label} (scrolls sideways)`);
  } else {
    box.removeAttribute("role");
    box.removeAttribute("tabindex");
    box.removeAttribute("aria-label");
  }
}

const resized = new ResizeObserver((entries) => entries.forEach((e) => markOverflow(e.target)));
for (const table of document.querySelectorAll("main table.govuk-table")) {
  if (table.closest(".amends-table-scroll")) continue;
  const box = document.createElement("div");
  box.className = "amends-table-scroll";
  box.dataset.label = tableLabel(table);
  table.before(box);
  box.append(table);
  markOverflow(box);
  resized.observe(box);
}
