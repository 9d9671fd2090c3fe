// WSUS list: a Get-WsusComputer CSV (the rules of `whb wsus-import`: byte order mark, #TYPE
// line, quoted fields, ISO or US dates, 1/1/0001 = never), sent to POST /v1/wsus/import; a
// reason per computer WSUS lists as not reporting, exportable back to CSV.
import { get, post } from './api.js';
import { el, put, when, machineLink, reasonBadge, table, errorBox } from './ui.js';

export function parseCsvRows(text) {
  const rows = [];
  let row = [], f = '', q = false, i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') q = false; else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(f); rows.push(row); row = []; f = '';
    } else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

export function wsusTime(t) { // ms since the epoch (UTC), 0 for never; throws when unreadable
  t = (t || '').trim();
  if (!t) return 0;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2}))?/.exec(t), y, mo, d, h = 0, mi = 0, s = 0;
  if (m) [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] || 0, m[5] || 0, m[6] || 0].map(Number);
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/i.exec(t))) {
    [mo, d, y, h, mi, s] = m.slice(1, 7).map(Number);
    if (/pm/i.test(m[7]) && h < 12) h += 12; else if (/am/i.test(m[7]) && h === 12) h = 0;
  } else throw new Error('not a date WSUS writes');
  if (y === 1) return 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) throw new Error('not a date WSUS writes');
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

export function parseWsusCsv(text) {
  const rows = parseCsvRows(text);
  let line = 0;
  while (rows.length && rows[0][0].startsWith('#TYPE')) { rows.shift(); line++; }
  const head = (rows.shift() || []).map((h) => h.toLowerCase());
  line++;
  const col = (n) => head.indexOf(n.toLowerCase());
  const [cf, ci, cs, cy] = ['FullDomainName', 'IPAddress', 'LastReportedStatusTime', 'LastSyncTime'].map(col);
  if (cf < 0 || cs < 0) throw new Error(`line ${line}: the header needs FullDomainName and LastReportedStatusTime`);
  const out = [];
  for (const r of rows) {
    line++;
    if (r.length === 1 && r[0] === '') continue;
    const fqdn = r[cf] || '';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}$/.test(fqdn)) throw new Error(`line ${line}: FullDomainName is missing or not a host name`);
    const c = { fqdn, ip: ci >= 0 ? (r[ci] || '').slice(0, 63) : '', line };
    try { c.last_status = wsusTime(r[cs]); } catch { throw new Error(`line ${line}: LastReportedStatusTime is not a date WSUS writes`); }
    try { c.last_sync = cy >= 0 ? wsusTime(r[cy]) : 0; } catch { throw new Error(`line ${line}: LastSyncTime is not a date WSUS writes`); }
    out.push(c);
  }
  return out;
}

function csvCell(v) {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // no formulas when the admin opens it in a spreadsheet
  return '"' + s.replace(/"/g, '""') + '"';
}

const PART_ROWS = 300; // a part stays well under the collector's max_body (64 KiB)

// One array when it is small; else the parts of one import session, the last one final.
async function upload(computers) {
  if (JSON.stringify(computers).length < 48000) return post('/v1/wsus/import', computers);
  const session = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  let r = null;
  for (let i = 0, part = 1; i < computers.length; i += PART_ROWS, part++)
    r = await post('/v1/wsus/import', { session, part, final: i + PART_ROWS >= computers.length, computers: computers.slice(i, i + PART_ROWS) });
  return r;
}

// The answer is paged when the list is long: follow `next` to the end (bounded).
async function allAnswers(r) {
  for (let pages = 0; r.next && pages < 1000; pages++) {
    const more = await get(r.next);
    r.answers.push(...more.answers);
    r.next = more.next;
  }
  return r;
}

export async function wsus(main) {
  const input = el('input', { type: 'file', id: 'csv', accept: '.csv,text/csv' });
  const out = el('div', { id: 'wsus-result', 'aria-live': 'polite' });
  put(main, el('h1', {}, 'WSUS list'),
    el('p', {}, 'Upload the computer list exported on the WSUS server:'),
    el('pre', {}, 'Get-WsusComputer -All | Select-Object FullDomainName,IPAddress,LastReportedStatusTime,LastSyncTime | Export-Csv wsus-computers.csv'),
    el('p', {}, el('label', { for: 'csv' }, 'CSV file '), input), out);
  input.addEventListener('change', async () => {
    out.replaceChildren(el('p', {}, 'Importing…'));
    try {
      const computers = parseWsusCsv(await input.files[0].text());
      const r = await allAnswers(await upload(computers));
      out.replaceChildren(render(r));
    } catch (e) { out.replaceChildren(errorBox(e)); }
  });
}

function render(r) {
  const csv = ['"Computer","Status","Reason","Documented","Confidence","Summary","Next step","WSUS last status"']
    .concat(r.answers.map((a) => [a.machine, a.status, a.term, a.documented ? 'yes' : 'no', a.confidence, a.summary, a.next_step, a.wsus_last_status || 'never'].map(csvCell).join(',')))
    .join('\r\n') + '\r\n';
  const link = el('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: 'wsus-not-reporting-explained.csv', id: 'export' }, 'Export CSV');
  return el('div', {},
    el('p', { id: 'wsus-counts' }, `${r.imported} computers imported; WSUS lists ${r.not_reported} as not reporting. `, link),
    table(['Computer', 'Reason', 'Confidence', 'Summary', 'WSUS last status'], r.answers.map((a) => el('tr', {},
      el('td', {}, a.status === 'reporting' || a.status === 'not_reporting' ? machineLink(a.machine) : a.machine), el('td', {}, reasonBadge(a.reason, a.term, a.documented)),
      el('td', {}, a.confidence), el('td', {}, a.summary), el('td', {}, when(a.wsus_last_status))))));
}
