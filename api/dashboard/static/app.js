// Jejak dashboard: hash routes, sign-in, navigation by role and live
// updates over Server-Sent Events.
import { h, fill, api, session, claimsOf, can, roleLabel, problemBox } from './lib.js';
import * as beranda from './pages/beranda.js';
import * as peringkat from './pages/peringkat.js';
import * as daerah from './pages/daerah.js';
import * as inovasi from './pages/inovasi.js';
import * as basisdata from './pages/basisdata.js';
import * as laporan from './pages/laporan.js';
import * as antrian from './pages/antrian.js';
import * as audit from './pages/audit.js';
import * as ekspor from './pages/ekspor.js';
import * as periode from './pages/periode.js';
import * as masuk from './pages/masuk.js';
import * as impor from './pages/impor.js';
import * as kerja from './pages/kerja.js';

// routes: first path segment -> page module. Each module exports title,
// allowed() (optional) and page(ctx) returning {el, refresh}.
const routes = { '': beranda, peringkat, daerah, laporan, 'basis-data': basisdata, inovasi, antrian, audit, ekspor, periode, masuk, impor, kerja };

const nav = [
  ['#/', 'Beranda', () => true],
  ['#/kerja', 'Ruang kerja', () => can.write() && !!session.me.region],
  ['#/peringkat', 'Peringkat', () => true],
  ['#/daerah', 'Profil daerah', () => true],
  ['#/basis-data', 'Basis data inovasi', () => true],
  ['#/antrian', 'Antrian verifikasi', can.verify],
  ['#/audit', 'Jejak audit', can.audit],
  ['#/impor', 'Impor', () => can.write()],
  ['#/ekspor', 'Ekspor', can.export],
  ['#/periode', 'Periode', can.coordinate],
];

const main = document.getElementById('main');
const live = document.getElementById('live-status');
let current = null;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(qs || '') };
}

function renderNav() {
  const { parts } = parseHash();
  const here = '#/' + (parts[0] || '');
  const ul = document.getElementById('nav-list');
  fill(ul, ...nav.filter(([, , ok]) => ok()).map(([href, label]) =>
    h('li', {}, h('a', { href, 'aria-current': (href === here || (href === '#/' && here === '#/')) ? 'page' : null }, label))));
  const who = document.getElementById('who');
  fill(who, ...(can.signedIn()
    ? [h('span', { class: 'role' }, `${roleLabel[session.me.role] || session.me.role}: ${session.me.user}`,
        session.me.region ? ` (${session.me.region})` : ''),
      h('button', { type: 'button', class: 'link', onclick: signOut }, 'Keluar')]
    : [h('a', { href: '#/masuk', class: 'button' }, 'Masuk')]));
}

async function loadMe() {
  if (!session.token) {
    session.me = { user: 'anonymous', role: 'public', region: '' };
    return;
  }
  try {
    session.me = await api('/api/v1/me');
  } catch {
    session.setToken('');
    session.me = { user: 'anonymous', role: 'public', region: '' };
  }
}

function signOut() {
  session.setToken('');
  session.me = { user: 'anonymous', role: 'public', region: '' };
  connectLive();
  renderNav();
  location.hash = '#/';
  route();
}

// signedIn is called by the sign-in page after a token was accepted.
export async function signedIn() {
  await loadMe();
  connectLive();
  renderNav();
}

async function route() {
  const { parts, query } = parseHash();
  const mod = routes[parts[0] || ''] || null;
  renderNav();
  fill(main);
  if (!mod) {
    main.append(h('h1', { tabindex: -1 }, 'Halaman tidak ditemukan'), h('p', {}, h('a', { href: '#/' }, 'Kembali ke Beranda')));
    current = null;
    focusHeading();
    return;
  }
  if (mod.allowed && !mod.allowed()) {
    main.append(h('h1', { tabindex: -1 }, mod.title),
      problemBox({ message: can.signedIn() ? 'Peran Anda tidak dapat membuka halaman ini' : 'Masuk dengan token untuk membuka halaman ini', status: 0 }),
      can.signedIn() ? null : h('p', {}, h('a', { href: '#/masuk' }, 'Masuk')));
    current = null;
    focusHeading();
    return;
  }
  const ctx = {
    parts: parts.slice(1),
    query,
    // setQuery changes the hash's query without a new page load.
    setQuery(changes) {
      for (const [k, v] of Object.entries(changes)) {
        if (v === '' || v === null || v === undefined) query.delete(k);
        else query.set(k, v);
      }
      const qs = query.toString();
      history.replaceState(null, '', '#/' + parts.map(encodeURIComponent).join('/') + (qs ? '?' + qs : ''));
    },
    signedIn,
  };
  const pg = mod.page(ctx);
  current = pg;
  document.title = `${mod.title} · Jejak`;
  main.append(pg.el);
  focusHeading();
  try {
    await pg.refresh();
  } catch (err) {
    pg.el.append(problemBox(err));
  }
}

function focusHeading() {
  const h1 = main.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: false });
  }
}

// --- live updates ----------------------------------------------------------

let source = null;
let pending = 0;
let timer = null;

function connectLive() {
  if (source) source.close();
  source = null;
  const badge = document.getElementById('live-badge');
  if (!can.signedIn()) {
    badge.hidden = true;
    return;
  }
  source = new EventSource('/api/v1/stream?access_token=' + encodeURIComponent(session.token));
  source.addEventListener('open', () => { badge.hidden = false; badge.textContent = '● Langsung'; badge.className = 'live on'; });
  source.addEventListener('error', () => { badge.textContent = '○ Menyambung ulang…'; badge.className = 'live off'; });
  const onEvent = () => {
    pending++;
    clearTimeout(timer);
    timer = setTimeout(refreshLive, 400); // debounce bursts of events
  };
  source.addEventListener('event', onEvent);
  source.addEventListener('export', onEvent);
  source.addEventListener('overflow', onEvent);
}

// A page left for the back-forward cache closes its stream, so that it holds
// none of the browser's few connections per host, and opens it again when
// it is shown (its data may be stale: the live refresh brings it up to date).
window.addEventListener('pagehide', (e) => {
  if (e.persisted && source) {
    source.close();
    source = null;
  }
});
window.addEventListener('pageshow', (e) => {
  if (e.persisted) {
    connectLive();
    pending++;
    refreshLive();
  }
});

async function refreshLive() {
  const n = pending;
  pending = 0;
  if (!current || !current.refresh || current.live === false) return;
  // Someone typing in a form keeps their input: offer the update instead.
  const active = document.activeElement;
  if (!current.liveSafe && active && main.contains(active) && active.closest('form') && ['INPUT', 'SELECT', 'TEXTAREA'].includes(active.tagName)) {
    offerUpdate(n);
    return;
  }
  try {
    await current.refresh({ live: true });
    live.textContent = `Diperbarui otomatis: ${n} peristiwa baru.`;
    document.body.dataset.liveUpdates = String(Number(document.body.dataset.liveUpdates || 0) + 1);
  } catch {
    live.textContent = 'Pembaruan otomatis gagal; muat ulang halaman.';
  }
}

function offerUpdate(n) {
  let bar = document.getElementById('update-bar');
  if (!bar) {
    bar = h('div', { id: 'update-bar', class: 'notice info' });
    main.prepend(bar);
  }
  fill(bar, `Ada ${n} peristiwa baru. `, h('button', { type: 'button', class: 'secondary', onclick: async () => {
    bar.remove();
    await current?.refresh({ live: true });
    live.textContent = 'Diperbarui.';
  } }, 'Perbarui tampilan'));
}

window.addEventListener('hashchange', route);

// start shows the page of the address. With a token, the app does not wait
// for /api/v1/me before the page's own reads: it starts as whom the token
// names (its claims), and /api/v1/me checks the token meanwhile. Only when
// it does not confirm them (a revoked or expired token, one of another
// server) is the page shown again, as /api/v1/me says (signed out).
(async function start() {
  const claimed = session.token ? claimsOf(session.token) : null;
  if (!claimed) {
    await loadMe();
    connectLive();
    await route();
  } else {
    session.me = claimed;
    connectLive(); // before the page's reads, so that no change after them is missed
    const shown = route();
    await loadMe();
    const me = session.me;
    if (me.user !== claimed.user || me.role !== claimed.role || (me.region || '') !== claimed.region) {
      connectLive();
      await route();
    }
    await shown;
  }
  document.body.dataset.ready = 'true';
})();
