// Outages: silent machines that share a cause (a switch, an access point, the WSUS server),
// with the next step for the team that owns it.
import { get } from './api.js';
import { el, when, machineLink, reasonBadge } from './ui.js';

export async function outages(main) {
  const out = await get('/v1/outages');
  main.append(el('h1', {}, 'Outages'),
    out.outages.length ? el('div', { id: 'outages' }, out.outages.map((o) => el('section', { class: 'card' },
      el('h2', {}, o.where),
      el('p', {}, reasonBadge(o.reason, o.term, o.documented), ` ${o.machines_count} machines since `, when(o.since)),
      el('p', { class: 'next' }, el('strong', {}, 'Next step: '), o.next_step),
      el('ul', { class: 'inline' }, o.machines.map((m) => el('li', {}, machineLink(m.machine), m.port ? ` (${m.port})` : '')))))) :
      el('p', {}, 'No correlated outage in progress.'),
    el('p', { class: 'muted small' }, 'Updated ', when(out.generated_at)));
}
