// pathmap.mjs drives the harness page in the system's Chromium for pkg/browsertest.
//
// Usage: node tests/browser/pathmap.mjs '<spec JSON>'
//
// The spec names the page and the cases: {url, cases: [{name, frames, from, to, click,
// statuses, screenshot, drawerShot, theme, renders, profile, warmup, panCheck, foreign}]}. For each case
// it renders the warm-up frames once when given, then the frames (`renders` times, 1 by
// default), waits for the map to be ready, reads every node's status, saves a screenshot of the
// map when asked, clicks the node `click`, waits for the drawer and its lines and reads them,
// drags a far node into view with `panCheck`, and pictures the open drawer with `drawerShot`.
// With `profile` it also writes a CPU profile of the renders, which Chromium's DevTools open.
// It prints one JSON object with what it saw and measured on stdout, so the Go test can hold
// it against values it knows, and exits 1 after printing when a case breaks the script's own
// checks (a status missing, an empty drawer).

import { writeFile } from 'node:fs/promises';

import { chromium } from 'playwright-core';

// Chromium's own updaters, sync and first-run pages would reach for the network or delay the
// start; the test may only talk to 127.0.0.1.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// TIMEOUT bounds each wait: a map that is never ready fails the case instead of hanging CI.
const TIMEOUT = 30_000;

async function runCase(browser, base, c) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') {
      errors.push(`console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400) {
      errors.push(`response: ${r.status()} ${r.url()}`);
    }
  });
  page.setDefaultTimeout(TIMEOUT);
  const url = new URL(base);
  url.searchParams.set('theme', c.theme ?? 'dark');
  await page.goto(url.href);
  const out = { name: c.name, errors };
  try {
    const args = { frames: c.frames, from: c.from, to: c.to, width: 1240, height: 760 };
    // Frames of another data source: the panel must say so and draw no map.
    if (c.foreign) {
      await page.evaluate((a) => window.mailpathRender(a), { ...args, foreign: true });
      out.foreignText = await page.locator('[data-testid="pathmap-foreign"]').innerText();
      out.maps = await page.locator('svg[data-testid="pathmap"]').count();
      await page.close();
      out.problems = out.maps > 0 ? ['a map was drawn from foreign frames'] : [];
      return out;
    }
    // The first render is timed as a user would meet it; later ones (c.renders) show how much
    // of it was the browser compiling code it had not run yet.
    out.renders = [];
    if (c.warmup) {
      const warm = await page.evaluate((a) => window.mailpathRender(a), {
        ...args,
        frames: c.warmup,
      });
      out.warmupMs = warm.renderMs;
    }
    // Chromium's own counters split the first render's time into script, style and layout,
    // so a slow render says where it went.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const before = await metrics(cdp);
    if (c.profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    for (let i = 0; i < (c.renders ?? 1); i++) {
      const { renderMs } = await page.evaluate((a) => window.mailpathRender(a), args);
      out.renders.push(renderMs);
      if (i === 0) {
        const after = await metrics(cdp);
        out.firstRender = Object.fromEntries(
          Object.keys(after).map((k) => [k, (after[k] - before[k]) * 1000])
        );
      }
    }
    if (c.profile) {
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(c.profile, JSON.stringify(profile));
    }
    out.renderMs = out.renders[0];
    out.nodes = await page.$$eval('[data-testid="node"]', (els) =>
      els.map((e) => ({ id: e.dataset.id, status: e.dataset.status }))
    );
    out.edges = await page.locator('[data-testid="edge"]').count();
    out.summary = await page.locator('[data-testid="pathmap-summary"]').innerText();

    // The map alone, before the drawer slides over it: the picture the README shows.
    if (c.screenshot) {
      await page.screenshot({ path: c.screenshot });
    }

    const node = page.locator(`[data-testid="node"][data-id="${c.click}"]`);
    out.pans = await reveal(page, node);
    await page.evaluate(() => window.mailpathArmClick());
    await node.click();
    const timing = await page.evaluate(() => window.mailpathClickResult());
    Object.assign(out, timing);
    out.drawerLines = await page
      .locator('[data-testid="pathmap-drawer"] [data-testid="drawer-line"]')
      .allInnerTexts();
    // Panning a far node into view must draw it whole: far nodes are outlines (no text).
    if (c.panCheck) {
      await page.keyboard.press('Escape');
      await page
        .locator('[data-testid="pathmap-drawer"]')
        .waitFor({ state: 'detached', timeout: 5000 })
        .then(
          () => (out.escapeClosed = true),
          () => (out.escapeClosed = false)
        );
      const far = await page.$$eval('[data-testid="node"]', (els) => {
        const bare = els.filter((e) => !e.querySelector('text'));
        return bare.length ? bare[bare.length - 1].dataset.id : undefined;
      });
      out.farNode = far;
      if (far) {
        const farNode = page.locator(`[data-testid="node"][data-id="${far}"]`);
        out.farPans = await reveal(page, farNode);
        out.farLabelled = (await farNode.locator('text').count()) > 0;
      }
    }
    // The drawer open over the map, once it has slid in: the README's second picture.
    if (c.drawerShot) {
      await page.waitForTimeout(600);
      await page.screenshot({ path: c.drawerShot });
    }
  } catch (e) {
    out.failure = String(e?.stack ?? e);
  }
  await page.close();
  out.problems = problems(c, out);
  return out;
}

// reveal drags the map with the mouse, as a user pans it, until the node's centre is inside
// the map's box, and returns how many drags that took. A 500-recipient map opens at its top
// (the panel will not shrink it past reading), so its hosts can start below the panel's edge.
async function reveal(page, node) {
  const svg = page.locator('svg[data-testid="pathmap"]');
  const step = (d) => Math.max(-200, Math.min(200, d));
  for (let drags = 0; drags < 60; drags++) {
    const s = await svg.boundingBox();
    const n = await node.boundingBox();
    if (!s || !n) {
      throw new Error('reveal: the map or the node has no box');
    }
    const [cx, cy] = [n.x + n.width / 2, n.y + n.height / 2];
    const [mx, my] = [s.x + s.width / 2, s.y + s.height / 2];
    const margin = 20;
    if (
      cx > s.x + margin &&
      cx < s.x + s.width - margin &&
      cy > s.y + margin &&
      cy < s.y + s.height - margin
    ) {
      return drags;
    }
    // d3-zoom swallows the click that ends a drag, so no drag opens a drawer.
    await page.mouse.move(mx, my);
    await page.mouse.down();
    await page.mouse.move(mx + step(mx - cx), my + step(my - cy), { steps: 4 });
    await page.mouse.up();
  }
  throw new Error('reveal: 60 drags did not bring the node into the map');
}

// metrics reads Chromium's cumulative durations, in seconds, of the page's work by kind.
async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const want = ['ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration', 'TaskDuration'];
  return Object.fromEntries(
    list.filter((m) => want.includes(m.name)).map((m) => [m.name, m.value])
  );
}

// problems are the checks the script makes itself; the Go test makes the exact ones.
function problems(c, out) {
  if (out.failure) {
    return [out.failure];
  }
  const seen = new Set(out.nodes.map((n) => n.status));
  const list = (c.statuses ?? []).filter((s) => !seen.has(s)).map((s) => `no ${s} node`);
  if (!out.drawerLines.length) {
    list.push(`the drawer of ${c.click} lists no lines`);
  }
  if (!(out.drawerMs >= 0)) {
    list.push(`the drawer was there before the click (drawerMs=${out.drawerMs})`);
  }
  return list;
}

async function main() {
  const spec = JSON.parse(process.argv[2]);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ARGS,
  });
  const cases = [];
  try {
    for (const c of spec.cases) {
      cases.push(await runCase(browser, spec.url, c));
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ cases }) + '\n');
  const bad = cases.filter((c) => c.problems.length);
  for (const c of bad) {
    process.stderr.write(`pathmap.mjs: ${c.name}: ${c.problems.join('; ')}\n`);
  }
  process.exitCode = bad.length ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`pathmap.mjs: ${e?.stack ?? e}\n`);
  process.exitCode = 2;
});
