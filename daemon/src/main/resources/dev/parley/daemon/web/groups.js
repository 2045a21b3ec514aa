// Groups: list, members with names, posts with author names, invite/remove/leave (docs/api.md § Groups).
import { get, post, human } from '/app/api.js';
import { el, state, nameOf, showView, renderContacts } from '/app/app.js';

const $ = (id) => document.getElementById(id);
const G = { groups: new Map(), current: null, posts: [], members: [], me: null };

function author(peer) {
  if (peer === G.me) return 'You';
  const m = G.members.find((x) => x.peerId === peer);
  return (m && m.name) || nameOf(peer);
}

async function load() {
  if (!G.me) G.me = (await get('/v1/check')).peerId;
  const list = await get('/v1/groups');
  G.groups = new Map(list.map((g) => [g.id, g]));
  render();
}

function render() {
  const ul = $('groups');
  ul.replaceChildren();
  for (const g of G.groups.values()) {
    if (g.status === 'left') continue;
    ul.append(el('li', {}, el('button', { 'data-group': g.id, 'aria-current': G.current === g.id && state.view === 'group' ? 'true' : null, onclick: () => open(g.id) },
      el('span', { class: 'name', text: g.name }), el('span', { class: 'sub', text: g.status === 'invited' ? 'invited' : g.members + ' members' }))));
  }
}

function renderInviteChoices() {
  const sel = $('group-invite-peer');
  if (!sel) return;
  const have = new Set(G.members.map((m) => m.peerId));
  sel.replaceChildren(...[...state.contacts.values()].filter((c) => c.key && !have.has(c.peerId)).map((c) => el('option', { value: c.peerId, text: c.label })));
}

async function open(id) {
  G.current = id;
  state.current = null;
  $('group-error').textContent = '';
  showView('group');
  renderContacts();
  await refresh();
  $('group-text').focus();
}

async function refresh() {
  const id = G.current;
  const [g, members, posts] = await Promise.all([get('/v1/groups/' + id), get('/v1/groups/' + id + '/members'), get('/v1/groups/' + id + '/messages?limit=200')]);
  if (G.current !== id) return;
  G.groups.set(id, g); G.members = members; G.posts = posts;
  $('group-name').textContent = g.name;
  $('group-status').textContent = g.status === 'joined' ? members.length + ' members' + (g.admin ? ' · you are an admin' : '') : g.status;
  $('group-invite-banner').hidden = g.status !== 'invited';
  $('group-leave').hidden = g.status !== 'joined';
  $('group-invite').hidden = !g.admin;
  $('group-members').replaceChildren(...members.map((m) => el('li', {},
    el('span', { text: author(m.peerId) + (m.admin ? ' (admin)' : '') }),
    g.admin && m.peerId !== G.me ? el('button', { onclick: () => act(post('/v1/groups/' + id + '/remove', { peerId: m.peerId })), 'aria-label': 'Remove ' + author(m.peerId) }, 'Remove') : null)));
  renderInviteChoices();
  renderPosts();
  render();
}

function renderPosts() {
  const tl = $('group-timeline');
  tl.replaceChildren(...G.posts.map((p) => el('div', { class: 'msg ' + (p.author === G.me ? 'outgoing' : 'incoming') },
    p.author === G.me ? null : el('span', { class: 'author', text: author(p.author) }), p.text,
    el('span', { class: 'meta', text: new Date(p.sentAt).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }) }))));
  tl.scrollTop = tl.scrollHeight;
}

async function act(p) {
  try { await p; await refresh(); } catch (e) { $('group-error').textContent = human(e); }
}

function onEvent(e) {
  if (e.type === 'group-message') {
    if (G.current === e.post.group && !G.posts.some((p) => p.id === e.post.id)) { G.posts.push(e.post); renderPosts(); }
  } else if (e.type === 'group-invite' || e.type === 'group-member') {
    load().then(() => { if (G.current && state.view === 'group') refresh(); }).catch(() => {});
  }
}

function init() {
  $('new-group').onsubmit = async (ev) => {
    ev.preventDefault();
    const name = $('new-group-name').value.trim();
    if (!name) return;
    try { const g = await post('/v1/groups', { name }); $('new-group-name').value = ''; G.groups.set(g.id, g); render(); open(g.id); }
    catch (e) { alert(human(e)); }
  };
  $('group-composer').onsubmit = async (ev) => {
    ev.preventDefault();
    const text = $('group-text').value;
    if (!text.trim()) return;
    try {
      const p = await post('/v1/groups/' + G.current + '/messages', { text });
      $('group-text').value = '';
      if (!G.posts.some((x) => x.id === p.id)) { G.posts.push(p); renderPosts(); }
    } catch (e) { $('group-error').textContent = human(e); }
  };
  $('group-text').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('group-composer').requestSubmit(); } });
  $('group-invite').onsubmit = (ev) => { ev.preventDefault(); const p = $('group-invite-peer').value; if (p) act(post('/v1/groups/' + G.current + '/invite', { peers: [p] })); };
  $('group-leave').onclick = () => { if (confirm('Leave this group?')) act(post('/v1/groups/' + G.current + '/leave')); };
  $('group-accept').onclick = () => act(post('/v1/groups/' + G.current + '/accept'));
  $('group-decline').onclick = () => act(post('/v1/groups/' + G.current + '/decline'));
  document.querySelector('.back-group').onclick = () => document.body.classList.add('show-side');
}

export const Groups = { load, init, onEvent, renderInviteChoices };
