// The console's only way to the collector: the JSON API the CLI uses, plus the session.
let csrf = '';

export class ApiError extends Error {
  constructor(status, message, doc) { super(message); this.status = status; this.doc = doc; }
}

async function call(method, path, body, raw) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') { headers['X-CSRF-Token'] = csrf; headers['Content-Type'] = raw ? 'application/octet-stream' : 'application/json'; }
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
  let doc = null;
  try { doc = await res.json(); } catch { doc = null; }
  if (res.status === 401 && !path.startsWith('/console/login')) {
    location.assign('/login');
    throw new ApiError(401, 'login required');
  }
  if (!res.ok) throw new ApiError(res.status, (doc && doc.error) || `the collector answered HTTP ${res.status}`, doc);
  if (res.status === 202 && doc) doc.accepted = true;
  return doc;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
// A file's bytes as they are (a Blob), not JSON.
export const postBytes = (path, blob) => call('POST', path, blob, true);

export async function session() {
  const s = await get('/console/session');
  csrf = s.csrf;
  return s;
}

export const enc = encodeURIComponent;
