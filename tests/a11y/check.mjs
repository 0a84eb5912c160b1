// Accessibility check of built HTML pages: axe-core (WCAG 2.x A and AA rules) in the system's
// headless Chromium, driven by puppeteer-core. Usage: node check.mjs CHROMIUM PAGE.html...
// Each page is checked at 1280 and at 390 px wide (a phone: figures and tables scroll there).
// Prints one JSON object: {page: [{id, impact, help, width, nodes: [selector...]}]} for every violation.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { launch } from "./browser.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [chromium, ...pages] = process.argv.slice(2);
const browser = await launch(chromium);
const report = {};
try {
  for (const file of pages) {
    report[file] = [];
    for (const width of [1280, 390]) {
      const page = await browser.newPage();
      await page.setViewport({ width, height: 900 });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60000 });
      await page.evaluate(axeSource);
      const result = await page.evaluate(async () =>
        await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
      report[file].push(...result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, width, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      })));
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
