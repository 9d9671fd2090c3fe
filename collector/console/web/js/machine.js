// Machine: the why card, a timeline picture of the last days, where it was attached, and its
// past silences, each explained.
import { get, enc, ApiError } from './api.js';
import { el, put, svg, when, ago, fmt, reasonBadge, machineLink } from './ui.js';

const DAY = 86400000;
const MARKS = {
  suspend: 'power', hibernate: 'power', resume: 'power', shutdown: 'power', sleep_detected: 'power',
  agent_start: 'agent', agent_stop: 'agent', unclean_stop: 'agent',
  carrier_lost: 'link', carrier_gained: 'link', admin_down: 'link', admin_up: 'link', link_errors: 'link',
  adapter_added: 'link', adapter_removed: 'link',
  wifi_associated: 'wifi', wifi_disconnected: 'wifi', wifi_assoc_failed: 'wifi',
};

export async function machine(main, host) {
  let why;
  try {
    why = await get(`/v1/machines/${enc(host)}/why`);
  } catch (e) {
    // No agent under this name: say so, with WSUS's word and the names it is near.
    if (e instanceof ApiError && e.status === 404 && e.doc && e.doc.reason) return unknownMachine(main, host, e.doc);
    throw e;
  }
  if (why.status === 'unknown') return unknownMachine(main, host, why);
  const hist = await get(`/v1/machines/${enc(why.machine_id || host)}/history`).catch(() => null);
  const a = why.attachment || {};
  put(main, el('h1', {}, why.machine),
    el('p', { class: 'status s-' + why.status, id: 'status' }, why.status.replace('_', ' '),
      why.silent_since ? [' since ', when(why.silent_since), ` (${ago(why.silent_since)})`] : ''),
    whyCard(why),
    hist ? timeline(why, hist) : null,
    el('section', { 'aria-labelledby': 'att' }, el('h2', { id: 'att' }, 'Last seen on'),
      el('dl', { class: 'kv', id: 'attachment' },
        kv('Adapter', a.adapter), kv(a.wireless ? 'Wi-Fi' : 'Switch', a.wireless ? [a.ssid, ' ', el('span', { class: 'mono' }, a.bssid)]
          : a.switch || a.switch_chassis ? el('a', { href: '#/switches/' + enc(a.switch_chassis || a.switch) }, a.switch || a.switch_chassis) : null),
        a.wireless ? null : kv('Port', a.port, 'port'), kv('Subnet', a.subnet), kv('Last report', when(why.last_report)),
        kv('Reports to', why.collector ? [el('span', { class: 'mono' }, why.collector.url),
          why.collector.failed_over ? ` (failed over: its collector no. ${why.collector.rank + 1})` : ' (its first choice)'] : null, 'collector'))),
    hist ? pastSilences(hist) : null);
}

function unknownMachine(main, host, d) {
  const near = d.did_you_mean || [];
  put(main, el('h1', {}, d.wsus_name || host),
    el('p', { class: 'status s-unknown', id: 'status' }, d.wsus_name
      ? 'No agent has ever reported from this computer; WSUS lists it.'
      : `No agent has ever reported from ${host}, and WSUS's list (as last imported) does not have it.`),
    d.wsus_name ? el('dl', { class: 'kv', id: 'wsus-facts' }, kv('WSUS name', d.wsus_name), kv('WSUS address', d.wsus_ip),
      kv('Last status to WSUS', when(d.wsus_last_status))) : null,
    near.length ? el('p', { id: 'did-you-mean' }, 'Did you mean ', near.flatMap((n, i) => [i ? ', ' : '', machineLink(n)]), '?') : null,
    d.wsus_name ? whyCard(d) : el('p', {}, 'It is looked up by FQDN, short name, machine id or IP address, as agents report them and as WSUS lists computers. ',
      el('a', { href: '#/silent?state=all&sort=machine' }, 'Every machine'), ' · ', el('a', { href: '#/wsus' }, "WSUS's list"), '.'));
}

function kv(k, v, id) {
  return [el('dt', {}, k), el('dd', { id: id ? 'kv-' + id : undefined }, v === undefined || v === '' || v === null ? '—' : v)];
}

function whyCard(w) {
  return el('section', { class: 'card', id: 'why', 'aria-labelledby': 'why-h' },
    el('h2', { id: 'why-h' }, 'Why'),
    el('p', { class: 'reason' }, reasonBadge(w.reason, w.term, w.documented), ' ',
      el('span', { class: 'muted' }, w.documented ? `${w.reason} (documented by WSUS)` : `${w.reason} (not on the WSUS page)`)),
    el('p', {}, w.summary),
    el('p', {}, el('strong', {}, 'Confidence: '), el('span', { id: 'confidence' }, w.confidence), ' — ', w.confidence_why),
    w.evidence.length ? [el('h3', {}, 'Evidence'), el('ul', { class: 'evidence' },
      w.evidence.map((e) => el('li', {}, when(e.at), ' ', e.text)))] : null,
    w.alternatives.length ? [el('h3', {}, 'Also possible'), el('ul', {},
      w.alternatives.map((x) => el('li', {}, reasonBadge(x.reason, x.term, x.documented), ' ', x.why)))] : null,
    el('h3', {}, 'Next step'), el('p', { class: 'next', id: 'next-step' }, w.next_step));
}

// Tick spacing for a span: about six ticks, at a round step.
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((x) => x * 1000);
function ticks(from, to) {
  const step = STEPS.find((s) => (to - from) / s <= 7) || STEPS[STEPS.length - 1];
  const out = [];
  // Steps of a day or less fall on the local clock's round times.
  const offset = new Date(from).getTimezoneOffset() * 60000;
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) out.push(t);
  return { step, ticks: out };
}

function timeline(why, hist) {
  const now = Date.now();
  const first = hist.first_seen ? new Date(hist.first_seen).getTime() : now - 3 * DAY;
  const from = Math.max(now - 3 * DAY, first - Math.max(5000, (now - first) * 0.03));
  const W = 1000, x = (t) => Math.max(0, Math.min(W, (W * (t - from)) / (now - from)));
  const g = svg('svg', { viewBox: `0 0 ${W} 110`, class: 'timeline', role: 'img', 'aria-labelledby': 'tl-title' },
    svg('title', { id: 'tl-title' }, `Timeline of ${why.machine} from ${fmt(from)} to ${fmt(now)}`));
  // Time ticks: a line and the local time (the date too where a day begins or when the span is days).
  const tk = ticks(from, now);
  let lastDay = '';
  for (const t of tk.ticks) {
    const day = fmt(t).slice(0, 10), time = fmt(t).slice(11, tk.step < 60000 ? 19 : 16);
    const label = tk.step >= DAY || day !== lastDay && lastDay ? (tk.step >= DAY ? day : `${day.slice(5)} ${time}`) : time;
    lastDay = day;
    g.append(svg('line', { x1: x(t), x2: x(t), y1: 12, y2: 96, class: 'tl-grid' }),
      svg('text', { x: Math.min(W - 2, Math.max(2, x(t))), y: 108, class: 'tl-tick', 'text-anchor': 'middle' }, label));
  }
  if (hist.first_seen) g.append(svg('rect', { x: x(new Date(hist.first_seen).getTime()), y: 30, width: W, height: 24, class: 'tl-up' }, svg('title', {}, 'reporting')));
  const spans = hist.gaps.map((s) => [new Date(s.from).getTime(), new Date(s.to).getTime(), s.reason, s.term]);
  if (why.status === 'not_reporting' && why.silent_since) spans.push([new Date(why.silent_since).getTime(), now, why.reason, why.term + ' (now)']);
  for (const [a, b, reason, term] of spans) {
    if (b < from) continue;
    g.append(svg('rect', { x: x(a), y: 30, width: Math.max(2, x(b) - x(a)), height: 24, class: 'tl-gap r-' + reason },
      svg('title', {}, `${term}: ${fmt(a)} → ${fmt(b)}`)));
  }
  const lanes = { power: 14, agent: 14, link: 70, wifi: 82 };
  for (const e of hist.events) {
    const kind = MARKS[e.kind];
    const t = new Date(e.at).getTime();
    if (!kind || t < from) continue;
    g.append(svg('rect', { x: x(t) - 1.5, y: lanes[kind], width: 3, height: 10, class: 'tl-ev ev-' + kind },
      svg('title', {}, `${fmt(t)} ${e.kind} ${e.adapter || ''} ${e.detail || ''}`)));
  }
  return el('section', { 'aria-labelledby': 'tl-h' }, el('h2', { id: 'tl-h' }, 'Timeline'), g,
    el('p', { class: 'legend small' }, el('span', { class: 'key tl-up' }), ' reporting ', el('span', { class: 'key tl-gap' }), ' silent (colour: reason) ',
      el('span', { class: 'key ev-power' }), ' power ', el('span', { class: 'key ev-link' }), ' link ', el('span', { class: 'key ev-wifi' }), ' Wi-Fi ',
      el('span', { class: 'key ev-agent' }), ' agent', el('span', { class: 'muted' }, ` — times in this browser's zone (${Intl.DateTimeFormat().resolvedOptions().timeZone}); UTC on hover`)));
}

function pastSilences(hist) {
  return el('section', { 'aria-labelledby': 'past-h' }, el('h2', { id: 'past-h' }, 'Past silences'),
    hist.gaps.length ? el('ul', { class: 'gaps', id: 'gaps' }, hist.gaps.map((s) => el('li', {},
      when(s.from), ' → ', when(s.to), ` (${s.duration}) `, reasonBadge(s.reason, s.term, s.documented), ` ${s.confidence}: `, s.summary,
      el('ul', {}, s.evidence.map((e) => el('li', { class: 'small' }, when(e.at), ' ', e.text)))))) : el('p', {}, 'None recorded.'),
    el('h2', {}, 'Recent events'),
    el('ul', { class: 'events small' }, hist.events.slice(0, 30).map((e) => el('li', {}, when(e.at), ' ', el('code', {}, e.kind), ' ', e.adapter, ' ', e.detail))));
}
