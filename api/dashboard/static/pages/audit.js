// Jejak audit: the event timeline of an entity, a region or an actor, with
// who, when, what changed (before/after) and the correlation id.
import { h, fill, api, can, withQuery, field, table, loading, problemBox, fmtDateTime, eventLabel, roleLabel, shortId } from '../lib.js';
import { regionLink } from './common.js';

export const title = 'Jejak audit';
export const allowed = () => can.audit();

export function page(ctx) {
  const q = ctx.query;
  const mode = q.get('entity') ? 'entity' : q.get('actor') ? 'actor' : 'region';
  const controls = h('form', { class: 'toolbar', 'aria-label': 'Pilih jejak' },
    field({ name: 'mode', label: 'Jejak dari', value: mode, options: [['region', 'Daerah (kode)'], ['entity', 'Entitas (jenis/id)'], ['actor', 'Pelaku (user)']] }),
    field({ name: 'value', label: 'Nilai', required: true, value: q.get(mode) || '', hint: 'Contoh: 18.04 · innovation/ID · op-berau' }),
    field({ name: 'type', label: 'Jenis peristiwa', value: q.get('type') || '', options: [['', 'Semua'], ...Object.entries(eventLabel)] }),
    field({ name: 'from', label: 'Dari', type: 'date', value: q.get('from') || '' }),
    field({ name: 'to', label: 'Sampai', type: 'date', value: q.get('to') || '' }),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Tampilkan')));
  const body = h('div', { 'aria-live': 'polite' });
  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(controls).entries());
    ctx.setQuery({ region: '', entity: '', actor: '', [d.mode]: d.value.trim(), type: d.type, from: d.from, to: d.to });
    refresh();
  });
  const el = h('div', {}, h('h1', {}, 'Jejak audit'), controls, body);

  async function refresh() {
    const params = { entity: q.get('entity'), region: q.get('region'), actor: q.get('actor'), type: q.get('type'), from: q.get('from'), to: q.get('to'), limit: 500 };
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
      [fmtDateTime(e.occurred_at), h('br'), h('span', { class: 'hint' }, `#${e.position}`)],
      [h('strong', {}, eventLabel[e.type] || e.type), h('br'), h('code', {}, e.type), ' ', shortId(e.event_id)],
      [e.aggregate_type === 'innovation' ? h('a', { href: `#/inovasi/${e.aggregate_id}` }, `${e.aggregate_type}/${e.aggregate_id}`) : `${e.aggregate_type}/${e.aggregate_id}`,
        e.region ? [h('br'), regionLink(e.region)] : ''],
      [e.actor.user, h('br'), h('span', { class: 'hint' }, roleLabel[e.actor.role] || e.actor.role, e.actor.region ? ` ${e.actor.region}` : '')],
      changes(e.changes),
      e.correlation_id ? h('code', { title: e.correlation_id }, e.correlation_id.slice(0, 12)) : '–',
    ]), { id: 'audit-table' });
    if (hl) {
      t.querySelectorAll('tbody tr').forEach((tr, i) => { if (res.items[i]?.event_id === hl) tr.classList.add('highlight'); });
    }
    fill(body, h('p', { class: 'muted' }, `${res.total} peristiwa, terlama di atas.`), t);
  }
  return { el, refresh };
}

function changes(list) {
  if (!list?.length) return h('span', { class: 'muted' }, '–');
  return h('ul', { class: 'changes' }, list.map((c) => h('li', {}, h('code', {}, c.field), ': ',
    c.before === null || c.before === undefined ? h('span', { class: 'muted' }, '∅') : h('del', {}, short(c.before)), ' → ',
    h('ins', {}, short(c.after)))));
}

function short(v) {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}
