// Peringkat: rankings per cluster with search, province filter and movement.
import { h, fill, api, withQuery, field, table, loading, problemBox, badge, fmtIID, fmtDec, fmtNum, fmtDate,
  clusterLabel } from '../lib.js';
import { loadYears, pickYear, yearSelect, regionLink, readableYears, unpublished } from './common.js';

export const title = 'Peringkat';

const tieRuleID = 'Urutan bila IID sama: IID (2 desimal) menurun; lalu Skor Total persis menurun; lalu SID persis ' +
  'menurun; lalu pengiriman jawaban terakhir yang lebih awal (pengirim tercepat); lalu kode Kemendagri menaik. ' +
  'Setiap daerah mendapat nomor peringkat sendiri.';

let provinces = null;

export function page(ctx) {
  const controls = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Saring peringkat' });
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const el = h('div', {}, h('h1', {}, 'Peringkat IID'), controls, body);
  let built = false;

  async function buildControls(years, year) {
    provinces ||= (await api('/api/v1/regions?kind=provinsi&limit=1000')).items;
    const q = ctx.query;
    const cluster = field({ name: 'cluster', label: 'Klaster', value: q.get('cluster') || 'nasional',
      options: Object.entries(clusterLabel) });
    const prov = field({ name: 'province', label: 'Provinsi', value: q.get('province') || '',
      options: [['', 'Semua provinsi'], ...provinces.map((p) => [p.code, p.name])] });
    const text = field({ name: 'q', label: 'Cari daerah', type: 'search', value: q.get('q') || '' });
    const since = field({ name: 'since', label: 'Pergerakan sejak', type: 'date', value: q.get('since') || '',
      hint: 'Bandingkan dengan peringkat pada tanggal ini' });
    fill(controls, yearSelect(years, year, () => {}), cluster, prov, text, since,
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Terapkan')));
    const apply = () => {
      const data = Object.fromEntries(new FormData(controls).entries());
      ctx.setQuery(data);
      load();
    };
    controls.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
    for (const sel of controls.querySelectorAll('select')) sel.addEventListener('change', apply);
    built = true;
  }

  async function load() {
    const q = ctx.query;
    const all = await loadYears();
    // Rankings of a year not yet published are for the national roles.
    const { readable, hidden } = readableYears(all, q.get('year'));
    const years = all.filter((p) => readable.includes(p) || p.year === hidden);
    const year = hidden || pickYear(readable, q.get('year'));
    if (!built) await buildControls(years, year);
    if (hidden) {
      fill(body, unpublished(hidden));
      return;
    }
    if (!readable.length) {
      fill(body, h('p', { class: 'notice info' }, 'Belum ada hasil penilaian yang diumumkan.'));
      return;
    }
    const cluster = q.get('cluster') || 'nasional';
    let res;
    try {
      res = await api(withQuery(`/api/v1/rankings/${year}`, {
        cluster, province: q.get('province'), q: q.get('q'), since: q.get('since'), limit: 1000 }));
    } catch (err) {
      fill(body, problemBox(err));
      return;
    }
    const since = q.get('since');
    const rows = res.items.map((r) => [
      h('td', { class: 'num rank' }, String(r.rank)),
      since ? movement(r.movement) : null,
      h('td', {}, regionLink(r.region, r.name, { year, cluster }), h('br'), h('span', { class: 'muted' }, r.region)),
      h('td', { class: 'hide-sm' }, r.province || '–'),
      badge(r.predicate),
      h('td', { class: 'num iid' }, fmtIID(r.iid)),
      h('td', { class: 'num hide-sm' }, fmtDec(r.spd)),
      h('td', { class: 'num hide-sm' }, fmtDec(r.sid)),
      h('td', { class: 'num hide-sm' }, fmtNum(r.counted_innovations)),
    ].filter((c) => c !== null));
    const cols = [{ label: 'Peringkat', num: true }, since ? { label: 'Gerak' } : null, { label: 'Daerah' },
      { label: 'Provinsi', cls: 'hide-sm' }, { label: 'Predikat' }, { label: 'IID', num: true },
      { label: 'SPD', num: true, cls: 'hide-sm' }, { label: 'SID', num: true, cls: 'hide-sm' },
      { label: 'Inovasi dihitung', num: true, cls: 'hide-sm' }].filter(Boolean);
    const t = table(`Peringkat ${clusterLabel[cluster]} ${year}`, cols, rows, { id: 'rank-table' });
    fill(body, 
      h('p', { class: 'muted' }, `${fmtNum(res.total)} daerah · klaster ${clusterLabel[cluster]} · tahun ${year}`,
        res.phase !== 'published' ? ' · hasil sementara (belum diumumkan)' : '',
        since ? ` · pergerakan dibanding ${fmtDate(since)}` : ''),
      t,
      downloads(year, { cluster, province: q.get('province'), q: q.get('q'), since }),
      h('details', { class: 'card', id: 'tie-rule' }, h('summary', {}, 'Aturan bila skor sama'),
        h('p', {}, tieRuleID)));
  }
  return { el, refresh: load };
}

function movement(m) {
  if (m === undefined || m === null) return h('td', { title: 'Belum dinilai pada tanggal pembanding' }, h('span', { class: 'muted' }, 'baru'));
  if (m > 0) return h('td', { class: 'up' }, h('span', { 'aria-hidden': 'true' }, '▲ '), String(m), h('span', { class: 'sr-only' }, ' naik'));
  if (m < 0) return h('td', { class: 'down' }, h('span', { 'aria-hidden': 'true' }, '▼ '), String(-m), h('span', { class: 'sr-only' }, ' turun'));
  return h('td', { class: 'muted' }, '= ', h('span', { class: 'sr-only' }, 'tetap'));
}

// downloads links the ranking as shown, as CSV and as an Excel workbook.
function downloads(year, params) {
  const href = (format) => withQuery(`/api/v1/rankings/${year}`, { ...params, format });
  return h('p', { class: 'downloads' }, 'Unduh peringkat ini: ',
    h('a', { href: href('csv'), download: '', id: 'rank-csv' }, 'CSV'), ' · ',
    h('a', { href: href('xlsx'), download: '', id: 'rank-xlsx' }, 'Excel (XLSX)'));
}
