// The console's shell: session, navigation by #/route, and the current page.
import { session, post } from './api.js';
import { errorBox } from './ui.js';
import { fleet } from './fleet.js';
import { silent } from './silent.js';
import { machine } from './machine.js';
import { outages } from './outages.js';
import { switches, wifi } from './network.js';
import { wsus } from './wsus.js';

const pages = { fleet, silent, machine, outages, switches, wifi, wsus };
const main = document.getElementById('main');
let stop = null; // the current page's cleanup (polling timers)

async function route() {
  if (stop) { stop(); stop = null; }
  const hash = location.hash.replace(/^#\/?/, '') || 'fleet';
  const q = hash.indexOf('?');
  const route = q < 0 ? hash : hash.slice(0, q), qs = q < 0 ? '' : hash.slice(q + 1);
  const slash = route.indexOf('/');
  const name = slash < 0 ? route : route.slice(0, slash), path = slash < 0 ? '' : route.slice(slash + 1);
  const page = pages[name] || fleet;
  for (const a of document.querySelectorAll('nav a'))
    a.toggleAttribute('aria-current', a.getAttribute('href') === '#/' + name);
  main.replaceChildren();
  try {
    stop = await page(main, decodeURIComponent(path || ''), new URLSearchParams(qs || '')) || null;
  } catch (e) {
    main.replaceChildren(errorBox(e));
  }
  document.title = (main.querySelector('h1')?.textContent || 'Console') + ' — wsus-heartbeat';
}

async function start() {
  const s = await session();
  if (!s.authenticated) { location.assign('/login'); return; }
  document.getElementById('who').textContent =
    s.via === 'loopback' ? 'local (trust_loopback)' : s.role === 'read' ? 'read-only' : 'admin';
  const out = document.getElementById('logout');
  out.hidden = s.via === 'loopback';
  out.addEventListener('click', async () => { await post('/console/logout'); location.assign('/login'); });
  window.addEventListener('hashchange', route);
  await route();
}

start().catch((e) => main.replaceChildren(errorBox(e)));
