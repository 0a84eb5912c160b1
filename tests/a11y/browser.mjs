// Headless Chromium (Debian's) through puppeteer-core, with the flags every check here uses.
import puppeteer from "puppeteer-core";

export function launch(chromium) {
  return puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
}
