// Rendered size of the type in every SVG figure of built HTML pages, against the body text, in the
// system's headless Chromium (puppeteer-core). Usage: node figure_type.mjs CHROMIUM WIDTH PAGE.html...
//
// matplotlib writes text as outlines (svg.fonttype "path"): each text artist is a <g id="text_N">
// whose glyphs are scaled by fontsize/100 (user units are points). A figure's type on screen is that
// size times the rendered width over the viewBox width. Prints one JSON object:
// {page: {body_px, figures: [{src, rendered_px, natural_px, min_text_px, text_px: [...],
//   fits: bool (the figure is inside the viewport or a scrolling box), box_scrolls: bool}]}}
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launch } from "./browser.mjs";

/** Sizes (points, user units) of every text artist of a matplotlib SVG, and the viewBox width. */
export function svgTextSizes(svg) {
  const viewBox = svg.match(/viewBox="\s*[-\d.]+\s+[-\d.]+\s+([\d.]+)/);
  const parts = svg.split(/<g id="text_\d+">/).slice(1);
  const sizes = [];
  for (const part of parts) {
    // a text artist's own glyph group comes first; mathtext exponents are smaller parts of one label
    const scales = [...part.slice(0, 4000).matchAll(/scale\(([\d.]+) -[\d.]+\)/g)].map((m) => Number(m[1]));
    if (scales.length) sizes.push(Math.max(...scales) * 100);
  }
  return { viewBoxWidth: viewBox ? Number(viewBox[1]) : NaN, sizes };
}

const [chromium, width, ...pages] = process.argv.slice(2);
const browser = await launch(chromium);
const report = {};
try {
  for (const file of pages) {
    const page = await browser.newPage();
    await page.setViewport({ width: Number(width), height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60000 });
    const found = await page.evaluate(() => {
      const para = document.querySelector("article.bd-article p") || document.querySelector("main p");
      const images = [...document.querySelectorAll("article.bd-article img")]
        .filter((img) => /\.svg(\?|$)/.test(img.getAttribute("src") || ""));
      return {
        body_px: parseFloat(getComputedStyle(para || document.body).fontSize),
        viewport: document.documentElement.clientWidth,
        figures: images.map((img) => {
          const box = img.getBoundingClientRect();
          let scroller = img.parentElement, scrolls = false;
          for (; scroller && scroller !== document.body; scroller = scroller.parentElement) {
            const style = getComputedStyle(scroller);
            if (/(auto|scroll)/.test(style.overflowX) && scroller.scrollWidth > scroller.clientWidth + 1) {
              scrolls = true;
              break;
            }
          }
          return { src: img.getAttribute("src"), rendered_px: box.width, left: box.left, right: box.right,
                   natural_px: img.naturalWidth, box_scrolls: scrolls };
        }),
      };
    });
    const figures = found.figures.map((f) => {
      const svg = readFileSync(resolve(dirname(file), f.src), "utf8");
      const { viewBoxWidth, sizes } = svgTextSizes(svg);
      const text_px = sizes.map((s) => +(s * f.rendered_px / viewBoxWidth).toFixed(2));
      const fits = f.box_scrolls || (f.left >= -0.5 && f.right <= found.viewport + 0.5);
      return { src: f.src, rendered_px: +f.rendered_px.toFixed(1), natural_px: f.natural_px,
               min_text_px: text_px.length ? Math.min(...text_px) : null, n_text: text_px.length,
               fits, box_scrolls: f.box_scrolls };
    });
    report[file] = { body_px: found.body_px, figures };
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
