// Jejak audit: the event timeline of an entity, a region or an actor, with
// who, when, what changed (before/after) and the correlation id.
import { h, fill, api, can, withQuery, field, table, loading, problemBox, errorText, fmtDate, fmtDateTime, fmtNum, eventLabel, roleLabel, shortId, stageLabel, affairLabel, formLabel, fieldLabel, entityLabel } from '../lib.js';
import { regionLink, eventYear } from './common.js';

export const title = 'Jejak audit';

const pageSize = 500;
export const allowed = () => can.audit();

export function page(ctx) {
  const q = ctx.query;
  const mode = q.get('entity') ? 'entity' : q.get('actor') ? 'actor' : 'region';
  const controls = h('form', { class: 'toolbar', 'aria-label': 'Pilih jejak' },
    field({ name: 'mode', label: 'Jejak dari', value: mode, options: [['region', 'Daerah (kode)'], ['entity', 'Entitas (jenis/id)'], ['actor', 'Pelaku (user)']] }),
    field({ name: 'value', label: 'Nilai', required: true, value: q.get(mode) || '', hint: 'Contoh: 18.04 (daerah) · innovation/ID atau assessment/2025-18.04 (entitas) · op-berau (pelaku)' }),
    field({ name: 'type', label: 'Jenis peristiwa', value: q.get('type') || '', options: [['', 'Semua'], ...Object.entries(eventLabel)] }),
    field({ name: 'from', label: 'Dari', type: 'date', value: q.get('from') || '' }),
    field({ name: 'to', label: 'Sampai', type: 'date', value: q.get('to') || '' }),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Tampilkan')));
  const body = h('div', { 'aria-live': 'polite' });
  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(controls).entries());
    ctx.setQuery({ region: '', entity: '', actor: '', [d.mode]: d.value.trim(), type: d.type, from: d.from, to: d.to, offset: '', event: '' });
    refresh();
  });
  const seal = h('div', { id: 'log-head', 'aria-live': 'polite' });
  const el = h('div', {}, h('h1', {}, 'Jejak audit'), seal, controls, body);
  showHead(seal);

  async function refresh() {
    const offset = Math.max(0, Number(q.get('offset')) || 0);
    const params = { entity: q.get('entity'), region: q.get('region'), actor: q.get('actor'), type: q.get('type'), from: q.get('from'), to: q.get('to'), limit: pageSize, offset,
      order: 'asc', event_id: q.get('event') || undefined };
    if (!params.entity && !params.region && !params.actor) {
      fill(body, h('p', { class: 'muted' }, 'Pilih daerah, entitas atau pelaku untuk melihat jejaknya.'));
      return;
    }
    fill(body, loading());
    let res;
    try {
      res = await api(withQuery('/api/v1/audit', params));
    } catch (err) {
      fill(body, problemBox(err));
      return;
    }
    const hl = q.get('event');
    const t = table('Jejak peristiwa', [{ label: 'Waktu' }, { label: 'Peristiwa' }, { label: 'Entitas' }, { label: 'Pelaku' },
      { label: 'Perubahan (sebelum → sesudah)' }, { label: 'Korelasi', cls: 'hide-sm' }],
    res.items.map((e) => [
      [fmtDateTime(e.occurred_at), h('br'), h('span', { class: 'hint' }, `#${e.position} `),
        h('button', { type: 'button', class: 'link proof', 'data-position': e.position, title: 'Unduh bukti inklusi peristiwa ini dalam log bertanda tangan' }, 'bukti')],
      [h('strong', {}, eventLabel[e.type] || 'Peristiwa'), h('br'), h('span', { class: 'hint' }, 'peristiwa '), shortId(e.event_id)],
      [entityLabel[e.aggregate_type] || e.aggregate_type, ' ',
        e.aggregate_type === 'innovation' ? h('a', { href: `#/inovasi/${e.aggregate_id}` }, shortId(e.aggregate_id)) : h('code', {}, e.aggregate_id),
        subject(e.subject), e.region ? [h('br'), regionLink(e.region, undefined, { year: eventYear(e) })] : ''],
      [e.actor.user, h('br'), h('span', { class: 'hint' }, roleLabel[e.actor.role] || e.actor.role, e.actor.region ? ` ${e.actor.region}` : '')],
      changes(e.changes),
      e.correlation_id ? h('code', { class: 'wrap' }, e.correlation_id) : '–',
    ]), { id: 'audit-table' });
    t.addEventListener('click', (ev) => { // one listener for every row's proof button
      const b = ev.target.closest('button.proof');
      if (b) downloadProof(b);
    });
    if (hl) {
      t.querySelectorAll('tbody tr').forEach((tr, i) => { if (res.items[i]?.event_id === hl) tr.classList.add('highlight'); });
    }
    const single = q.get('event') ? h('p', { class: 'notice info', id: 'audit-one' }, 'Satu peristiwa dari jejak ini, dengan nilai sebelum dan sesudahnya. ',
      h('button', { type: 'button', class: 'secondary', onclick: () => { ctx.setQuery({ event: '' }); refresh(); } }, 'Lihat seluruh jejak')) : null;
    fill(body, single, pager(res, offset), t, res.total > pageSize ? pager(res, offset) : null);
  }

  // pager says which part of the trail is shown and moves through it: the
  // trail is never cut silently.
  function pager(res, offset) {
    const last = Math.max(0, Math.floor((res.total - 1) / pageSize) * pageSize);
    const go = (to) => () => { ctx.setQuery({ offset: to ? String(to) : '' }); refresh(); };
    const shown = res.items.length ? `Peristiwa ${fmtNum(offset + 1)}–${fmtNum(offset + res.items.length)} dari ${fmtNum(res.total)}` : `${fmtNum(res.total)} peristiwa`;
    return h('div', { class: 'toolbar pager' },
      h('p', { class: 'muted' }, `${shown}, terlama di atas.`),
      res.total > pageSize ? [
        h('button', { type: 'button', disabled: offset === 0, onclick: go(0) }, '⇤ Terlama'),
        h('button', { type: 'button', disabled: offset === 0, onclick: go(Math.max(0, offset - pageSize)) }, '← Sebelumnya'),
        h('button', { type: 'button', disabled: offset >= last, onclick: go(offset + pageSize) }, 'Berikutnya →'),
        h('button', { type: 'button', disabled: offset >= last, onclick: go(last) }, 'Terbaru ⇥'),
      ] : null);
  }
  return { el, refresh };
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
