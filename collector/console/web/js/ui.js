// Building the page from untrusted text: every string goes in through textContent or an
// attribute, never as markup.
// Bidirectional controls (U+202A-202E, U+2066-2069, U+200E/200F) from a machine could make a
// name read as another; they are shown as visible marks instead of being obeyed.
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export function visible(text) {
  return String(text).replace(BIDI, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`);
}

export function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? '' : k === 'title' ? visible(v) : String(v));
  }
  for (const k of kids.flat()) {
    if (k === undefined || k === null || k === false) continue;
    n.append(k instanceof Node ? k : document.createTextNode(visible(k)));
  }
  return n;
}

// parent.append() would print null as "null": skip what is not there.
export function put(parent, ...kids) {
  for (const k of kids.flat()) if (k !== undefined && k !== null && k !== false) parent.append(k instanceof Node ? k : document.createTextNode(visible(k)));
  return parent;
}

export function svg(tag, attrs, ...kids) {
  const n = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
  for (const k of kids.flat()) if (k !== undefined && k !== null) n.append(k instanceof Node ? k : document.createTextNode(visible(k)));
  return n;
}

// One date format throughout the console: 2026-11-25 14:03:07 in the browser's zone (24 h, year
// first, as the CLI's ISO times read), the UTC time on hover.
const pad = (n) => String(n).padStart(2, '0');
export function fmt(t) {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
export function utc(t) {
  return new Date(t).toISOString().replace('.000Z', 'Z') + ' UTC';
}

export function when(iso) {
  if (!iso) return el('span', { class: 'muted' }, '—');
  return el('time', { datetime: iso, title: utc(iso) }, fmt(iso));
}

// "1 machine", "2 machines".
export function count(n, one, many) {
  return `${n} ${n === 1 ? one : many || one + 's'}`;
}

export function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 120) return `${Math.round(s)} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

// Link to a machine's page; the name is text, the href is URI-encoded.
export function machineLink(name) {
  return el('a', { href: '#/machine/' + encodeURIComponent(name) }, name);
}

export function reasonBadge(reason, term, documented) {
  return el('span', { class: 'badge r-' + reason, title: documented ? 'documented by WSUS' : 'not on the WSUS page' }, term || reason);
}

export function table(headers, rows, caption) {
  return el('table', {}, caption ? el('caption', {}, caption) : null,
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
}

export function errorBox(e) {
  return el('p', { class: 'error', role: 'alert' }, e && e.message ? e.message : String(e));
}
