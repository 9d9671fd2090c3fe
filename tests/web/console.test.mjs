// The console in Debian's chromium (playwright-core, executablePath only: nothing downloads a
// browser). Run by run.sh, which starts the collector and the demo fleet and sets the WEB_*
// variables. Each check prints ok/FAIL; any failure exits 1.
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import assert from 'node:assert/strict';
import path from 'node:path';

const env = (k) => { if (!process.env[k]) throw new Error(`${k} is not set: run tests/web/run.sh`); return process.env[k]; };
const LOCAL = env('WEB_LOCAL'), SHOTS = env('WEB_SHOTS'), BIN = env('WHB_BIN'), CSV = env('WEB_CSV');
const REMOTE = process.env.WEB_REMOTE || '', TOKEN = env('WEB_ADMIN_TOKEN'), WORK = env('WEB_WORK');
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
  // The same URL again is no hash change: load it anew.
  if (page.url() === base + '/#/' + route) await page.reload();
  else await page.goto(base + '/#/' + route);
  // On a timeout, say what the page showed instead (an error box, a placeholder).
  await page.waitForSelector(ready, { timeout: 10000 })
    .catch(async (e) => { throw new Error(`${route}: no ${ready} after 10 s; the page shows: ${(await page.textContent('main').catch(() => '?')).slice(0, 400)}; ${e.message.split('\n')[0]}`); });
  await page.waitForLoadState('networkidle');
  assert.doesNotMatch(await page.textContent('main'), /\b(null|undefined|NaN)\b|\[object /, 'no placeholder text');
  if (shot) await page.screenshot({ path: path.join(SHOTS, shot + '.png'), fullPage: true });
}

// Loopback is no identity (issue 22): the console sends this host's browser to the login page
// too; it logs in with the admin token like any other.
async function login(ctx, base) {
  const p = await ctx.newPage();
  await p.goto(base + '/');
  await p.waitForURL(/\/login$/);
  await p.fill('#token', TOKEN);
  await p.click('button[type=submit]');
  await p.waitForSelector('#by-reason');
  await p.close();
  ctx.problems.splice(0); // the first 401 is logged by the browser on purpose
}

const local = await context();
await check('loopback without a login is sent to the login page, then logs in', async () => {
  await login(local, LOCAL);
});
const page = await local.newPage();

console.log('console pages (loopback, logged in, 1366x768)');
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
  assert.equal(sw.switches.length, 7); // sw-floor-5 and -6: the update clients' machines
  const ap1 = wifi.networks.find((x) => x.bssid === 'a0:b1:c2:00:00:01');
  assert.deepEqual([ap1.ssid, ap1.machines, ap1.silent], ['Corp-WLAN', 2, 1]);
  assert.equal(wifi.networks.filter((x) => x.ssid === 'Corp-WLAN').length, 2);
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
  assert.match(await page.textContent('#silent-count'), new RegExp(`^${portDisabled} machines not reporting`));
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
  await page.waitForFunction(() => /^1 machine not reporting/.test(document.querySelector('#silent-count')?.textContent || ''));
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
  const csvRows = execFileSync('grep', ['-c', 'corp.example', CSV], { encoding: 'utf8' }).trim();
  // The page shows what is imported before the upload too: wait for the upload's own answer.
  await page.waitForFunction((n) => (document.querySelector('#wsus-counts')?.textContent || '').startsWith(`${n} computers imported`), csvRows, { timeout: 20000 })
    .catch(() => {});
  assert.match(await page.textContent('#wsus-counts'), new RegExp(`^${csvRows} computers imported; WSUS lists 28 as not reporting`));
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
  assert.equal(await page.textContent('#wsus-not-reported'), '28');
  assert.equal(await page.textContent('#wsus-explained'), '26');
  noProblems(local);
});

// ---- First contact (issue 23): no dead ends in the console. ----
const csvAt = (name, text) => { const f = path.join(WORK, name); fs.writeFileSync(f, text); return f; };
// `whb wsus-import`'s own error for a file, without "whb: PATH: ".
const cliError = (file, ...args) => {
  const r = spawnSync(path.join(BIN, 'whb'), ['wsus-import', file, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 2, 'the CLI refuses it');
  return r.stderr.trim().replace(`whb: ${file}: `, '');
};
async function uploadFile(file, culture) {
  await visit(page, LOCAL, 'wsus', '#csv');
  if (culture) await page.fill('#date-format', culture);
  await page.setInputFiles('#csv', file);
  await page.waitForSelector('#wsus-upload .error, #wsus-imported', { timeout: 20000 });
}

await check('the WSUS page shows the list already imported (by the CLI), with matched_by and the next step', async () => {
  execFileSync(path.join(BIN, 'whb'), ['wsus-import', CSV], { encoding: 'utf8' });
  await visit(page, LOCAL, 'wsus', '#wsus-counts', 'wsus-current');
  assert.match(await page.textContent('#wsus-counts'), /computers imported; WSUS lists 28 as not reporting/);
  const heads = await page.locator('#wsus-current thead th').allTextContents();
  for (const h of ['Matched by', 'Next step']) assert.ok(heads.includes(h), `column ${h}: ${heads}`);
  const row = page.locator('#wsus-current tbody tr', { hasText: 'pc-303.corp.example' }).first();
  assert.equal(await row.locator('td.matched-by').textContent(), 'fqdn');
  assert.match(await row.locator('td.next-step').textContent(), /switch sw-floor-3/);
  const ghost = page.locator('#wsus-current tbody tr', { hasText: 'pc-999.corp.example' }).first();
  assert.equal(await ghost.locator('td.matched-by').textContent(), 'none');
  assert.match(await ghost.locator('td.next-step').textContent(), /GPO/);
  noProblems(local);
});

await check('one CSV reader: an en-AU list the CLI refuses as ambiguous, the console refuses with the same words', async () => {
  const au = csvAt('au.csv', '"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"\n"pc-303.corp.example","","1/12/2026 9:00:00 am","1/12/2026 9:00:00 am"\n');
  const want = cliError(au);
  await uploadFile(au);
  assert.equal(await page.textContent('#wsus-upload .error'), `au.csv: ${want}`);
  assert.match(await page.textContent('#wsus-counts'), /^\d+ computers imported; WSUS lists 28 as not reporting/, 'nothing replaced');
  local.problems.splice(0); // the 400 is logged by the browser on purpose
  // Named as the WSUS server's culture it imports, as 1 December, not 12 January.
  await uploadFile(au, 'en-AU');
  assert.match(await page.textContent('#wsus-imported'), /au\.csv imported \(UTF-8, ','-separated, dates read as day\/month\/year \(en-AU, --date-format\)\)/);
  assert.match(await page.textContent('#wsus-changes'), /1 kept/);
  noProblems(local);
});

await check('one CSV reader: a semicolon de-DE list the CLI imports, the console imports; a culture that does not fit is refused', async () => {
  const de = csvAt('de.csv', '\ufeff"FullDomainName";"IPAddress";"LastReportedStatusTime";"LastSyncTime"\r\n"pc-303.corp.example";"";"25.11.2026 19:58:12";"03.11.2026 09:00:00"\r\n"pc-777.corp.example";"";"01.01.0001 00:00:00";"01.01.0001 00:00:00"\r\n');
  execFileSync(path.join(BIN, 'whb'), ['wsus-import', de], { encoding: 'utf8' });
  await uploadFile(de);
  assert.match(await page.textContent('#wsus-imported'), /de\.csv imported \(UTF-8 BOM, ';'-separated/);
  assert.match(await page.textContent('#wsus-counts'), /^2 computers imported/);
  const us = csvAt('us.csv', '"FullDomainName","LastReportedStatusTime"\n"pc-303.corp.example","10/2/2026 3:04:05 PM"\n');
  const want = cliError(us, '--date-format', 'de-DE');
  await uploadFile(us, 'de-DE');
  assert.equal(await page.textContent('#wsus-upload .error'), `us.csv: ${want}`);
  local.problems.splice(0);
  execFileSync(path.join(BIN, 'whb'), ['wsus-import', CSV], { encoding: 'utf8' }); // the demo's list again
});

await check('a long list uploads in parts and is stored a slice at a time (2,500 computers, 180 KB)', async () => {
  const rows = ['"FullDomainName","IPAddress","LastReportedStatusTime","LastSyncTime"'];
  for (let i = 0; i < 2500; i++) rows.push(`"ws${String(i).padStart(5, '0')}.branch.corp.example","10.40.${i >> 8}.${i & 255}","2026-11-20T10:00:00.0000000Z","2026-11-20T10:00:00.0000000Z"`);
  const big = csvAt('big.csv', rows.join('\r\n') + '\r\n');
  await uploadFile(big);
  assert.match(await page.textContent('#wsus-counts'), /^2,?500 computers imported/);
  execFileSync(path.join(BIN, 'whb'), ['wsus-import', CSV], { encoding: 'utf8' }); // the demo's list again
  noProblems(local);
});

await check('the Fleet page: its counts and outages are links to their machines', async () => {
  await visit(page, LOCAL, 'fleet', '#by-reason');
  const st = whb('status');
  for (const [id, want] of [['known', st.known], ['reporting', st.reporting], ['not-reporting', st.not_reporting]]) {
    await visit(page, LOCAL, 'fleet', '#by-reason');
    await page.click('#' + id);
    await page.waitForFunction((n) => new RegExp('^' + n + ' machines? ').test(document.querySelector('#silent-count')?.textContent || ''), want, { timeout: 10000 })
      .catch(async () => { throw new Error(`${id}: ${await page.textContent('main')}`); });
  }
  await visit(page, LOCAL, 'fleet', '#fleet-outages');
  const floor3 = page.locator('#fleet-outages a', { hasText: 'sw-floor-3' });
  assert.match(await floor3.textContent(), /3 machines$/);
  await floor3.click();
  await page.waitForFunction(() => /^3 machines not reporting/.test(document.querySelector('#silent-count')?.textContent || ''));
  await visit(page, LOCAL, 'fleet', '#wsus-side');
  assert.match(await page.textContent('#wsus-side'), /HTTP 503 to 4 reporting machines/);
  noProblems(local);
});

await check('an unknown machine\'s page says so, with the names it is near; a computer only WSUS knows gets its no_agent answer', async () => {
  await visit(page, LOCAL, 'machine/pc-3033.corp.example', '#status', 'machine-unknown');
  assert.match(await page.textContent('#status'), /No agent has ever reported from pc-3033\.corp\.example/);
  // pc-503-3 (the demo's update clients) is two edits away too.
  assert.deepEqual(await page.locator('#did-you-mean a').allTextContents(), ['pc-303.corp.example', 'pc-503-3.corp.example']);
  assert.doesNotMatch(await page.textContent('main'), /Error/);
  await visit(page, LOCAL, 'machine/srv-legacy-1.corp.example', '#why');
  assert.match(await page.textContent('#status'), /WSUS lists it/);
  assert.match(await page.textContent('#next-step'), /GPO assigning whb-agent\.msi/);
  local.problems.splice(0); // the 404 of the first is logged by the browser on purpose
});

await check('the timeline has time ticks; one date format throughout', async () => {
  await visit(page, LOCAL, 'machine/pc-303.corp.example', '#why');
  const ticks = await page.locator('svg.timeline text.tl-tick').allTextContents();
  assert.ok(ticks.length >= 3, `ticks: ${ticks}`);
  for (const t of ticks) assert.match(t, /^(\d{2}-\d{2} )?\d{2}:\d{2}(:\d{2})?$|^\d{4}-\d{2}-\d{2}$/, `tick ${t}`);
  assert.ok(await page.locator('svg.timeline line.tl-grid').count() >= 3, 'tick lines');
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
  for (const route of ['machine/pc-303.corp.example', 'silent', 'outages', 'wsus', 'fleet', 'switches/02:00:5e:10:00:03']) {
    await visit(page, LOCAL, route, 'main h1');
    await page.waitForLoadState('networkidle');
    for (const t of await page.locator('main time').allTextContents()) assert.match(t, iso, `${route}: ${t}`);
    const titles = (await page.locator('main svg title').allTextContents()).join(' | ');
    assert.doesNotMatch(titles, /\d{1,2}\/\d{1,2}\/\d{4}|\b[AP]M\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/, `${route} timeline titles: ${titles.slice(0, 200)}`);
  }
  noProblems(local);
});

await check('the silent list says when a switch, SSID or subnet is unknown, instead of "0 machines"', async () => {
  for (const [q, want] of [['switch=sw-floor-33', /No machine has reported switch sw-floor-33/], ['ssid=Crop-WLAN', /No machine has reported SSID Crop-WLAN/],
    ['subnet=10.99.0.0%2F24', /No machine has reported subnet 10\.99\.0\.0\/24/]]) {
    await visit(page, LOCAL, 'silent?' + q, '#silent-count');
    assert.match(await page.textContent('#unknown-filter'), want);
  }
  // A known switch with no silent machine on it is not "unknown".
  await visit(page, LOCAL, 'silent?switch=sw-floor-2&reason=port_disabled', '#silent-count');
  assert.equal(await page.locator('#unknown-filter').count(), 0);
  await visit(page, LOCAL, 'wifi/a0:b1:c2:00:00:99', 'main h1');
  assert.match(await page.textContent('main'), /No machine reports access point a0:b1:c2:00:00:99/);
  noProblems(local);
});

await check('the reason filter fits an 800 px window', async () => {
  const small = await local.newPage();
  await small.setViewportSize({ width: 800, height: 600 });
  await visit(small, LOCAL, 'silent', '#f-reason', 'silent-800');
  const right = await small.evaluate(() => document.getElementById('f-reason').getBoundingClientRect().right);
  assert.ok(right <= 800 - 8, `the reason list ends at ${right} px`);
  assert.ok(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal scroll');
  await small.close();
  noProblems(local);
});

await check('a browser POST without the CSRF token is refused, even with a session', async () => {
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

// A 250-character SSID (forged: run.sh sends it) must not push the tables off screen (issue 22).
const LONG_SSID = env('WEB_LONG_SSID');
for (const [route, ready] of [['wifi', 'main table'], ['wifi/a0:b1:c2:00:00:77', 'main table'], ['machine/lt-longssid.corp.example', '#why']])
  await check(`a 250-character SSID stays on screen: #/${route}`, async () => {
    await visit(page, LOCAL, route, ready);
    assert.ok((await page.textContent('main')).includes(LONG_SSID.slice(0, 40)), 'the SSID is shown');
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(w[0] <= w[1] + 1, `no horizontal scroll (${w[0]} > ${w[1]})`);
    noProblems(local);
  });

console.log('phone width (390x844)');
const phone = await context({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
await login(phone, LOCAL);
const pp = await phone.newPage();
for (const [route, ready, shot] of [['fleet', '#by-reason', 'phone-fleet'], ['machine/pc-303.corp.example', '#why', 'phone-machine'], ['switches/02:00:5e:10:00:03', '#faceplate', 'phone-switch'], ['wifi', 'main table', 'phone-wifi']])
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
    assert.match(await rp.textContent('#error'), /wrong token/);
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
