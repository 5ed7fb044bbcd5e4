// Basis data inovasi: the public innovation database (what published years
// made public, and what regions made public themselves), with search, filters, pages and a CSV download, and one
// innovation's page: problem, solution, benefit, stages, replications and
// the years it was assessed and counted.
import { h, fill, api, withQuery, field, table, section, loading, problemBox, fmtDate, fmtNum, stageLabel, affairs,
  affairLabel, initiatorLabel, formLabel } from '../lib.js';
import { loadYears, regionLink } from './common.js';

export const title = 'Basis data inovasi';

let provinces = null;
const filterNames = ['q', 'province', 'region', 'affair', 'stage', 'digital', 'initiator', 'year', 'made_public'];

export function page(ctx) {
  return ctx.parts[0] ? innovationPage(ctx, ctx.parts[0]) : listPage(ctx);
}

function listPage(ctx) {
  const controls = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Saring basis data inovasi', id: 'db-filters' });
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const el = h('div', {}, h('h1', {}, 'Basis data inovasi'),
    h('p', { class: 'muted' }, 'Inovasi daerah yang tercantum dalam hasil penilaian yang sudah diumumkan, dan inovasi yang ditampilkan oleh daerahnya sebelum penilaiannya diumumkan. Jawaban, bukti dan data pribadi tidak ditampilkan.'),
    controls, body);
  let built = false;
  let cursors = ['']; // the cursor of each page shown so far

  async function build() {
    provinces ||= (await api('/api/v1/regions?kind=provinsi&limit=1000')).items;
    const years = (await loadYears()).filter((p) => p.phase === 'published');
    const q = ctx.query;
    const opt = (all, pairs) => [['', all], ...pairs];
    fill(controls,
      field({ name: 'q', label: 'Cari nama inovasi', type: 'search', value: q.get('q') || '' }),
      field({ name: 'province', label: 'Provinsi', value: q.get('province') || '', options: opt('Semua provinsi', provinces.map((p) => [p.code, p.name])) }),
      field({ name: 'region', label: 'Kode daerah', value: q.get('region') || '', hint: 'Contoh: 64.03' }),
      field({ name: 'affair', label: 'Urusan', value: q.get('affair') || '', options: opt('Semua urusan', affairs) }),
      field({ name: 'stage', label: 'Tahapan', value: q.get('stage') || '', options: opt('Semua tahapan', Object.entries(stageLabel)) }),
      field({ name: 'digital', label: 'Digital', value: q.get('digital') || '', options: opt('Semua', [['true', 'Digital'], ['false', 'Non-digital']]) }),
      field({ name: 'initiator', label: 'Inisiator', value: q.get('initiator') || '', options: opt('Semua inisiator', Object.entries(initiatorLabel)) }),
      field({ name: 'year', label: 'Tahun penilaian', value: q.get('year') || '', options: opt('Semua tahun', years.map((p) => [p.year, String(p.year)])) }),
      field({ name: 'made_public', label: 'Ditampilkan oleh daerah', value: q.get('made_public') || '', options: opt('Semua', [['true', 'Hanya yang ditampilkan daerah']]) }),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Terapkan')));
    controls.addEventListener('submit', (e) => {
      e.preventDefault();
      const d = Object.fromEntries(new FormData(controls).entries());
      ctx.setQuery(Object.fromEntries(filterNames.map((k) => [k, d[k] || ''])));
      cursors = [''];
      load();
    });
    built = true;
  }

  async function load() {
    if (!built) await build();
    const filters = Object.fromEntries(filterNames.map((k) => [k, ctx.query.get(k) || '']));
    const cursor = cursors.at(-1);
    let res;
    try {
      res = await api(withQuery('/api/v1/innovations', { ...filters, view: 'public', limit: 50, cursor }));
    } catch (err) {
      fill(body, problemBox(err));
      return;
    }
    const from = (cursors.length - 1) * 50 + 1;
    const t = table('Basis data inovasi', [{ label: 'Nama inovasi' }, { label: 'Daerah' }, { label: 'Urusan', cls: 'hide-sm' },
      { label: 'Tahapan' }, { label: 'Digital', cls: 'hide-sm' }, { label: 'Dihitung pada', cls: 'hide-sm' }],
    res.items.map((i) => [[h('a', { href: `#/basis-data/${i.id}`, class: 'db-name' }, i.name),
      i.made_public_on ? [h('br'), h('span', { class: 'hint db-made-public' }, `Ditampilkan oleh daerah sejak ${fmtDate(i.made_public_on)}`)] : ''],
      [regionLink(i.region, i.region_name), h('br'), h('span', { class: 'muted' }, i.province || '')],
      affairLabel(i.affair), stageLabel[i.stage] || i.stage, i.digital ? 'Digital' : 'Non-digital',
      i.counted_years.length ? i.counted_years.join(', ') : '–']), { id: 'db-table', class: 'cards' });
    const prev = h('button', { type: 'button', class: 'secondary', id: 'db-prev', disabled: cursors.length === 1 ? '' : null,
      onclick: () => { cursors.pop(); load(); } }, '← Sebelumnya');
    const next = h('button', { type: 'button', class: 'secondary', id: 'db-next', disabled: res.next_cursor ? null : '',
      onclick: () => { cursors.push(res.next_cursor); load(); } }, 'Berikutnya →');
    fill(body,
      h('p', { id: 'db-count' }, res.total ? `Inovasi ${fmtNum(from)}–${fmtNum(from + res.items.length - 1)} dari ${fmtNum(res.total)}.` : 'Tidak ada inovasi yang cocok.'),
      res.items.length ? t : null,
      h('div', { class: 'pager' }, prev, next),
      h('p', {}, h('a', { href: withQuery('/api/v1/innovations', { ...filters, view: 'public', format: 'csv' }), download: 'basis-data-inovasi.csv', id: 'db-csv' },
        'Unduh daftar ini (CSV)')));
  }
  return { el, refresh: load };
}

function innovationPage(ctx, id) {
  const body = h('div', {}, loading());
  const heading = h('h1', {}, 'Inovasi');
  const el = h('div', {}, h('p', { class: 'back' }, h('a', { href: '#/basis-data' }, '← Basis data inovasi')), heading, body);
  async function refresh() {
    let inn;
    try {
      inn = await api(withQuery(`/api/v1/innovations/${encodeURIComponent(id)}`, { view: 'public' }));
    } catch (err) {
      fill(body, problemBox(err));
      return;
    }
    fill(heading, inn.name);
    document.title = `${inn.name} · Jejak`;
    const text = (t) => h('p', { class: 'story' }, t || '–');
    fill(body,
      section('Ringkasan', h('dl', { class: 'kv', id: 'db-summary' },
        h('dt', {}, 'Daerah'), h('dd', {}, regionLink(inn.region, `${inn.region_name}`), inn.province ? ` · ${inn.province}` : ''),
        h('dt', {}, 'Perangkat daerah'), h('dd', {}, inn.unit),
        h('dt', {}, 'Urusan'), h('dd', {}, affairLabel(inn.affair)),
        h('dt', {}, 'Bentuk'), h('dd', {}, formLabel[inn.form] || inn.form, inn.digital ? ', digital' : ', non-digital'),
        h('dt', {}, 'Inisiator'), h('dd', {}, initiatorLabel[inn.initiator] || inn.initiator),
        h('dt', {}, 'Tahapan sekarang'), h('dd', { id: 'db-stage' }, stageLabel[inn.stage] || inn.stage),
        h('dt', {}, 'Tercantum pada penilaian'), h('dd', { id: 'db-years' }, inn.years.join(', ') || (inn.made_public_on ? 'belum ada yang diumumkan' : '–')),
        inn.made_public_on ? [h('dt', {}, 'Ditampilkan oleh daerah'), h('dd', { id: 'db-made-public' }, `sejak ${fmtDate(inn.made_public_on)}, sebelum hasil penilaiannya diumumkan`)] : null,
        h('dt', {}, 'Dihitung dalam skor'), h('dd', { id: 'db-counted' }, inn.counted_years.length ? inn.counted_years.join(', ') : 'belum pernah'),
        inn.origin_innovation_id ? [h('dt', {}, 'Replikasi dari'), h('dd', {}, h('a', { href: `#/basis-data/${inn.origin_innovation_id}` }, 'inovasi asal'), ` (${inn.origin_region})`)] : null)),
      section('Masalah', text(inn.problem)),
      section('Solusi', text(inn.solution)),
      section('Manfaat', text(inn.benefit)),
      section('Tahapan', table('Tahapan dan tanggalnya', [{ label: 'Tahapan' }, { label: 'Tanggal' }],
        inn.stages.map((s) => [stageLabel[s.stage] || s.stage, fmtDate(s.on)]), { id: 'db-stages' })),
      section('Replikasi', inn.replications.length ? h('ul', { id: 'db-replications' }, inn.replications.map((r) =>
        h('li', {}, regionLink(r.region, r.region_name), ` · ${fmtDate(r.on)}`))) : h('p', { class: 'muted' }, 'Belum direplikasi daerah lain.')));
  }
  return { el, refresh };
}
