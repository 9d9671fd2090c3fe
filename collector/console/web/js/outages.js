// Outages: silent machines that share a cause (a switch, an access point, the WSUS server),
// with the next step for the team that owns it.
import { get } from './api.js';
import { el, put, when, count, machineLink, reasonBadge } from './ui.js';

const SHOWN = 24; // machines listed per outage; the rest through the silent-machines filter

export async function outages(main) {
  const out = await get('/v1/outages');
  const all = [...out.outages].sort((a, b) => b.machines_count - a.machines_count);
  out.outages = all.slice(0, 100); // the largest first; a page of thousands helps nobody
  put(main, el('h1', {}, 'Outages'),
    out.outages.length ? el('div', { id: 'outages' }, out.outages.map((o) => el('section', { class: 'card' },
      el('h2', {}, o.where),
      el('p', {}, reasonBadge(o.reason, o.term, o.documented), ` ${count(o.machines_count, 'machine')} since `, when(o.since)),
      el('p', { class: 'next' }, el('strong', {}, 'Next step: '), o.next_step),
      el('ul', { class: 'inline' }, o.machines.slice(0, SHOWN).map((m) => el('li', {}, machineLink(m.machine), m.port ? ` (${m.port})` : ''))),
      o.machines.length > SHOWN ? el('p', {}, `and ${o.machines.length - SHOWN} more`) : null))) :
      el('p', {}, 'No correlated outage in progress.'),
    all.length > out.outages.length ? el('p', {}, `${count(all.length - out.outages.length, 'smaller outage')} not shown.`) : null,
    el('p', { class: 'muted small' }, 'Updated ', when(out.generated_at)));
}
