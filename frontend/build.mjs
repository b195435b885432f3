// Builds static/dist: our stylesheet compiled from Sass, and the design
// systems' JavaScript and assets copied beside it. Run by `npm run build`.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pathToFileURL } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "dist");
const modules = join(root, "node_modules");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "frontend", "amends.scss"), {
  loadPaths: [root],
  style: "compressed",
  quietDeps: true,
  // MOJ Frontend configures GOV.UK Frontend's base itself; we route that load
  // through frontend/_govuk-base.scss to add our brand colours to it.
  importers: [
    {
      findFileUrl(url) {
        if (url !== "node_modules/govuk-frontend/dist/govuk/base") return null;
        return pathToFileURL(join(root, "frontend", "_govuk-base.scss"));
      },
    },
  ],
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "amends.css"), result.css);

cpSync(join(modules, "govuk-frontend/dist/govuk/govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(modules, "@ministryofjustice/frontend/moj/moj-frontend.min.js"), join(out, "moj-frontend.min.js"));
cpSync(join(modules, "govuk-frontend/dist/govuk/assets/images"), join(out, "assets/images"), { recursive: true });
cpSync(join(modules, "@ministryofjustice/frontend/moj/assets/images"), join(out, "assets/images"), { recursive: true });
console.log(`built ${out}`);
