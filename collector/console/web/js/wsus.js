// WSUS list: what the collector holds of WSUS's own list (imported by `whb wsus-import`, by the
// WSUS server's scheduled task or here), each computer WSUS shows as not reporting with the agent
// it was matched to, how, its reason and next step; and the upload of a newer export, which the
// collector reads with the CLI's own reader (the same forms, dates and errors).
import { get, postBytes, ApiError } from './api.js';
import { el, put, when, count, machineLink, reasonBadge, table, errorBox } from './ui.js';

const PART = 48 * 1024; // a part stays under the collector's default max_body (64 KiB)
const CULTURES = ['en-US', 'en-GB', 'en-AU', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL', 'ja-JP', 'zh-CN', 'sv-SE'];

function session() {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// The file's bytes in parts of one upload; then, for a long list, the collector stores it a
// slice per request (202) until the answer.
async function upload(file, culture) {
  const id = session();
  let r = null, size = PART;
  for (let at = 0, part = 1; at < file.size || part === 1; part++) {
    const end = Math.min(file.size, at + size);
    const q = new URLSearchParams({ session: id, part: String(part), final: end >= file.size ? '1' : '0' });
    if (part === 1 && culture) q.set('date_format', culture);
    try {
      r = await postBytes('/v1/wsus/upload?' + q, file.slice(at, end));
    } catch (e) {
      // A collector with a smaller max_body: the same part, smaller.
      if (!(e instanceof ApiError && e.status === 413 && size > 4096)) throw e;
      size = Math.floor(size / 2);
      part--;
      continue;
    }
    at = end;
  }
  for (let k = 0; r && r.accepted && k < 10000; k++)
    r = await postBytes('/v1/wsus/upload?' + new URLSearchParams({ session: id, continue: '1' }), new Blob([]));
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

function csvCell(v) {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // no formulas when the admin opens it in a spreadsheet
  return '"' + s.replace(/"/g, '""') + '"';
}

export async function wsus(main) {
  const current = el('div', { id: 'wsus-current', 'aria-live': 'polite' }, el('p', { class: 'muted' }, 'Reading the list…'));
  const input = el('input', { type: 'file', id: 'csv', accept: '.csv,text/csv,text/plain' });
  const culture = el('input', { id: 'date-format', list: 'cultures', size: 8, placeholder: 'from the file', autocomplete: 'off' });
  const status = el('div', { id: 'wsus-upload', 'aria-live': 'polite' });
  put(main, el('h1', {}, 'WSUS list'), current,
    el('h2', {}, 'Import a newer list'),
    el('p', {}, 'Export it on the WSUS server (dates with .ToString(\'o\') read the same in every culture), or let the ',
      'scheduled task (Send-WsusComputers.ps1) send it every 15 minutes:'),
    el('pre', {}, "Get-WsusComputer -All | Select-Object FullDomainName,IPAddress,\n    @{n='LastReportedStatusTime'; e={$_.LastReportedStatusTime.ToString('o')}},\n    @{n='LastSyncTime'; e={$_.LastSyncTime.ToString('o')}} | Export-Csv wsus-computers.csv"),
    el('p', { class: 'upload' },
      el('span', { class: 'field' }, el('label', { for: 'date-format' }, 'WSUS server\'s culture (dates not in ISO 8601)'), culture,
        el('datalist', { id: 'cultures' }, CULTURES.map((c) => el('option', { value: c })))),
      el('span', { class: 'field' }, el('label', { for: 'csv' }, 'CSV file'), input)),
    status);
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    status.replaceChildren(el('p', {}, `Importing ${file.name}…`));
    try {
      const r = await allAnswers(await upload(file, culture.value.trim()));
      status.replaceChildren(el('p', { id: 'wsus-imported' }, `${file.name} imported (${r.format}).`));
      current.replaceChildren(render(r));
    } catch (e) {
      // The collector's own words, as `whb wsus-import` says them: the line, the field, what to do.
      status.replaceChildren(errorBox({ message: `${file.name}: ${e.message}` }));
    }
    input.value = '';
  });
  current.replaceChildren(render(await allAnswers(await get('/v1/wsus/computers'))));
}

function changes(c) {
  if (!c) return null;
  if (!c.before) return el('p', { id: 'wsus-changes' }, 'No list before this one.');
  const names = (list, n) => list.length ? [': ', list.join(', '), n > list.length ? ` and ${n - list.length} more` : ''] : '';
  return el('p', { id: 'wsus-changes' }, `Against the list before (${c.before}): ${c.added} added`, names(c.added_names, c.added),
    `; ${c.removed} removed`, names(c.removed_names, c.removed), `; ${c.kept} kept.`);
}

function render(r) {
  if (!r.imported)
    return el('p', { id: 'wsus-counts' }, 'No WSUS computer list imported yet: import one below, or run `whb wsus-import FILE.csv` or the WSUS server\'s scheduled task.');
  const csv = ['"Computer","Status","Reason","Documented","Confidence","Summary","Next step","WSUS last status","Matched by","Agent"']
    .concat(r.answers.map((a) => [a.wsus_name || a.machine, a.status, a.term, a.documented ? 'yes' : 'no', a.confidence, a.summary, a.next_step,
      a.wsus_last_status || 'never', a.matched_by, a.matched_by === 'none' || a.matched_by === 'ambiguous' ? '' : a.machine].map(csvCell).join(',')))
    .join('\r\n') + '\r\n';
  const link = el('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: 'wsus-not-reporting-explained.csv', id: 'export' }, 'Export CSV');
  const agent = (a) => a.matched_by === 'none' ? el('span', { class: 'muted' }, 'no agent')
    : a.matched_by === 'ambiguous' ? el('span', {}, a.match) : machineLink(a.machine);
  return el('div', {},
    el('p', { id: 'wsus-counts' }, `${count(r.imported, 'computer')} imported; WSUS lists ${r.not_reported} as not reporting `,
      `(no status for ${count(r.not_reported_days, 'day')} or more). Imported `, when(r.imported_at), '. ', link),
    changes(r.changes),
    r.answers.length ? table(['Computer (WSUS)', 'Agent', 'Matched by', 'Reason', 'Confidence', 'Summary', 'Next step', 'WSUS last status'], r.answers.map((a) => el('tr', {},
      el('td', {}, a.wsus_name || a.machine), el('td', {}, agent(a)), el('td', { class: 'matched-by' }, (a.matched_by || '').replace('_', ' ')),
      el('td', {}, reasonBadge(a.reason, a.term, a.documented)), el('td', {}, a.confidence), el('td', {}, a.summary),
      el('td', { class: 'next-step' }, a.next_step), el('td', {}, when(a.wsus_last_status)))), 'Computers WSUS shows as not reporting')
      : el('p', {}, 'WSUS shows every computer of the list as reporting.'));
}
