// Parley's web interface: contacts, conversations, verification, files and calls over the local daemon.
import { get, post, api, upload, human, Events } from '/app/api.js';
import { Groups } from '/app/groups.js';

const $ = (id) => document.getElementById(id);
export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}
const time = (iso) => iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
const day = (iso) => new Date(iso).toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
export const size = (n) => n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
const secs = (ms) => { const s = Math.round(ms / 1000); return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0'); };

const S = {
  me: null, contacts: new Map(), current: null, view: 'me',
  conv: null,            // {peer, messages: Map id->msg, transfers: Map id->t, progress: Map, next, loading}
  last: new Map(), unread: new Map(), typing: new Map(), warnings: new Map(),
  call: null,            // {id, peer, direction, state, answeredAt, muted, timer}
};
export const state = S;
export const nameOf = (peer) => { const c = S.contacts.get(peer); return c ? c.label : peer.slice(0, 8); };

function show(view) {
  S.view = view;
  for (const v of ['me', 'chat', 'verify', 'group']) $('view-' + v).hidden = v !== view;
  document.body.classList.toggle('show-side', false);
}
export function showView(v) { show(v); }

// ------------------------------------------------------------------ contacts

async function loadContacts() {
  const list = await get('/v1/contacts');
  S.contacts = new Map(list.map((c) => [c.peerId, c]));
  await Promise.all(list.map(async (c) => {
    const [page, unread] = await Promise.all([get('/v1/contacts/' + c.peerId + '/messages?limit=1'), get('/v1/contacts/' + c.peerId + '/unread')]);
    if (page.items.length) S.last.set(c.peerId, page.items[0]);
    S.unread.set(c.peerId, unread.unread);
  }));
  renderContacts();
}

export function renderContacts() {
  const ul = $('contacts');
  ul.replaceChildren();
  const sorted = [...S.contacts.values()].sort((a, b) => ((S.last.get(b.peerId) || {}).storedAt || b.addedAt || '').localeCompare((S.last.get(a.peerId) || {}).storedAt || a.addedAt || ''));
  for (const c of sorted) {
    const last = S.last.get(c.peerId), unread = S.unread.get(c.peerId) || 0;
    ul.append(el('li', {}, el('button', {
      'data-peer': c.peerId, 'aria-current': S.current === c.peerId && S.view !== 'group' ? 'true' : null, onclick: () => openChat(c.peerId),
      'aria-label': c.label + (c.online ? ', online' : ', offline') + (c.verified ? ', verified' : '') + (unread ? ', ' + unread + ' unread' : ''),
    },
    el('span', { class: 'name' }, el('span', { class: 'dot ' + (c.online ? 'online' : 'offline') }), c.label,
      c.verified ? el('span', { class: 'verified', title: 'verified', text: ' ✓' }) : null,
      c.keyChanged ? el('span', { class: 'error', text: ' ⚠' }) : null),
    unread ? el('span', { class: 'unread', text: String(unread) }) : el('span'),
    el('span', { class: 'last', text: last ? (last.direction === 'outgoing' ? 'You: ' : '') + last.text : 'No messages yet' }))));
  }
  $('no-contacts').hidden = S.contacts.size > 0;
  Groups.renderInviteChoices();
}

async function showMe() {
  S.current = null;
  const name = localStorage.getItem('parley.name') || '';
  $('my-name').value = name;
  const id = await get('/v1/identity' + (name ? '?name=' + encodeURIComponent(name) : ''));
  $('my-contact').value = id.contactString;
  $('my-qr').src = '/v1/web/qr?text=' + encodeURIComponent(id.contactString);
  show('me');
  renderContacts();
}

async function addContact(ev) {
  ev.preventDefault();
  $('add-error').textContent = '';
  let s = $('add-contact').value.trim();
  const m = s.match(/parley:[A-Za-z0-9_-]{43}(\?[^\s]*)?/);
  if (m) s = m[0];
  try {
    const body = { contact: s };
    if ($('add-name').value.trim()) body.name = $('add-name').value.trim();
    const c = await post('/v1/contacts', body);
    S.contacts.set(c.peerId, c);
    $('add-contact').value = ''; $('add-name').value = '';
    renderContacts();
    openChat(c.peerId);
  } catch (e) {
    $('add-error').textContent = e.code === 'bad_request' ? 'That is not a contact string. It looks like "parley:" followed by 43 characters (and maybe "?name=…").' : human(e);
  }
}

// ------------------------------------------------------------------ conversation

async function openChat(peer) {
  S.current = peer;
  const c = S.contacts.get(peer);
  S.conv = { peer, messages: new Map(), order: [], transfers: new Map(), progress: new Map(), next: null, loading: false };
  $('chat-name').textContent = c.label;
  $('chat-error').textContent = '';
  show('chat');
  renderHead();
  const [page, transfers] = await Promise.all([get('/v1/contacts/' + peer + '/messages?limit=50'), get('/v1/contacts/' + peer + '/transfers')]);
  if (!S.conv || S.conv.peer !== peer) return;
  for (const m of page.items) S.conv.messages.set(m.id, m);
  for (const t of transfers) S.conv.transfers.set(t.id, t);
  S.conv.next = page.next;
  renderTimeline(true);
  markRead();
  renderContacts();
  $('text').focus();
}

function renderHead() {
  const c = S.contacts.get(S.current);
  if (!c) return;
  const typing = S.typing.get(c.peerId);
  $('chat-status').textContent = (c.online ? 'online' : 'offline') + (c.verified ? ' · verified ✓' : ' · not verified');
  $('typing').textContent = typing ? c.label + ' is typing…' : '';
  const w = S.warnings.get(c.peerId);
  const sec = $('security');
  sec.replaceChildren();
  if (c.keyChanged || w) {
    sec.className = 'warning bad';
    sec.append(el('strong', { text: '⚠ Security warning: ' }),
      c.keyChanged ? c.label + '\u2019s identity key has changed. This may be a new device, or someone in between. Messages are held until you decide. '
        : (w || '') + ' ',
      c.keyChanged ? el('button', { onclick: () => openVerify(true) }, 'Compare safety numbers') : null);
    sec.hidden = false;
  } else if (!c.verified) {
    sec.className = 'warning';
    sec.append('Not verified yet: compare safety numbers with ' + c.label + ' to be sure nobody is in between. ',
      el('button', { onclick: () => openVerify() }, 'Verify'));
    sec.hidden = false;
  } else {
    sec.hidden = true;
  }
}

function items() {
  const all = [];
  for (const m of S.conv.messages.values()) all.push({ at: m.storedAt || m.sentAt, m });
  for (const t of S.conv.transfers.values()) all.push({ at: t.createdAt, t });
  return all.sort((a, b) => a.at.localeCompare(b.at));
}

function stateText(m, c) {
  switch (m.state) {
    case 'pending': return c && !c.online ? 'will be delivered when ' + c.label + ' is online' : 'sending…';
    case 'sent': return c && !c.online ? 'sent · will be delivered when ' + c.label + ' is online' : 'sent ✓';
    case 'delivered': return 'delivered ✓✓';
    case 'read': return 'read ✓✓';
    default: return '';
  }
}

function renderTimeline(toBottom) {
  const tl = $('timeline');
  const before = tl.scrollHeight - tl.scrollTop;
  const nearBottom = tl.scrollHeight - tl.scrollTop - tl.clientHeight < 80;
  const c = S.contacts.get(S.conv.peer);
  // Keyboard users keep their place: the focused control is found again in the new rendering.
  const f = document.activeElement, holder = f && tl.contains(f) && f !== tl ? f.closest('[data-transfer],[data-id]') : null;
  const focusKey = holder ? [holder.dataset.transfer || holder.dataset.id, f.className, f.textContent] : null;
  tl.replaceChildren();
  if (S.conv.next) tl.append(el('button', { class: 'link', onclick: older, text: 'Show older messages' }));
  let lastDay = null;
  for (const it of items()) {
    const d = day(it.at);
    if (d !== lastDay) { tl.append(el('div', { class: 'day', role: 'separator', text: d })); lastDay = d; }
    if (it.m) {
      const m = it.m;
      tl.append(el('div', { class: 'msg ' + m.direction, 'data-id': m.id, 'data-state': m.state },
        m.text, el('span', { class: 'meta' }, time(m.storedAt), m.direction === 'outgoing' ? el('span', { class: 'state', text: ' · ' + stateText(m, c) }) : null)));
    } else {
      tl.append(fileCard(it.t, c));
    }
  }
  if (focusKey) {
    const again = [...tl.querySelectorAll('[data-transfer="' + focusKey[0] + '"] *,[data-id="' + focusKey[0] + '"] *')]
      .find((e) => e.className === focusKey[1] && e.textContent === focusKey[2]);
    if (again) again.focus();
  }
  if (toBottom === true || (toBottom !== 'keep' && nearBottom)) tl.scrollTop = tl.scrollHeight;
  else tl.scrollTop = tl.scrollHeight - before;
}

function fileCard(t, c) {
  const p = S.conv.progress.get(t.id);
  const done = t.state === 'completed';
  const card = el('div', { class: 'file ' + t.direction, 'data-transfer': t.id, 'data-state': t.state },
    el('strong', { text: (t.direction === 'outgoing' ? 'You sent ' : c.label + ' sent ') + t.name }), ' ', el('span', { class: 'sub', text: size(t.size) }));
  const st = { offered: t.direction === 'outgoing' ? 'waiting for ' + c.label + ' to accept' + (c.online ? '' : ' (will be offered when ' + c.label + ' is online)') : 'wants to send you this file',
    accepted: 'accepted, starting…', active: 'transferring', paused: 'paused: will resume when ' + c.label + ' is back', completed: 'complete ✓',
    rejected: t.direction === 'outgoing' ? c.label + ' declined the file' : 'declined', cancelled: 'cancelled', failed: 'failed' }[t.state] || t.state;
  card.append(el('div', { class: 'sub tstate', text: st }));
  if (!done && p && ['active', 'accepted', 'paused'].includes(t.state)) {
    card.append(el('progress', { max: String(p.size), value: String(p.bytes), 'aria-label': 'progress of ' + t.name }),
      el('div', { class: 'sub rate', text: Math.round(100 * p.bytes / Math.max(1, p.size)) + '% · ' + size(p.bytesPerSecond) + '/s' + (p.etaMs != null ? ' · ' + secs(p.etaMs) + ' left' : '') }));
  } else if (done) {
    card.append(el('progress', { max: '1', value: '1', 'aria-label': t.name + ' complete' }));
  }
  if (t.direction === 'incoming' && t.state === 'offered') {
    card.append(el('div', { class: 'row' },
      el('button', { class: 'primary accept', onclick: () => act(post('/v1/transfers/' + t.id + '/accept')) }, 'Accept'),
      el('button', { class: 'decline', onclick: () => act(post('/v1/transfers/' + t.id + '/decline')) }, 'Decline')));
  }
  if (['offered', 'accepted', 'active', 'paused'].includes(t.state) && !(t.direction === 'incoming' && t.state === 'offered')) {
    card.append(el('button', { class: 'link', onclick: () => act(post('/v1/transfers/' + t.id + '/cancel')) }, 'Cancel'));
  }
  if (done && t.direction === 'incoming') {
    const href = '/v1/web/files/' + t.id;
    card.append(el('div', {}, el('a', { href, target: '_blank', rel: 'noopener', class: 'open', download: t.mediaType.startsWith('image/') ? null : t.name }, 'Open ' + t.name)));
    if (/^image\/(png|jpeg|gif|webp)$/.test(t.mediaType)) card.append(el('img', { src: href, alt: t.name }));
  }
  return card;
}

async function act(promise) {
  try { await promise; } catch (e) { $('chat-error').textContent = human(e, S.current && nameOf(S.current)); }
}

async function older() {
  const conv = S.conv;
  if (!conv || !conv.next || conv.loading) return;
  conv.loading = true;
  try {
    const page = await get('/v1/contacts/' + conv.peer + '/messages?limit=50&before=' + conv.next);
    for (const m of page.items) conv.messages.set(m.id, m);
    conv.next = page.next;
    if (S.conv === conv) renderTimeline('keep');
  } finally { conv.loading = false; }
}

let readTimer = null;
function markRead() {
  if (!S.conv || document.hidden || S.view !== 'chat') return;
  const peer = S.conv.peer;
  clearTimeout(readTimer);
  readTimer = setTimeout(() => { if ((S.unread.get(peer) || 0) > 0 || true) post('/v1/contacts/' + peer + '/read').catch(() => {}); S.unread.set(peer, 0); renderContacts(); }, 150);
}

async function send(ev) {
  ev.preventDefault();
  const text = $('text').value;
  if (!text.trim() || !S.conv) return;
  $('chat-error').textContent = '';
  const id = crypto.randomUUID();
  const peer = S.conv.peer;
  $('text').value = '';
  typingSent = 0;
  try {
    const m = await post('/v1/contacts/' + peer + '/messages', { text, id });
    if (S.conv && S.conv.peer === peer && !S.conv.messages.has(m.id)) { S.conv.messages.set(m.id, m); renderTimeline(true); }
    post('/v1/contacts/' + peer + '/typing', { typing: false }).catch(() => {});
  } catch (e) {
    $('text').value = text;
    $('chat-error').textContent = human(e, nameOf(peer));
  }
}

let typingSent = 0;
function typed() {
  if (!S.conv) return;
  const now = Date.now();
  if (now - typingSent > 3000 && $('text').value) {
    typingSent = now;
    post('/v1/contacts/' + S.conv.peer + '/typing', { typing: true }).catch(() => {});
  }
}

async function sendFiles(files) {
  if (!S.conv) return;
  const peer = S.conv.peer;
  for (const f of files) {
    const note = el('div', { class: 'file outgoing uploading' }, el('strong', { text: 'Preparing ' + f.name }), el('progress', { max: String(f.size || 1), value: '0' }));
    $('timeline').append(note);
    try {
      const path = await upload(f, (n) => { note.querySelector('progress').value = n; });
      await post('/v1/contacts/' + peer + '/files', { path });
    } catch (e) {
      $('chat-error').textContent = 'Could not send ' + f.name + ': ' + human(e, nameOf(peer));
    } finally { note.remove(); }
  }
}

// ------------------------------------------------------------------ verification

async function openVerify(changed) {
  const c = S.contacts.get(S.current);
  document.querySelectorAll('.peer-name').forEach((e) => { e.textContent = c.label; });
  $('verify-error').textContent = ''; $('their-number').value = '';
  $('verify-state').textContent = c.verified ? '✓ You have verified ' + c.label + '.' : 'Not verified yet.';
  show('verify');
  try {
    const s = await get('/v1/contacts/' + c.peerId + '/safety-number');
    $('safety').textContent = s.safetyNumber.match(/.{1,5}/g).join(' ');
    $('safety').dataset.raw = s.safetyNumber;
  } catch (e) {
    $('safety').textContent = '';
    $('verify-error').textContent = e.status === 409 ? 'There is no safety number yet: ' + c.label + '\u2019s key is not known (they have not been online since you added them).' : human(e);
  }
  if (changed) $('verify-error').textContent = c.label + '\u2019s key changed. Verify the new safety number with them before you accept it.';
  $('mark-verified').focus();
}

async function markVerified() {
  const c = S.contacts.get(S.current);
  const mine = $('safety').dataset.raw;
  const theirs = $('their-number').value.replace(/\s+/g, '');
  $('verify-error').textContent = '';
  if (theirs && theirs !== mine) { $('verify-error').textContent = 'The numbers are different. Do not mark ' + c.label + ' verified: someone may be in between.'; return; }
  try {
    if (c.keyChanged) await post('/v1/contacts/' + c.peerId + '/accept-key');
    const n = await post('/v1/contacts/' + c.peerId + '/verify', { safetyNumber: mine });
    S.contacts.set(n.peerId, Object.assign(c, n));
    S.warnings.delete(c.peerId);
    $('verify-state').textContent = '✓ You have verified ' + c.label + '.';
    renderContacts();
  } catch (e) {
    $('verify-error').textContent = e.status === 409 ? 'The safety number did not match: the key changed meanwhile. Reload and compare again.' : human(e);
  }
}

// ------------------------------------------------------------------ calls

function renderCall() {
  const k = S.call, box = $('call');
  box.hidden = !k;
  if (!k) return;
  const who = nameOf(k.peer);
  $('call-title').textContent = k.direction === 'incoming' && k.state === 'ringing' ? who + ' is calling' : 'Call with ' + who;
  $('call-state').textContent = { dialing: 'Calling ' + who + '…', ringing: k.direction === 'incoming' ? 'Ringing' : 'Ringing at ' + who + '…', answered: 'In call', ended: k.endText || 'Call ended' }[k.state];
  box.dataset.state = k.state;
  $('call-accept').hidden = $('call-decline').hidden = !(k.direction === 'incoming' && k.state === 'ringing');
  $('call-mute').hidden = k.state !== 'answered';
  $('call-mute').textContent = k.muted ? 'Unmute' : 'Mute';
  $('call-mute').setAttribute('aria-pressed', k.muted ? 'true' : 'false');
  $('call-hangup').hidden = k.state === 'ended' || (k.direction === 'incoming' && k.state === 'ringing');
  $('call-duration').textContent = k.answeredAt ? secs(Date.now() - k.answeredAt) : '';
  const s = k.stats;
  $('call-stats').textContent = s ? 'RTT ' + (s.rttMs != null ? s.rttMs.toFixed(0) : '?') + ' ms · jitter ' + (s.jitterMs != null ? s.jitterMs.toFixed(1) : '?') + ' ms · loss '
    + (100 * (s.lossFraction || 0)).toFixed(1) + '% · ' + Math.round((s.sendBitrateBps || 0) / 1000) + '/' + Math.round((s.recvBitrateBps || 0) / 1000) + ' kbit/s' : '';
}

async function placeCall() {
  const peer = S.current;
  $('call-error').textContent = '';
  S.call = { id: null, peer, direction: 'outgoing', state: 'dialing' };
  renderCall();
  $('call-hangup').focus();
  try {
    const r = await post('/v1/contacts/' + peer + '/calls', { media: {} });
    if (S.call && S.call.peer === peer && !S.call.id) S.call.id = r.callId;
  } catch (e) {
    S.call = { peer, direction: 'outgoing', state: 'ended', endText: human(e, nameOf(peer)) };
    renderCall();
    setTimeout(() => { if (S.call && S.call.state === 'ended') { S.call = null; renderCall(); } }, 6000);
  }
}

const callAct = (what, body) => async () => {
  if (!S.call || !S.call.id) return;
  try { await post('/v1/calls/' + S.call.id + '/' + what, body && body()); } catch (e) { $('call-error').textContent = human(e); }
};

function callEvent(e) {
  if (e.type === 'call-dialing') {
    S.call = Object.assign(S.call && !S.call.id && S.call.peer === e.peerId ? S.call : { peer: e.peerId, direction: 'outgoing' }, { id: e.callId, state: 'ringing' });
  } else if (e.type === 'call-ringing') {
    S.call = { id: e.callId, peer: e.peerId, direction: 'incoming', state: 'ringing' };
    renderCall();
    $('call-accept').focus();
  } else if (e.type === 'call-answered' && S.call && S.call.id === e.callId) {
    S.call.state = 'answered'; S.call.answeredAt = Date.now();
    clearInterval(S.call.timer);
    S.call.timer = setInterval(renderCall, 1000);
    renderCall();
    $('call-hangup').focus();
  } else if (e.type === 'call-muted' && S.call) {
    S.call.muted = e.muted;
  } else if (e.type === 'call-stats' && S.call && S.call.id === e.stats.callId) {
    S.call.stats = e.stats;
  } else if (e.type === 'call-ended' && S.call && S.call.id === e.record.callId) {
    clearInterval(S.call.timer);
    const r = e.record, who = nameOf(r.peerId);
    S.call.state = 'ended';
    S.call.endText = { completed: 'Call ended (' + secs(r.durationMs || 0) + ')', declined: r.endedLocally ? 'You declined the call' : who + ' declined the call',
      busy: who + ' is in another call', no_answer: who + ' did not answer', cancelled: r.missed ? 'Missed call from ' + who : 'Call cancelled',
      connection_lost: 'The connection to ' + who + ' was lost', failed: 'The call failed' }[r.reason] || 'Call ended';
    const ended = S.call;
    setTimeout(() => { if (S.call === ended) { S.call = null; renderCall(); } }, 4000);
  }
  renderCall();
}

// ------------------------------------------------------------------ events

function onEvent(e) {
  if (e.type.startsWith('call-')) return callEvent(e);
  if (e.type.startsWith('group-')) return Groups.onEvent(e);
  const conv = S.conv;
  switch (e.type) {
    case 'message': {
      const m = e.message;
      S.last.set(m.peerId, m);
      if (conv && conv.peer === m.peerId) {
        conv.messages.set(m.id, m);
        renderTimeline(m.direction === 'outgoing');
        if (m.direction === 'incoming') { S.typing.delete(m.peerId); renderHead(); markRead(); }
      } else if (m.direction === 'incoming') {
        S.unread.set(m.peerId, (S.unread.get(m.peerId) || 0) + 1);
      }
      renderContacts();
      break;
    }
    case 'message-state': {
      const m = conv && conv.messages.get(e.id);
      if (m && rank(e.state) > rank(m.state)) { m.state = e.state; renderTimeline('keep'); }
      const l = S.last.get(e.peerId);
      if (l && l.id === e.id) l.state = e.state;
      break;
    }
    case 'typing':
      if (e.typing) S.typing.set(e.peerId, Date.now()); else S.typing.delete(e.peerId);
      if (S.current === e.peerId) renderHead();
      break;
    case 'contact': {
      const old = S.contacts.get(e.contact.peerId);
      S.contacts.set(e.contact.peerId, Object.assign({ online: false, connected: false }, old || {}, e.contact, old ? { online: old.online, connected: old.connected } : {}));
      renderContacts();
      if (S.current === e.contact.peerId) renderHead();
      break;
    }
    case 'contact-removed':
      S.contacts.delete(e.peerId);
      renderContacts();
      break;
    case 'presence': {
      const c = S.contacts.get(e.peerId);
      if (c) { c.online = e.online; renderContacts(); if (S.current === e.peerId) { renderHead(); if (conv) renderTimeline('keep'); } }
      break;
    }
    case 'server':
      serverState(e.status.online);
      break;
    case 'security-warning':
      S.warnings.set(e.peerId, e.reason);
      if (S.current === e.peerId) renderHead();
      banner('Security warning about ' + nameOf(e.peerId) + ': ' + e.reason);
      break;
    case 'transfer':
      if (conv && conv.peer === e.transfer.peerId) { conv.transfers.set(e.transfer.id, e.transfer); renderTimeline(e.transfer.direction === 'outgoing' ? true : undefined); }
      break;
    case 'file-offered':
      if (conv && conv.peer === e.offer.peerId && !conv.transfers.has(e.offer.id)) {
        conv.transfers.set(e.offer.id, Object.assign({ direction: 'incoming', state: 'offered', createdAt: new Date().toISOString() }, e.offer));
        renderTimeline();
      }
      break;
    case 'file-progress':
      if (conv && conv.transfers.has(e.progress.id)) { conv.progress.set(e.progress.id, e.progress); patchProgress(e.progress); }
      break;
    case 'file-completed': // the file is in place now: its link and preview work from here on
      if (conv && conv.transfers.has(e.id)) renderTimeline('keep');
      break;
    case 'file-declined': case 'file-failed': case 'file-cancelled':
      if (conv && conv.transfers.has(e.id)) $('chat-error').textContent = (e.type === 'file-declined' ? nameOf(conv.peer) + ' declined the file.' : 'The file transfer stopped: ' + (e.reason || e.type));
      break;
    default:
  }
}

function patchProgress(p) {
  const card = document.querySelector('[data-transfer="' + p.id + '"]');
  const bar = card && card.querySelector('progress');
  if (!bar || !card.querySelector('.rate')) { renderTimeline('keep'); return; }
  bar.max = p.size; bar.value = p.bytes;
  card.querySelector('.rate').textContent = Math.round(100 * p.bytes / Math.max(1, p.size)) + '% · ' + size(p.bytesPerSecond) + '/s' + (p.etaMs != null ? ' · ' + secs(p.etaMs) + ' left' : '');
}

const rank = (s) => ['pending', 'sent', 'delivered', 'received', 'read'].indexOf(s);

function serverState(online) {
  $('server').textContent = online ? 'online' : 'offline (messages wait until the server is back)';
  $('server').className = 'server ' + (online ? 'online' : 'offline');
}

export function banner(text) {
  const b = $('banner');
  b.textContent = text || '';
  b.hidden = !text;
}

async function reload() {
  await loadContacts();
  await Groups.load();
  if (S.view === 'chat' && S.current) await openChat(S.current);
}

// ------------------------------------------------------------------ start

async function start() {
  $('me-button').onclick = showMe;
  $('add-button').onclick = async () => { await showMe(); $('add-contact').focus(); };
  $('menu').onclick = () => document.body.classList.toggle('show-side');
  $('back').onclick = () => document.body.classList.add('show-side');
  $('add-form').onsubmit = addContact;
  $('save-name').onclick = () => { localStorage.setItem('parley.name', $('my-name').value.trim()); showMe(); };
  $('copy-contact').onclick = () => { $('my-contact').select(); navigator.clipboard && navigator.clipboard.writeText($('my-contact').value); };
  $('composer').onsubmit = send;
  $('text').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(e); } });
  $('text').addEventListener('input', typed);
  $('file-input').onchange = () => { sendFiles([...$('file-input').files]); $('file-input').value = ''; };
  const view = $('view-chat');
  view.addEventListener('dragover', (e) => { e.preventDefault(); $('drop').hidden = false; });
  view.addEventListener('dragleave', (e) => { if (e.target === view) $('drop').hidden = true; });
  view.addEventListener('drop', (e) => { e.preventDefault(); $('drop').hidden = true; sendFiles([...e.dataTransfer.files]); });
  $('timeline').addEventListener('scroll', () => { if ($('timeline').scrollTop < 40) older(); });
  $('verify-button').onclick = () => openVerify();
  $('mark-verified').onclick = markVerified;
  $('verify-back').onclick = () => openChat(S.current);
  $('call-button').onclick = placeCall;
  $('call-accept').onclick = callAct('answer', () => ({ media: {} }));
  $('call-decline').onclick = callAct('decline');
  $('call-hangup').onclick = callAct('hangup');
  $('call-mute').onclick = callAct('mute', () => ({ muted: !S.call.muted }));
  document.addEventListener('visibilitychange', markRead);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') document.body.classList.remove('show-side'); });
  Groups.init();
  try {
    const server = await get('/v1/server');
    serverState(server.online);
    const events = new Events(onEvent, () => reload().catch((e) => banner(human(e))), (up) => banner(up ? '' : 'Lost the connection to the Parley daemon; reconnecting…'));
    await events.start();
    await reload();
    if (S.contacts.size === 0) await showMe(); else { show('me'); await showMe(); }
    document.body.dataset.ready = 'true';
  } catch (e) {
    banner(human(e));
  }
}

start();
