// Jejak audit: the whole audit log, newest first, narrowed by event type,
// actor, entity, region, a date range and a search term; paged by keyset
// (each page's next_cursor), with who, when, what changed (before/after)
// and the correlation id. The filters, the order and the cursors of the
// pages passed live in the page's address, so a link reproduces the view.
import { h, fill, api, can, withQuery, field, table, loading, problemBox, errorText, fmtDate, fmtDateTime, fmtNum, eventLabel, roleLabel, shortId, stageLabel, affairLabel, formLabel, fieldLabel, entityLabel } from '../lib.js';
import { regionLink, eventYear } from './common.js';

export const title = 'Jejak audit';

// pageSize is 50 rows: a page of 100 (about 4,100 elements) took 200-300 ms of
// style, layout and row building in Chromium at national scale (issue 16).
const pageSize = 50;
export const allowed = () => can.audit();

// entityTypes are the aggregate types the API's entity filter takes.
const entityTypes = ['innovation', 'assessment', 'region', 'bimtek', 'period', 'person'];
// filterKeys are the address's filter parameters, sent to the API as they are.
const filterKeys = ['type', 'actor', 'entity', 'region', 'from', 'to', 'q'];

export function page(ctx) {
  const q = ctx.query;
  const [entType, ...entRest] = (q.get('entity') || '').split('/');
  const typeValue = q.get('type') || '';
  const typeOptions = [['', 'Semua'], ...Object.entries(eventLabel)];
  if (typeValue && !eventLabel[typeValue]) { // a comma list from a link
    typeOptions.push([typeValue, typeValue.split(',').map((t) => eventLabel[t] || t).join(', ')]);
  }
  const controls = h('form', { class: 'toolbar audit-filters', id: 'audit-filters', role: 'search', 'aria-label': 'Saring jejak audit' },
    field({ name: 'q', label: 'Cari', type: 'search', value: q.get('q') || '', hint: 'Jenis, pelaku, entitas atau daerah', attrs: { maxlength: 100 } }),
    field({ name: 'type', label: 'Jenis peristiwa', value: typeValue, options: typeOptions }),
    field({ name: 'actor', label: 'Pelaku (user)', value: q.get('actor') || '', hint: 'Contoh: op-berau' }),
    field({ name: 'entity_type', label: 'Entitas', value: entRest.length ? entType : '', options: [['', 'Semua'], ...entityTypes.map((t) => [t, entityLabel[t] || t])] }),
    field({ name: 'entity_id', label: 'ID entitas', value: entRest.join('/'), hint: 'Contoh: 2025-18.04 (penilaian)' }),
    field({ name: 'region', label: 'Daerah (kode)', value: q.get('region') || '', hint: 'Contoh: 64.03' }),
    field({ name: 'from', label: 'Dari tanggal', type: 'date', value: q.get('from') || '' }),
    field({ name: 'to', label: 'Sampai tanggal', type: 'date', value: q.get('to') || '' }),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Tampilkan')),
    h('div', { class: 'field' }, h('button', { type: 'button', class: 'secondary', id: 'audit-reset' }, 'Hapus saringan')));
  const body = h('div', { id: 'audit-body', 'aria-live': 'polite' });
  const reset = { offset: '', event: '', cursors: '' };
  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(controls).entries());
    const entity = d.entity_type && d.entity_id.trim() ? `${d.entity_type}/${d.entity_id.trim()}` : '';
    ctx.setQuery({ ...reset, type: d.type, actor: d.actor.trim(), entity, region: d.region.trim(), from: d.from, to: d.to, q: d.q.trim() });
    refresh();
  });
  controls.querySelector('#audit-reset').addEventListener('click', () => {
    ctx.setQuery({ ...reset, ...Object.fromEntries(filterKeys.map((k) => [k, ''])) });
    for (const el of controls.querySelectorAll('input, select')) {
      if (el.tagName === 'SELECT') el.selectedIndex = 0;
      else { el.value = ''; el.dispatchEvent(new Event('change')); }
    }
    refresh();
  });
  // one delegated listener for every button of the page body: the rows'
  // proofs, the order toggle, the pager and "Lihat seluruh jejak".
  body.addEventListener('click', (ev) => {
    const b = ev.target.closest('button');
    if (!b || b.disabled) return;
    if (b.classList.contains('proof')) downloadProof(b);
    else if (b.dataset.order) go({ order: b.dataset.order === 'asc' ? 'asc' : '', cursors: '' });
    else if (b.dataset.page === 'next' && b.dataset.cursor) go({ cursors: [...cursors(), b.dataset.cursor].join(',') });
    else if (b.dataset.page === 'prev') go({ cursors: cursors().slice(0, -1).join(',') });
    else if (b.dataset.page === 'first') go({ cursors: '' });
    else if (b.id === 'audit-all') go({ event: '' });
  });
  const go = (changes) => { ctx.setQuery(changes); refresh(); };
  // cursors are the next_cursor of each page passed, oldest first: the
  // current page is read from the last, the previous one from the one before.
  const cursors = () => (q.get('cursors') || '').split(',').filter((c) => /^\d+\.\d+$/.test(c));
  const seal = h('div', { id: 'log-head', 'aria-live': 'polite' });
  const el = h('div', {}, h('h1', {}, 'Jejak audit'), seal, controls, body);
  showHead(seal);

  let shown = 0; // a newer refresh wins over a slower, older one
  async function refresh() {
    const event = q.get('event');
    const order = q.get('order') === 'asc' ? 'asc' : 'desc';
    const stack = cursors();
    const params = { limit: pageSize, order: order === 'asc' ? 'asc' : undefined, cursor: stack.at(-1), event_id: event || undefined };
    for (const k of filterKeys) params[k] = q.get(k) || undefined;
    const n = ++shown;
    if (!body.firstChild) fill(body, loading());
    const t0 = performance.now();
    let res;
    try {
      res = await api(withQuery('/api/v1/audit', params));
    } catch (err) {
      if (n === shown) fill(body, problemBox(err));
      return;
    }
    if (n !== shown) return;
    const t1 = performance.now();
    const rows = res.items.map(row);
    const t = table('Jejak peristiwa', [{ label: 'Waktu' }, { label: 'Peristiwa' }, { label: 'Entitas' }, { label: 'Pelaku' },
      { label: 'Perubahan (sebelum → sesudah)' }, { label: 'Korelasi', cls: 'hide-sm' }], rows, { id: 'audit-table' });
    if (event) {
      t.querySelectorAll('tbody tr').forEach((tr, i) => { if (res.items[i]?.event_id === event) tr.classList.add('highlight'); });
    }
    const single = event ? h('p', { class: 'notice info', id: 'audit-one' }, 'Satu peristiwa dari jejak ini, dengan nilai sebelum dan sesudahnya. ',
      h('button', { type: 'button', class: 'secondary', id: 'audit-all' }, 'Lihat seluruh jejak')) : null;
    const first = stack.length * pageSize;
    fill(body, single, event ? null : pager(res, first, order, stack.length, 'top'), t,
      !event && res.items.length > 20 ? pager(res, first, order, stack.length, 'bottom') : null);
    // what the page's last read cost, for whoever measures it (the tests log it)
    Object.assign(body.dataset, { fetchMs: (t1 - t0).toFixed(1), renderMs: (performance.now() - t1).toFixed(1) });
  }
  return { el, refresh };
}

// pager says which part of the trail is shown, in which order, and moves
// through it by keyset (the API's next_cursor), never by offset.
function pager(res, first, order, depth, where) {
  const shown = res.items.length ? `Peristiwa ${fmtNum(first + 1)}–${fmtNum(first + res.items.length)} dari ${fmtNum(res.total)}` : `${fmtNum(res.total)} peristiwa`;
  const toggle = (value, label) => h('button', { type: 'button', class: order === value ? '' : 'secondary', 'aria-pressed': String(order === value), dataset: { order: value } }, label);
  return h('div', { class: `toolbar pager pager-${where}` },
    h('p', { class: 'muted', role: where === 'top' ? 'status' : null }, `${shown}, ${order === 'asc' ? 'terlama' : 'terbaru'} di atas.`),
    where === 'top' ? h('div', { class: 'order-toggle', role: 'group', 'aria-label': 'Urutan' }, toggle('desc', 'Terbaru'), toggle('asc', 'Terlama')) : null,
    depth || res.next_cursor ? [
      h('button', { type: 'button', class: 'secondary', disabled: !depth, dataset: { page: 'first' } }, '⇤ Halaman pertama'),
      h('button', { type: 'button', disabled: !depth, dataset: { page: 'prev' } }, '← Sebelumnya'),
      h('button', { type: 'button', disabled: !res.next_cursor, dataset: { page: 'next', cursor: res.next_cursor || '' } }, 'Berikutnya →'),
    ] : null);
}

// row is one event's table row.
function row(e) {
  return [
    [fmtDateTime(e.occurred_at), h('br'), h('span', { class: 'hint pos' }, `#${e.position} `),
      h('button', { type: 'button', class: 'link proof', 'data-position': e.position, title: 'Unduh bukti inklusi peristiwa ini dalam log bertanda tangan' }, 'bukti')],
    [h('strong', {}, eventLabel[e.type] || 'Peristiwa'), h('br'), h('span', { class: 'hint' }, 'peristiwa '), shortId(e.event_id)],
    [entityLabel[e.aggregate_type] || e.aggregate_type, ' ',
      e.aggregate_type === 'innovation' ? h('a', { href: `#/inovasi/${e.aggregate_id}` }, shortId(e.aggregate_id)) : h('code', {}, e.aggregate_id),
      subject(e.subject), e.region ? [h('br'), regionLink(e.region, undefined, { year: eventYear(e) })] : ''],
    [e.actor.user, h('br'), h('span', { class: 'hint' }, roleLabel[e.actor.role] || e.actor.role, e.actor.region ? ` ${e.actor.region}` : '')],
    changes(e.changes),
    e.correlation_id ? h('code', { class: 'wrap' }, e.correlation_id) : '–',
  ];
}

// showHead shows the latest signed head of the Merkle log: what an auditor
// saves to prove later that the history only grew since.
async function showHead(box) {
  let head;
  try {
    head = await api('/api/v1/log/head');
  } catch (err) {
    fill(box, h('p', { class: 'notice info' }, err.status === 404 ? 'Log belum disegel: segel pertama dibuat beberapa detik setelah commit pertama.' : 'Segel log tidak tersedia: ' + errorText(err)));
    return;
  }
  fill(box, h('section', { class: 'notice ok', 'aria-label': 'Segel log terakhir' },
    h('strong', {}, 'Segel log terakhir: '),
    `kepala #${fmtNum(head.number)} · ${fmtNum(head.size)} commit · disegel ${fmtDateTime(head.time)} · akar `,
    h('code', { title: head.root, id: 'log-root' }, head.root.slice(0, 16) + '…'), ' · kunci ', h('code', {}, `${head.key_name}+${head.key_id}`), ' ',
    h('button', { type: 'button', class: 'secondary', id: 'log-head-download', onclick: () => saveJSON(`jejak-kepala-${head.number}.json`, head) }, 'Unduh kepala'),
    h('p', { class: 'hint' }, 'Simpan kepala ini. Bukti konsistensi dari kepala ini ke kepala berikutnya menunjukkan bahwa riwayat hanya bertambah, tidak ada yang diubah atau dihapus; periksa dengan jejak verify-proof dan kunci publik segel.')));
}

// downloadProof downloads the inclusion proof of the commit at the
// button's position in the latest signed head's tree.
async function downloadProof(button) {
  const position = button.dataset.position;
  let msg = button.nextElementSibling;
  if (!msg) {
    msg = h('span', { role: 'status', class: 'hint' });
    button.after(msg);
  }
  msg.textContent = ' …';
  try {
    const proof = await api(withQuery('/api/v1/log/proof/inclusion', { position }));
    saveJSON(`jejak-bukti-posisi-${position}-kepala-${proof.tree_size}.json`, proof);
    msg.textContent = ' tersimpan';
  } catch (err) {
    msg.textContent = err.status === 404 ? ' belum disegel; coba lagi sebentar' : ' gagal: ' + errorText(err);
  }
}

function saveJSON(name, data) {
  const a = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2) + '\n'], { type: 'application/json' })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function changes(list) {
  if (!list?.length) return h('span', { class: 'muted' }, '–');
  return h('ul', { class: 'changes' }, list.map((c) => h('li', {}, h('span', { title: c.field }, fieldLabel[c.field] || c.field), ': ',
    c.before === null || c.before === undefined ? null : [h('del', {}, short(c.before)), ' → '],
    c.after === null || c.after === undefined || c.after === '' ? h('span', { class: 'muted' }, '(kosong)') : h('ins', {}, short(c.after)))));
}

function short(v) {
  const s = valueText(v);
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

const decisionLabel = { accept: 'diterima', accepted: 'diterima', lower: 'diturunkan', lowered: 'diturunkan', reject: 'ditolak', rejected: 'ditolak' };

// valueText renders a recorded value for people: dates in Indonesian,
// known codes by their label, evidence as its parts; anything else as JSON.
function valueText(v) {
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T00:00:00Z$/.test(v)) return fmtDate(v.slice(0, 10));
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return fmtDateTime(v);
    return stageLabel[v] || decisionLabel[v] || formLabel[v] || (v.includes('_') && affairLabel(v) !== v.replaceAll('_', ' ') ? affairLabel(v) : v);
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && ('document_ref' in v || 'link' in v || 'note' in v)) {
    return [v.document_ref && `Dok. ${v.document_ref}`, v.link, v.note].filter(Boolean).join(' · ') || '–';
  }
  if (v && typeof v === 'object' && !Array.isArray(v) && 'name' in v) { // a participant
    return [v.name, v.unit && `(${v.unit})`, v.role, v.region].filter(Boolean).join(' ');
  }
  if (typeof v === 'boolean') return v ? 'ya' : 'tidak';
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return JSON.stringify(v);
}

// subject names the answer, attendee or rejection an entry is about.
function subject(sub) {
  if (!sub) return '';
  const parts = [];
  if (sub.indicator) parts.push(`indikator ${sub.indicator}`);
  if (sub.innovation_id) parts.push(['inovasi ', h('a', { href: `#/inovasi/${sub.innovation_id}` }, shortId(sub.innovation_id))]);
  if (sub.indicator && !sub.innovation_id) parts.push('SPD');
  if (sub.name) parts.push(`peserta ${sub.name}${sub.unit ? ` (${sub.unit})` : ''}`);
  return parts.length ? [h('br'), h('span', { class: 'hint subject' }, parts.flatMap((p, i) => (i ? [' · ', p] : [p])))] : '';
}
