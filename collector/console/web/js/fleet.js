// Fleet: machines by reason (documented reasons first), WSUS's view, outages in progress.
// Polls every 5 s, or less often when the collector takes long to answer (a large fleet), so
// that the console never keeps the collector busy.
import { get } from './api.js';
import { el, when, count, reasonBadge, errorBox } from './ui.js';

export async function fleet(main) {
  const h = el('h1', {}, 'Fleet');
  const body = el('div', { 'aria-live': 'polite' });
  main.append(h, body);
  let timer = null, stopped = false, first = true;
  async function refresh() {
    const t0 = performance.now();
    try {
      if (first) { // the counts at once; explaining a large fleet takes the collector longer
        first = false;
        const [c, ws] = await Promise.all([get('/v1/counts'), get('/v1/wsus/summary')]);
        body.replaceChildren(render({ ...c, explained: '…', by_reason: null }, null, ws));
      }
      const [st, out, ws] = await Promise.all([get('/v1/status'), get('/v1/outages'), get('/v1/wsus/summary')]);
      body.replaceChildren(render(st, out, ws));
    } catch (e) { body.replaceChildren(errorBox(e)); }
    if (!stopped) timer = setTimeout(refresh, Math.max(5000, 10 * (performance.now() - t0)));
  }
  await refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

// Each number leads to the machines it counts.
function stat(label, value, id, href) {
  return el('a', { class: 'stat', href }, el('span', { class: 'value', id }, String(value)), el('span', { class: 'label' }, label));
}

// An outage leads to its machines: the silent list filtered to its switch or access point.
function outageHref(o) {
  const f = o.filter || {};
  if (f.switch) return '#/silent?switch=' + encodeURIComponent(f.switch) + '&reason=' + encodeURIComponent(o.reason);
  if (f.bssid) return '#/silent?bssid=' + encodeURIComponent(f.bssid) + '&reason=' + encodeURIComponent(o.reason);
  return '#/outages';
}

function render(st, out, ws) {
  const reasons = [...(st.by_reason || [])].sort((a, b) => (b.documented - a.documented) || (b.machines - a.machines));
  const max = Math.max(1, ...reasons.map((r) => r.machines));
  const rows = reasons.map((r) => el('li', { class: 'bar-row', 'data-reason': r.reason },
    el('a', { href: '#/silent?reason=' + encodeURIComponent(r.reason), class: 'bar-label' }, reasonBadge(r.reason, r.term, r.documented),
      r.documented ? '' : el('span', { class: 'muted' }, ' (not on the WSUS page)')),
    el('span', { class: 'bar', 'aria-hidden': 'true' }, el('span', { class: 'fill r-' + r.reason + ' w' + Math.max(1, Math.round(20 * r.machines / max)) })),
    el('span', { class: 'count' }, String(r.machines))));
  return el('div', {},
    el('div', { class: 'stats' },
      stat('machines known', st.known, 'known', '#/silent?state=all'), stat('reporting', st.reporting, 'reporting', '#/silent?state=reporting'),
      stat('not reporting', st.not_reporting, 'not-reporting', '#/silent'), stat('explained', st.explained, 'explained', '#/silent?sort=reason'),
      ws.listed ? stat('WSUS lists as not reporting', ws.not_reported, 'wsus-not-reported', '#/wsus') : null,
      ws.listed ? stat('of those, with an agent (explained)', ws.with_agent, 'wsus-explained', '#/wsus') : null),
    ws.listed ? null : el('p', { class: 'muted small' }, 'No WSUS computer list imported yet: ', el('a', { href: '#/wsus' }, 'import one'), '.'),
    el('h2', {}, 'Why machines are not reporting'),
    !st.by_reason ? el('p', { class: 'muted' }, 'Explaining the silent machines…')
      : rows.length ? el('ul', { class: 'bars', id: 'by-reason' }, rows) : el('p', { id: 'by-reason' }, 'Every machine reports.'),
    el('h2', {}, 'Outages in progress'),
    !out ? el('p', { class: 'muted' }, '…') : out.outages.length ? el('ul', { class: 'outages', id: 'fleet-outages' }, out.outages.slice(0, 20).map((o) => el('li', {},
      el('a', { href: outageHref(o) }, el('strong', {}, o.where), ` — ${count(o.machines_count, 'machine')}`), ' since ', when(o.since), ': ', reasonBadge(o.reason, o.term, o.documented))))
      : el('p', {}, 'None.'),
    out && out.outages.length > 20 ? el('p', {}, el('a', { href: '#/outages' }, `All ${out.outages.length} outages`)) : null,
    (st.wsus_side || []).length ? [el('h2', {}, 'WSUS server'), el('ul', { class: 'outages', id: 'wsus-side' }, st.wsus_side.map((w) => el('li', {},
      el('a', { href: '#/outages' }, el('strong', {}, 'WSUS ', w.url), ` — ${w.http ? 'HTTP ' + w.http : w.class} to ${count(w.machines, 'reporting machine')}`), ': ',
      reasonBadge(w.reason, w.term, false))))] : null,
    el('p', { class: 'muted small' }, 'Updated ', when(st.generated_at)));
}
