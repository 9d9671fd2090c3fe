// Silent machines (or, with state=reporting|all, the others too): the server sorts, filters and
// pages (fast at 100,000 machines); the state lives in the URL so a view can be linked and the
// back button works. A filter no machine matches is said, not answered with "0 machines".
import { get, enc } from './api.js';
import { el, put, when, count, machineLink, reasonBadge, table } from './ui.js';

const PAGE = 50;
const FILTERS = ['reason', 'confidence', 'switch', 'ssid', 'bssid', 'subnet', 'q'];
const TITLES = { silent: 'Silent machines', reporting: 'Reporting machines', all: 'Machines' };

export async function silent(main, _path, params) {
  const p = new URLSearchParams(params);
  if (!p.get('sort')) p.set('sort', 'silent_since');
  if (!p.get('offset')) p.set('offset', '0');
  p.set('limit', String(PAGE));
  const [cat, page] = await Promise.all([get('/v1/reasons'), get('/v1/silent?' + p.toString())]);
  const reasons = cat.reasons.filter((r) => r.reason !== 'reporting');
  const go = (change) => {
    const q = new URLSearchParams(p);
    for (const [k, v] of Object.entries(change)) if (v) q.set(k, v); else q.delete(k);
    q.delete('limit');
    location.hash = '#/silent?' + q.toString();
  };
  const form = el('form', { class: 'filters', 'aria-label': 'Filter' },
    field('reason', 'Reason', el('select', { id: 'f-reason', name: 'reason' }, el('option', { value: '' }, 'any'),
      reasons.map((r) => el('option', { value: r.reason, selected: p.get('reason') === r.reason }, r.term)))),
    field('confidence', 'Confidence', el('select', { id: 'f-confidence', name: 'confidence' },
      ['', 'high', 'medium', 'low'].map((c) => el('option', { value: c, selected: (p.get('confidence') || '') === c }, c || 'any')))),
    ...['switch', 'ssid', 'bssid', 'subnet', 'q'].map((k) => field(k, { switch: 'Switch', ssid: 'SSID', bssid: 'Access point (BSSID)', subnet: 'Subnet', q: 'Name contains' }[k],
      el('input', { id: 'f-' + k, name: k, value: p.get(k) || '', size: 14 }))),
    el('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const change = { offset: '0' };
    for (const k of FILTERS) change[k] = fd.get(k) || '';
    go(change);
  });
  const sortBy = (key, label) => {
    const cur = p.get('sort') === key;
    return el('button', { type: 'button', class: 'sort', 'aria-pressed': cur ? 'true' : 'false', onclick: () => go({ sort: key, offset: '0' }) }, label, cur ? ' ▾' : '');
  };
  const rows = page.machines.map((m) => {
    const a = m.attachment || {};
    return el('tr', {},
      el('td', {}, machineLink(m.machine)),
      el('td', {}, reasonBadge(m.reason, m.term, m.documented), el('div', { class: 'muted small' }, m.summary)),
      el('td', {}, m.confidence),
      el('td', {}, when(m.silent_since)),
      el('td', {}, a.wireless ? el('span', {}, 'Wi-Fi ', a.ssid, ' ', el('span', { class: 'mono' }, a.bssid))
        : el('span', {}, a.switch || a.switch_chassis || '', ' ', a.port)),
      el('td', { class: 'mono' }, a.subnet));
  });
  const off = Number(p.get('offset'));
  const total = page.total;
  const state = page.state || 'silent';
  const what = { silent: 'not reporting', reporting: 'reporting', all: 'known' }[state];
  const unknown = page.unknown || [];
  put(main, el('h1', {}, TITLES[state]), form,
    unknown.length ? el('p', { class: 'error', id: 'unknown-filter', role: 'alert' },
      unknown.map((u) => u.error[0].toUpperCase() + u.error.slice(1)).join('; '), ' (as the machines report it: ',
      el('a', { href: u0link(unknown[0].filter) }, 'the known ones'), ').') : null,
    el('p', { id: 'silent-count' }, `${count(total, 'machine')} ${what}`,
      total ? ` — showing ${off + 1}–${Math.min(off + PAGE, total)}` : '',
      page.partial ? el('span', { class: 'muted' }, ' (by reason or confidence: among the most recently silent only, until the collector has explained them all)') : null,
      page.reasons_at ? el('span', { class: 'muted', id: 'reasons-at' }, ' (by reasons made ', when(page.reasons_at), ')') : null),
    table([sortBy('machine', 'Machine'), sortBy('reason', 'Reason'), sortBy('confidence', 'Confidence'),
      sortBy('silent_since', 'Silent since'), sortBy('switch', 'Switch / Wi-Fi'), 'Subnet'], rows),
    el('nav', { class: 'pager', 'aria-label': 'Pages of results' },
      el('button', { type: 'button', disabled: off <= 0, onclick: () => go({ offset: String(Math.max(0, off - PAGE)) }) }, '← Previous'),
      el('button', { type: 'button', disabled: off + PAGE >= total, onclick: () => go({ offset: String(off + PAGE) }) }, 'Next →')));
}

function u0link(filter) {
  return filter === 'switch' ? '#/switches' : filter === 'subnet' ? '#/silent?state=all&sort=switch' : '#/wifi';
}

function field(name, label, input) {
  return el('span', { class: 'field' }, el('label', { for: 'f-' + name }, label), input);
}
