// The console in Debian's chromium (playwright-core, executablePath only: nothing downloads a
// browser). Run by run.sh, which starts the collector and the demo fleet and sets the WEB_*
// variables. Each check prints ok/FAIL; any failure exits 1.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import path from 'node:path';

const env = (k) => { if (!process.env[k]) throw new Error(`${k} is not set: run tests/web/run.sh`); return process.env[k]; };
const LOCAL = env('WEB_LOCAL'), SHOTS = env('WEB_SHOTS'), BIN = env('WHB_BIN'), CSV = env('WEB_CSV');
const REMOTE = process.env.WEB_REMOTE || '', TOKEN = env('WEB_ADMIN_TOKEN');
// The demo's switch and port names carry markup and a right-to-left override: the agent makes
// the override sendable ('?': the collector refuses bidi characters), the markup stays text.
const LAB_SHOWN = '<img/src=x/onerror=alert(1)>?lab-sw';
let failed = 0;

async function check(name, fn) {
  try { await fn(); console.log(`    ok   ${name}`); } catch (e) { failed++; console.log(`    FAIL ${name}: ${e.message.split('\n').slice(0, 6).join(' | ')}`); }
}

const whb = (...args) => JSON.parse(execFileSync(path.join(BIN, 'whb'), [...args, '--json'], { encoding: 'utf8' }));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

// A context whose pages record every console error, page error and dialog.
async function context(opts = {}) {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 1366, height: 768 }, timezoneId: 'America/New_York', ...opts });
  ctx.problems = [];
  ctx.on('page', (p) => watch(ctx, p));
  return ctx;
}
function watch(ctx, page) {
  page.on('console', (m) => { if (m.type() === 'error') ctx.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => ctx.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { ctx.problems.push(`dialog: ${d.message()}`); d.dismiss(); });
}
function noProblems(ctx) {
  const p = ctx.problems.splice(0);
  assert.deepEqual(p, [], 'console errors / dialogs');
}

async function visit(page, base, route, ready, shot) {
  // A hash change does not reload: empty the page first so that `ready` cannot match what the
  // previous route left.
  await page.evaluate(() => document.getElementById('main')?.replaceChildren()).catch(() => {});
  await page.goto(base + '/#/' + route);
  await page.waitForSelector(ready, { timeout: 10000 });
  await page.waitForLoadState('networkidle');
  assert.doesNotMatch(await page.textContent('main'), /\b(null|undefined|NaN)\b|\[object /, 'no placeholder text');
  if (shot) await page.screenshot({ path: path.join(SHOTS, shot + '.png'), fullPage: true });
}

const local = await context();
const page = await local.newPage();

console.log('console pages (loopback, 1366x768)');
const pages = [
  ['fleet', '#by-reason', 'fleet'], ['silent', '#silent-count', 'silent'], ['outages', '#outages', 'outages'],
  ['switches', 'main table', 'switches'], ['switches/02:00:5e:10:00:03', '#faceplate', 'switch-sw-floor-3'],
  ['wifi', 'main table', 'wifi'], ['wifi/a0:b1:c2:00:00:01', 'main table', 'wifi-ap'],
  ['machine/pc-303.corp.example', '#why', 'machine-port-disabled'], ['machine/lt-hib.corp.example', '#why', 'machine-hibernation'],
  ['wsus', '#csv', 'wsus'],
];
for (const [route, ready, shot] of pages)
  await check(`#/${route} loads without console errors`, async () => { await visit(page, LOCAL, route, ready, shot); noProblems(local); });

await check('security headers on the console', async () => {
  const res = await page.goto(LOCAL + '/');
  const h = res.headers();
  assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
  assert.doesNotMatch(h['content-security-policy'], /unsafe-inline/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(h['referrer-policy'], 'no-referrer');
  assert.ok(h['etag'], 'ETag');
});

await check('fleet counts equal `whb status --json`', async () => {
  await visit(page, LOCAL, 'fleet', '#by-reason');
  const st = whb('status');
  for (const [id, key] of [['known', 'known'], ['reporting', 'reporting'], ['not-reporting', 'not_reporting'], ['explained', 'explained']])
    assert.equal(await page.textContent('#' + id), String(st[key]), key);
  for (const r of st.by_reason)
    assert.equal(await page.textContent(`li[data-reason="${r.reason}"] .count`), String(r.machines), r.reason);
  assert.equal(await page.locator('#by-reason li').count(), st.by_reason.length);
  const first = await page.getAttribute('#by-reason li:first-child', 'data-reason');
  assert.ok(st.by_reason.find((r) => r.reason === first).documented, 'documented reasons first');
});

await check('the port-disabled machine shows that reason and its switch port', async () => {
  await visit(page, LOCAL, 'machine/pc-303.corp.example', '#why');
  assert.match(await page.textContent('#why'), /The network port to which the computer connects has been disabled/);
  assert.equal(await page.textContent('#kv-port'), 'swp3');
  assert.match(await page.textContent('#attachment'), /sw-floor-3/);
  assert.match(await page.textContent('#kv-collector'), /\/v1\/report \(its first choice\)$/, 'the collector it reports to');
  assert.ok(await page.locator('svg.timeline rect.tl-gap.r-port_disabled').count() >= 1, 'timeline shows the silence');
  const t = page.locator('#why time').first();
  assert.match(await t.getAttribute('title'), /Z UTC$/, 'UTC on hover');
});

await check('the switch grid shows the shut ports', async () => {
  await visit(page, LOCAL, 'switches/02:00:5e:10:00:03', '#faceplate');
  for (const p of ['swp2', 'swp3', 'swp4'])
    assert.match(await page.getAttribute(`.port[data-port="${p}"]`, 'class'), /down r-port_disabled/, p);
  assert.match(await page.getAttribute('.port[data-port="swp1"]', 'class'), /\bup\b/);
  assert.equal(await page.locator('.port').count(), 8);
});

await check('switch and Wi-Fi summaries count machines and silent ones', async () => {
  const [sw, wifi] = await page.evaluate(async () => Promise.all(['/v1/network/switches', '/v1/network/wifis'].map((u) => fetch(u).then((r) => r.json()))));
  const floor3 = sw.switches.find((x) => x.switch === 'sw-floor-3');
  assert.deepEqual([floor3.chassis, floor3.machines, floor3.silent], ['02:00:5e:10:00:03', 8, 3]);
  assert.equal(sw.switches.length, 5);
  const ap1 = wifi.networks.find((x) => x.bssid === 'a0:b1:c2:00:00:01');
  assert.deepEqual([ap1.ssid, ap1.machines, ap1.silent], ['Corp-WLAN', 2, 1]);
  assert.equal(wifi.networks.length, 2);
});

await check('outages: a machine is in a network outage only for its own network reason', async () => {
  const o = await page.evaluate(async () => (await fetch('/v1/outages')).json());
  const reasonOf = new Map(whb('silent').machines.map((m) => [m.machine, m.reason]));
  const net = o.outages.filter((x) => x.kind === 'switch' || x.kind === 'access_point');
  for (const x of net)
    for (const m of x.machines) assert.equal(reasonOf.get(m.machine), x.reason, `${m.machine} in ${x.where}`);
  const floor3 = net.find((x) => x.where.startsWith('switch sw-floor-3'));
  assert.deepEqual([floor3.reason, floor3.machines_count], ['port_disabled', 3]);
  // Asleep, hibernating, turned off: their own reasons. (pc-crash's agent died without a word:
  // at the collector that is one more port gone quiet on sw-access-2, as its why says.)
  for (const quiet of ['lt-hib', 'lt-sleep', 'pc-off'])
    assert.ok(!net.some((x) => x.machines.some((m) => m.machine.startsWith(`${quiet}.`))), `${quiet} is in no network outage`);
  assert.equal(o.unexplained, 0);
});

await check('silent machines: server-side filter, sort and paging', async () => {
  const portDisabled = whb('silent').machines.filter((m) => m.reason === 'port_disabled').length;
  assert.ok(portDisabled >= 3, 'the three ports of sw-floor-3 at least');
  await visit(page, LOCAL, 'silent?reason=port_disabled', '#silent-count');
  assert.match(await page.textContent('#silent-count'), new RegExp(`^${portDisabled} machines`));
  assert.equal(await page.locator('main tbody tr').count(), portDisabled);
  await visit(page, LOCAL, 'silent?sort=machine', '#silent-count');
  const names = await page.locator('main tbody tr td:first-child').allTextContents();
  assert.deepEqual(names, [...names].sort());
  assert.equal(names.length, whb('silent').count);
  await visit(page, LOCAL, 'switches', 'main table');
  await page.click('a[href="#/silent?switch=02%3A00%3A5e%3A10%3A00%3A03"]');
  await page.waitForFunction(() => /^3 machines/.test(document.querySelector('#silent-count')?.textContent || ''), null, { timeout: 10000 })
    .catch(async (e) => { throw new Error(`${e.message.split('\n')[0]} at ${await page.evaluate(() => location.hash)}: ${await page.textContent('main')}`); });
  assert.equal(await page.inputValue('#f-switch'), '02:00:5e:10:00:03');
  await page.fill('#f-switch', '');
  await page.selectOption('#f-reason', 'hibernation');
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(() => /^1 machines/.test(document.querySelector('#silent-count')?.textContent || ''));
  assert.equal(await page.textContent('main tbody tr td:first-child'), 'lt-hib.corp.example');
  noProblems(local);
});

await check('names with markup and bidi characters stay text', async () => {
  await visit(page, LOCAL, 'machine/pc-lab.corp.example', '#attachment', 'machine-markup');
  // Shown as text; no override reaches the page to be obeyed.
  assert.equal(await page.textContent('#attachment a[href^="#/switches/"]'), LAB_SHOWN);
  assert.equal(await page.textContent('#kv-port'), '<b>p1</b>?');
  assert.ok(!(await page.textContent('main')).includes('\u202e'), 'no bidi override in the page');
  assert.equal(await page.locator('main img, main b').count(), 0, 'no element made from a name');
  await visit(page, LOCAL, 'switches', 'main table');
  assert.ok((await page.locator('main td a').allTextContents()).includes(LAB_SHOWN));
  assert.equal(await page.locator('main img').count(), 0);
  noProblems(local);
});

await check('WSUS list: CSV upload, a reason per computer, CSV export', async () => {
  await visit(page, LOCAL, 'wsus', '#csv');
  await page.setInputFiles('#csv', CSV);
  await page.waitForSelector('#wsus-counts');
  const csvRows = execFileSync('grep', ['-c', 'corp.example', CSV], { encoding: 'utf8' }).trim();
  assert.match(await page.textContent('#wsus-counts'), new RegExp(`^${csvRows} computers imported; WSUS lists 12 as not reporting`));
  const row = (name) => page.locator('main tbody tr', { hasText: name }).first().textContent();
  assert.match(await row('pc-999.corp.example'), /no agent|No agent|agent/i);
  assert.match(await row('pc-303.corp.example'), /port to which the computer connects has been disabled/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.equal(download.suggestedFilename(), 'wsus-not-reporting-explained.csv');
  const exported = (await import('node:fs')).readFileSync(await download.path(), 'utf8');
  assert.match(exported, /^"Computer","Status","Reason"/);
  assert.match(exported, /"pc-303\.corp\.example","not_reporting","The network port/);
  await page.screenshot({ path: path.join(SHOTS, 'wsus-imported.png'), fullPage: true });
  // The fleet page now says what WSUS lists and how much of it is explained.
  await visit(page, LOCAL, 'fleet', '#wsus-not-reported', 'fleet-with-wsus');
  assert.equal(await page.textContent('#wsus-not-reported'), '12');
  assert.equal(await page.textContent('#wsus-explained'), '10');
  noProblems(local);
});

await check('a browser POST without the CSRF token is refused, even from loopback', async () => {
  const r = await page.evaluate(async () => (await fetch('/v1/wsus/import', { method: 'POST', body: '[]', headers: { 'Content-Type': 'application/json' } })).status);
  assert.equal(r, 403);
  local.problems.splice(0);
});

await check('keyboard: skip link first, then the navigation', async () => {
  const kp = await local.newPage();
  await visit(kp, LOCAL, 'fleet', '#by-reason');
  await kp.keyboard.press('Tab');
  assert.equal(await kp.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await kp.keyboard.press('Tab');
  assert.equal(await kp.evaluate(() => document.activeElement.textContent), 'Fleet');
  await kp.keyboard.press('Tab');
  await kp.keyboard.press('Enter');
  await kp.waitForSelector('#silent-count');
  await kp.close();
  noProblems(local);
});

console.log('phone width (390x844)');
const phone = await context({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
const pp = await phone.newPage();
for (const [route, ready, shot] of [['fleet', '#by-reason', 'phone-fleet'], ['machine/pc-303.corp.example', '#why', 'phone-machine'], ['switches/02:00:5e:10:00:03', '#faceplate', 'phone-switch']])
  await check(`phone: #/${route} fits the width`, async () => {
    await visit(pp, LOCAL, route, ready, shot);
    assert.ok(await pp.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal scroll');
    noProblems(phone);
  });

console.log('login from another host');
if (!REMOTE) {
  console.log('    ######## SKIPPED: this host has no non-loopback IPv4 address: login not tested ########');
  failed++;
} else {
  const remote = await context();
  const rp = await remote.newPage();
  await check('a caller from another host is sent to the login page', async () => {
    await rp.goto(REMOTE + '/');
    await rp.waitForURL(/\/login$/);
    await rp.waitForSelector('#token');
    await rp.screenshot({ path: path.join(SHOTS, 'login.png') });
    const api = await rp.evaluate(async () => (await fetch('/v1/status')).status);
    assert.equal(api, 401);
    remote.problems.splice(0); // the 401 above is logged by the browser on purpose
  });
  await check('a wrong token is refused', async () => {
    await rp.fill('#token', 'not-the-token');
    await rp.click('button[type=submit]');
    await rp.waitForFunction(() => document.getElementById('error').textContent !== '');
    assert.match(await rp.textContent('#error'), /wrong admin token/);
    remote.problems.splice(0);
  });
  await check('the admin token logs in: HttpOnly, Secure, SameSite=Strict cookie', async () => {
    await rp.fill('#token', TOKEN);
    await rp.click('button[type=submit]');
    await rp.waitForSelector('#by-reason');
    const [c] = (await remote.cookies()).filter((x) => x.name === 'whb_session');
    assert.ok(c, 'session cookie');
    assert.equal(c.httpOnly, true);
    assert.equal(c.secure, true);
    assert.equal(c.sameSite, 'Strict');
    const lifetime = c.expires - Date.now() / 1000;
    assert.ok(lifetime > 0 && lifetime <= 8 * 3600 + 5, `bounded lifetime (${lifetime} s)`);
    assert.equal(await rp.evaluate(() => document.cookie), '', 'not readable from script');
    assert.equal(await rp.textContent('#known'), String(whb('status').known));
    noProblems(remote);
  });
  await check('CSRF: the session without its token cannot POST; with it, it can', async () => {
    const [bad, good] = await rp.evaluate(async () => {
      const s = await (await fetch('/console/session')).json();
      const post = (h) => fetch('/v1/wsus/import', { method: 'POST', body: '[]', headers: { 'Content-Type': 'application/json', ...h } }).then((r) => r.status);
      return [await post({ 'X-CSRF-Token': 'x'.repeat(43) }), await post({ 'X-CSRF-Token': s.csrf })];
    });
    assert.equal(bad, 403);
    assert.equal(good, 200);
    remote.problems.splice(0);
  });
  await check('logout ends the session', async () => {
    await rp.click('#logout');
    await rp.waitForURL(/\/login$/);
    const api = await rp.evaluate(async () => (await fetch('/v1/status')).status);
    assert.equal(api, 401);
    remote.problems.splice(0);
  });
}

await browser.close();
console.log(failed ? `web console: ${failed} FAILED` : 'web console: all passed');
process.exit(failed ? 1 : 0);
