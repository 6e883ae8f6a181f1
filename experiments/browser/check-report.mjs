// Opens a Basin HTML report in headless Debian chromium and checks that it renders offline:
//   node experiments/browser/check-report.mjs REPORT.html SCREENSHOT.png [MIN_PLOTS]
// One line per check; exit 0 when all pass, 1 on the first failure or any usage error.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// --disable-gpu leaves WebGL to software SwiftShader. Chromium 156 still falls back to it by itself
// (and playwright-core adds --enable-unsafe-swiftshader), but that automatic fallback is deprecated,
// so ask for it explicitly; without WebGL Plotly's 3D surface says "WebGL is not supported".
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
const RENDER_TIMEOUT_MS = 60_000;
const MIN_COLOURS = 16;

const [reportArg, screenshotArg, minPlotsArg = '0'] = process.argv.slice(2);
if (!reportArg || !screenshotArg || !/^\d+$/.test(minPlotsArg)) {
  refuse('usage: node check-report.mjs REPORT.html SCREENSHOT.png [MIN_PLOTS]');
}
const report = resolve(reportArg);
if (!existsSync(report)) refuse(`report ${report} does not exist`);
if (!existsSync(CHROMIUM)) refuse(`${CHROMIUM} is missing: apt-get install -y chromium`);
const minPlots = Number(minPlotsArg);

class CheckFailed extends Error {}
function pass(what) { console.log(`PASS ${what}`); }
/** Ends the checks; the browser is still closed and the profile removed. */
function fail(why) { throw new CheckFailed(why); }
function refuse(why) { console.log(`FAIL ${why}`); process.exit(1); }

const profile = mkdtempSync(join(tmpdir(), 'basin-report-chromium-'));
const problems = [];
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', m => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  context.on('request', r => {
    const url = r.url();
    if (!url.startsWith('file:') && !url.startsWith('data:')) problems.push(`network request: ${url}`);
  });

  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  pass(`opened ${report}`);

  const webgl = await page.evaluate(() => !!document.createElement('canvas').getContext('webgl'));
  console.log(`INFO WebGL ${webgl ? 'available' : 'unavailable'}`);

  // A plot has rendered when it holds its SVG layer (2D) or its WebGL canvas (3D).
  await page.waitForFunction(n => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length >= n && plots.every(p => p.querySelector('.main-svg') || p.querySelector('canvas'));
  }, minPlots, { timeout: RENDER_TIMEOUT_MS }).catch(() => {});
  await page.waitForTimeout(1000);   // let WebGL draw its first frames

  const plots = await page.$$eval('.js-plotly-plot', ps => ps.map(p => {
    const box = p.getBoundingClientRect();
    return { id: p.id, width: box.width, height: box.height, svg: !!p.querySelector('.main-svg'),
      gl: !!p.querySelector('canvas'), scene: !!p.querySelector('.gl-container canvas'),
      noWebgl: /webgl is not supported/i.test(p.textContent ?? '') };
  }));
  if (plots.length < minPlots) fail(`plots: ${plots.length} .js-plotly-plot elements, expected at least ${minPlots}`);
  pass(`plots: ${plots.length} rendered (at least ${minPlots} expected)`);
  for (const p of plots) {
    if (!(p.width > 0 && p.height > 0)) fail(`plot ${p.id}: empty bounding box ${p.width}×${p.height}`);
    if (p.noWebgl) fail(`plot ${p.id}: Plotly says WebGL is not supported`);
    if (!p.svg && !p.gl) fail(`plot ${p.id}: neither .main-svg nor a canvas inside`);
    if (p.scene) {
      // A 3D scene is all WebGL: its pixels are only visible in a screenshot of its largest canvas.
      const clip = await page.$eval(`#${p.id}`, plot => {
        const c = [...plot.querySelectorAll('canvas')].map(e => e.getBoundingClientRect())
          .sort((a, b) => b.width * b.height - a.width * a.height)[0];
        return { x: c.left + window.scrollX, y: c.top + window.scrollY, width: c.width, height: c.height };
      });
      if (!(clip.width > 0 && clip.height > 0)) fail(`plot ${p.id}: its WebGL canvas is ${clip.width}×${clip.height}`);
      const shot = await page.screenshot({ fullPage: true, clip });
      const colours = distinctColours(decodePng(shot));
      if (colours < MIN_COLOURS) fail(`plot ${p.id}: the 3D scene drew only ${colours} colours (WebGL not rendering?)`);
      pass(`plot ${p.id}: 3D scene drew ${colours} colours in ${Math.round(p.width)}×${Math.round(p.height)} px`);
    } else {
      pass(`plot ${p.id}: ${p.svg ? 'SVG' : 'canvas'} in ${Math.round(p.width)}×${Math.round(p.height)} px`);
    }
  }

  const images = await page.$$eval('img', is => is.map(i => ({ alt: i.alt, complete: i.complete,
    width: i.naturalWidth, height: i.naturalHeight })));
  for (const i of images) {
    if (!i.complete || i.width === 0 || i.height === 0) fail(`image "${i.alt}": not loaded (${i.width}×${i.height})`);
  }
  pass(`images: ${images.length} loaded with non-zero size`);

  const screenshot = await page.screenshot({ fullPage: true });
  writeFileSync(resolve(screenshotArg), screenshot);
  const png = decodePng(screenshot);
  const colours = distinctColours(png);
  if (colours < MIN_COLOURS) fail(`screenshot: only ${colours} distinct colours, the page looks blank`);
  pass(`screenshot: ${png.width}×${png.height} px, ${colours} distinct colours, written to ${resolve(screenshotArg)}`);

  if (problems.length > 0) fail(`${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  pass('no console errors, page errors or network requests');
} catch (e) {
  console.log(`FAIL ${e instanceof CheckFailed ? e.message : `browser: ${e.message}`}`);
  // a page error is usually why a later check failed, so always show them
  if (!(e instanceof CheckFailed && e.message.includes('problem(s)'))) for (const p of problems) console.log(`  ${p}`);
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what chromium screenshots are) to RGBA pixels. */
function decodePng(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('screenshot is not a PNG');
  let offset = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      const depth = data[8], colourType = data[9], interlace = data[12];
      channels = { 2: 3, 6: 4 }[colourType];
      if (depth !== 8 || !channels || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colourType}`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`);
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function distinctColours({ pixels, channels }) {
  const seen = new Set();
  for (let k = 0; k < pixels.length; k += channels) {
    seen.add((pixels[k] << 16) | (pixels[k + 1] << 8) | pixels[k + 2]);
  }
  return seen.size;
}
