// The network team's views: switches as faceplates (one port per machine behind it, coloured
// by that machine's state, with a day's flaps and errors, and what the switch itself says of
// the port: shut, no link, err-disabled) and Wi-Fi per SSID and access point.
import { get, enc } from './api.js';
import { el, put, when, count, machineLink, reasonBadge, table } from './ui.js';

export async function switches(main, which) {
  put(main, el('h1', {}, which ? 'Switch' : 'Switches'));
  if (which) return faceplate(main, which);
  const d = await get('/v1/network/switches');
  put(main, d.switches.length ? table(['Switch', 'Chassis', 'Machines', 'Silent'], d.switches.map((s) => el('tr', {},
    el('td', {}, el('a', { href: '#/switches/' + enc(s.chassis) }, s.switch || s.chassis)),
    el('td', { class: 'mono' }, s.chassis), el('td', {}, String(s.machines)),
    el('td', { class: s.silent ? 'bad' : '' }, s.silent ? el('a', { href: '#/silent?switch=' + enc(s.chassis) }, String(s.silent)) : '0')))) : el('p', {}, 'No machine reported a switch (LLDP) yet.'));
}

function portKey(p) { // Gi1/0/7, swp12, eth3: natural order
  return p.replace(/\d+/g, (n) => n.padStart(6, '0'));
}

// The switch's own word on a port (SNMP, syslog), in a few words: "shut", "no link", "up 1000".
function switchWord(w) {
  if (!w) return '';
  if (w.err_disabled) return 'err-disabled' + (w.cause ? ' (' + w.cause + ')' : '');
  if (w.admin === 'down') return 'shut';
  if (w.oper === 'down') return 'no link';
  if (w.oper === 'up') return 'link' + (w.speed_mbps ? ' ' + w.speed_mbps : '');
  return w.oper || w.admin || '';
}

async function faceplate(main, which) {
  const d = await get('/v1/network/switches?switch=' + enc(which));
  const s = d.switches[0];
  if (!s) { put(main, el('p', {}, 'No machine reports this switch.')); return; }
  main.querySelector('h1').textContent = 'Switch ' + (s.switch || s.chassis);
  const ports = [...s.ports].sort((a, b) => portKey(a.port).localeCompare(portKey(b.port)));
  put(main, el('p', {}, el('span', { class: 'mono' }, s.chassis), ` — ${count(s.machines, 'machine')}, ${s.silent} silent`),
    el('div', { class: 'faceplate', id: 'faceplate', role: 'list', 'aria-label': 'Ports' }, ports.map((p) => el('a', {
      role: 'listitem', href: '#/machine/' + enc(p.machine), 'data-port': p.port,
      class: 'port ' + (p.status === 'reporting' ? 'up' : 'down r-' + p.reason),
      title: `${p.port}: ${p.machine} — ${p.status === 'reporting' ? 'reporting' : p.term}` },
      el('span', { class: 'pname' }, p.port), el('span', { class: 'pstate' }, p.status === 'reporting' ? 'up' : 'silent'),
      p.switch_says ? el('span', { class: 'psw', 'data-admin': p.switch_says.admin, 'data-oper': p.switch_says.oper }, 'switch: ' + switchWord(p.switch_says)) : null,
      p.flaps_24h || p.errors_24h ? el('span', { class: 'pflap' }, `flaps ${p.flaps_24h} · err ${p.errors_24h}`) : null))),
    table(['Port', 'Machine', 'State', 'The switch says', 'Flaps (24 h)', 'Error reports (24 h)'], ports.map((p) => el('tr', {},
      el('td', { class: 'mono' }, p.port), el('td', {}, machineLink(p.machine)),
      el('td', {}, p.status === 'reporting' ? 'reporting' : [reasonBadge(p.reason, p.term, true), ' since ', when(p.silent_since)]),
      el('td', {}, p.switch_says ? [`admin ${p.switch_says.admin}, oper ${p.switch_says.oper} since `, when(p.switch_says.since), p.switch_says.err_disabled ? ` (err-disabled: ${p.switch_says.cause})` : ''] : '—'),
      el('td', {}, String(p.flaps_24h ?? '')), el('td', {}, String(p.errors_24h ?? ''))))));
}

export async function wifi(main, which) {
  put(main, el('h1', {}, 'Wi-Fi'));
  const d = await get('/v1/network/wifis' + (which ? '?bssid=' + enc(which) : ''));
  if (!which) {
    put(main, d.networks.length ? table(['SSID', 'Access point (BSSID)', 'Machines', 'Silent'], d.networks.map((n) => el('tr', {},
      el('td', {}, n.ssid), el('td', { class: 'mono' }, el('a', { href: '#/wifi/' + enc(n.bssid) }, n.bssid || '—')),
      el('td', {}, String(n.machines)),
      el('td', { class: n.silent ? 'bad' : '' }, n.silent ? el('a', { href: '#/silent?bssid=' + enc(n.bssid) }, String(n.silent)) : '0')))) : el('p', {}, 'No wireless machine yet.'));
    return;
  }
  if (!d.networks.length) put(main, el('p', { class: 'error', id: 'unknown-ap' }, 'No machine reports access point ', el('span', { class: 'mono' }, which), '.'));
  for (const n of d.networks)
    put(main, el('h2', {}, 'SSID ', n.ssid, ' — access point ', el('span', { class: 'mono' }, n.bssid)),
      table(['Machine', 'Adapter', 'State', 'Association failures (24 h)', 'Last failure'], n.ports.map((p) => el('tr', {},
        el('td', {}, machineLink(p.machine)), el('td', {}, p.adapter),
        el('td', {}, p.status === 'reporting' ? 'reporting' : [reasonBadge(p.reason, p.term, true), ' since ', when(p.silent_since)]),
        el('td', { class: p.assoc_failures_24h ? 'bad' : '' }, String(p.assoc_failures_24h ?? '')),
        el('td', {}, p.last_assoc_failure ? [when(p.last_assoc_failure.at), ' ', p.last_assoc_failure.detail] : '—')))));
}
