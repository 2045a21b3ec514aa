// The daemon's local API (docs/api.md), as the page uses it: same origin, the session cookie, JSON.

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

/** A human sentence for what went wrong. */
export function human(e, who) {
  if (!(e instanceof ApiError)) return 'Something went wrong: ' + (e && e.message ? e.message : e);
  if (e.code === 'network') return 'The Parley daemon is not reachable. Is "parley web" (or "parley daemon") still running?';
  if (e.status === 401) return 'Your session has ended. Run "parley web" again and open the new link.';
  if (e.code === 'unreachable') return (who || 'The contact') + ' could not be reached: they seem to be offline. Try again when they are online.';
  if (e.code === 'closing') return 'The Parley daemon is shutting down.';
  return e.message;
}

export async function api(method, path, body) {
  const init = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      init.body = body;
      init.headers['Content-Type'] = 'application/octet-stream';
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', 'network');
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
  if (!res.ok) {
    const err = json && json.error ? json.error : { code: 'http_' + res.status, message: 'The daemon answered ' + res.status };
    throw new ApiError(res.status, err.code, err.message);
  }
  return json;
}

export const get = (p) => api('GET', p);
export const post = (p, b) => api('POST', p, b === undefined ? {} : b);

/** Uploads a File to the daemon in chunks; onProgress(bytesSoFar). Resolves to the daemon-side path. */
export async function upload(file, onProgress) {
  const chunk = 512 * 1024;
  let id = null, offset = 0, path = null;
  do {
    const part = file.slice(offset, Math.min(file.size, offset + chunk));
    const q = 'name=' + encodeURIComponent(file.name) + '&offset=' + offset + (id ? '&id=' + id : '');
    const r = await api('POST', '/v1/web/uploads?' + q, part);
    id = r.id; path = r.path; offset = r.size;
    onProgress(offset);
  } while (offset < file.size);
  return path;
}

/**
 * The event stream: a WebSocket with since/epoch, reconnecting where it left off; a resync (the daemon
 * restarted, or we were away too long) calls onResync so the page reloads what it shows.
 */
export class Events {
  constructor(onEvent, onResync, onState) {
    this.onEvent = onEvent; this.onResync = onResync; this.onState = onState;
    this.since = null; this.epoch = null; this.delay = 500;
  }
  async start() {
    const c = await get('/v1/check');
    this.since = c.lastSeq; this.epoch = c.epoch;
    this.connect();
  }
  connect() {
    const q = this.since == null ? '' : '?since=' + this.since + '&epoch=' + encodeURIComponent(this.epoch);
    const ws = new WebSocket('ws://' + location.host + '/v1/events' + q);
    ws.onopen = () => { this.delay = 500; this.onState(true); };
    ws.onmessage = (m) => {
      const e = JSON.parse(m.data);
      if (e.seq <= (this.since || 0) && e.type !== 'resync') return;
      this.since = e.seq;
      if (e.type === 'resync') { this.epoch = e.epoch; this.onResync(); return; }
      try { this.onEvent(e); } catch (err) { console.error('event', e, err); }
    };
    ws.onclose = () => {
      this.onState(false);
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 8000);
    };
  }
}
