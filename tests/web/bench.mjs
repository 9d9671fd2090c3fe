// Console render times in headless Debian chromium (tests/bench/console.sh runs it): for each
// page, from navigation to the page's content on screen; prints one line per page.
import { chromium } from 'playwright-core';

const base = process.env.WEB_LOCAL;
const pages = JSON.parse(process.env.WEB_PAGES);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
const page = await ctx.newPage();
await page.goto(base + '/#/wsus'); // warm: the session cookie and the cached modules
await page.waitForSelector('#csv', { timeout: 60000 });
let worst = 0;
for (const [route, ready] of pages) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    await page.goto('about:blank');
    const t0 = Date.now();
    await page.goto(base + '/#/' + route);
    await page.waitForSelector(ready, { timeout: 60000 });
    times.push(Date.now() - t0);
    // Let the page's other requests finish: the collector answers one at a time.
    await page.waitForLoadState('networkidle', { timeout: 60000 });
  }
  times.sort((a, b) => a - b);
  worst = Math.max(worst, times[1]);
  console.log(`  rendered  ${(`#/${route} (${ready})`).padEnd(46)} median ${String(times[1]).padStart(5)} ms  (of ${times.join(', ')})`);
}
await browser.close();
