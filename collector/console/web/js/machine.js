// Machine: the why card, a timeline picture of the last days, where it was attached, and its
// past silences, each explained.
import { get, enc } from './api.js';
import { el, put, svg, when, ago, reasonBadge } from './ui.js';

const DAY = 86400000;
const MARKS = {
  suspend: 'power', hibernate: 'power', resume: 'power', shutdown: 'power', sleep_detected: 'power',
  agent_start: 'agent', agent_stop: 'agent', unclean_stop: 'agent',
  carrier_lost: 'link', carrier_gained: 'link', admin_down: 'link', admin_up: 'link', link_errors: 'link',
  adapter_added: 'link', adapter_removed: 'link',
  wifi_associated: 'wifi', wifi_disconnected: 'wifi', wifi_assoc_failed: 'wifi',
};

export async function machine(main, host) {
  const [why, hist] = await Promise.all([get(`/v1/machines/${enc(host)}/why`),
    get(`/v1/machines/${enc(host)}/history`).catch(() => null)]);
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

function timeline(why, hist) {
  const now = Date.now();
  const first = hist.first_seen ? new Date(hist.first_seen).getTime() : now - 3 * DAY;
  const from = Math.max(now - 3 * DAY, first - Math.max(5000, (now - first) * 0.03));
  const W = 1000, x = (t) => Math.max(0, Math.min(W, (W * (t - from)) / (now - from)));
  const g = svg('svg', { viewBox: `0 0 ${W} 96`, class: 'timeline', role: 'img', 'aria-labelledby': 'tl-title' },
    svg('title', { id: 'tl-title' }, `Timeline of ${why.machine} since ${new Date(from).toLocaleString()}`));
  if (hist.first_seen) g.append(svg('rect', { x: x(new Date(hist.first_seen).getTime()), y: 30, width: W, height: 24, class: 'tl-up' }, svg('title', {}, 'reporting')));
  const spans = hist.gaps.map((s) => [new Date(s.from).getTime(), new Date(s.to).getTime(), s.reason, s.term]);
  if (why.status === 'not_reporting' && why.silent_since) spans.push([new Date(why.silent_since).getTime(), now, why.reason, why.term + ' (now)']);
  for (const [a, b, reason, term] of spans) {
    if (b < from) continue;
    g.append(svg('rect', { x: x(a), y: 30, width: Math.max(2, x(b) - x(a)), height: 24, class: 'tl-gap r-' + reason },
      svg('title', {}, `${term}: ${new Date(a).toLocaleString()} → ${new Date(b).toLocaleString()}`)));
  }
  const lanes = { power: 14, agent: 14, link: 70, wifi: 82 };
  for (const e of hist.events) {
    const kind = MARKS[e.kind];
    const t = new Date(e.at).getTime();
    if (!kind || t < from) continue;
    g.append(svg('rect', { x: x(t) - 1.5, y: lanes[kind], width: 3, height: 10, class: 'tl-ev ev-' + kind },
      svg('title', {}, `${new Date(t).toLocaleString()} ${e.kind} ${e.adapter || ''} ${e.detail || ''}`)));
  }
  g.append(svg('text', { x: 2, y: 8, class: 'tl-tick' }, new Date(from).toLocaleString()));
  for (let d = 0; d <= 3; d++) {
    const t = now - d * DAY;
    if (t - from < (now - from) * 0.2 && d) break;
    g.append(svg('text', { x: Math.min(W - 4, x(t)), y: 8, class: 'tl-tick', 'text-anchor': d ? 'middle' : 'end' }, d ? `${d} d ago` : 'now'));
  }
  return el('section', { 'aria-labelledby': 'tl-h' }, el('h2', { id: 'tl-h' }, 'Timeline'), g,
    el('p', { class: 'legend small' }, el('span', { class: 'key tl-up' }), ' reporting ', el('span', { class: 'key tl-gap' }), ' silent (colour: reason) ',
      el('span', { class: 'key ev-power' }), ' power ', el('span', { class: 'key ev-link' }), ' link ', el('span', { class: 'key ev-wifi' }), ' Wi-Fi ',
      el('span', { class: 'key ev-agent' }), ' agent'));
}

function pastSilences(hist) {
  return el('section', { 'aria-labelledby': 'past-h' }, el('h2', { id: 'past-h' }, 'Past silences'),
    hist.gaps.length ? el('ul', { class: 'gaps', id: 'gaps' }, hist.gaps.map((s) => el('li', {},
      when(s.from), ' → ', when(s.to), ` (${s.duration}) `, reasonBadge(s.reason, s.term, s.documented), ` ${s.confidence}: `, s.summary,
      el('ul', {}, s.evidence.map((e) => el('li', { class: 'small' }, when(e.at), ' ', e.text)))))) : el('p', {}, 'None recorded.'),
    el('h2', {}, 'Recent events'),
    el('ul', { class: 'events small' }, hist.events.slice(0, 30).map((e) => el('li', {}, when(e.at), ' ', el('code', {}, e.kind), ' ', e.adapter, ' ', e.detail))));
}
