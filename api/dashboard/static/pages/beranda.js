// Beranda: the national overview of a year and the latest events.
import { h, fill, api, can, section, loading, problemBox, fmtIID, fmtNum, fmtDateTime, predicates, predicateClass,
  stageLabel, stageOrder, eventLabel, phaseLabel, shortId, entityLabel } from '../lib.js';
import { bars } from '../chart.js';
import { loadYears, pickYear, yearSelect, regionLink, eventYear, readableYears, unpublished } from './common.js';

export const title = 'Beranda';

export function page(ctx) {
  const controls = h('div', { class: 'toolbar' });
  const body = h('div', {}, loading());
  const el = h('div', {}, h('h1', {}, 'Beranda: Indeks Inovasi Daerah'), controls, body);

  async function refresh() {
    const years = await loadYears();
    if (!years.length) {
      fill(body, h('p', { class: 'notice info' }, can.signedIn()
        ? 'Belum ada periode penilaian.' : 'Belum ada hasil penilaian yang diumumkan. Masuk untuk melihat periode yang sedang berjalan.'));
      return;
    }
    // The national overview of a year not yet published is for the
    // national roles; a region sees its own result on its profile.
    const { readable, hidden } = readableYears(years, ctx.query.get('year'));
    const year = hidden || pickYear(readable, ctx.query.get('year'));
    const choices = years.filter((p) => readable.includes(p) || p.year === hidden);
    fill(controls, choices.length ? yearSelect(choices, year, (y) => { ctx.setQuery({ year: y }); refresh(); }) : '');
    const shown = !hidden && readable.length > 0;
    const [ov, recent] = await Promise.all([
      shown ? api(`/api/v1/index/${year}`).catch((e) => e) : null,
      can.signedIn() ? api('/api/v1/events/recent?limit=12').catch((e) => e) : null,
    ]);
    const parts = [];
    if (!shown) parts.push(unpublished(hidden || years[0].year));
    else if (ov instanceof Error) parts.push(problemBox(ov));
    else parts.push(overview(ov));
    if (recent) parts.push(recentEvents(recent));
    fill(body, ...parts);
  }
  return { el, refresh };
}

function overview(ov) {
  const totalInn = ov.innovations || 0;
  return h('div', { id: 'overview' },
    h('p', { class: 'muted' }, `Tahun ${ov.year}, tahap ${phaseLabel[ov.phase] || ov.phase}.`,
      ov.phase !== 'published' ? ' Hasil belum diumumkan: angka dapat berubah.' : ''),
    h('div', { class: 'stats' },
      stat('Daerah dinilai', fmtNum(ov.regions_assessed), 'regions-assessed'),
      stat('Rata-rata IID', fmtIID(ov.average_iid), 'average-iid', true),
      stat('Inovasi', fmtNum(totalInn), 'innovations')),
    h('div', { class: 'grid' },
      section('Sebaran predikat', bars(predicates.map((p) => ({ label: p, value: ov.predicates?.[p] || 0, cls: predicateClass(p) })),
        { label: 'Jumlah daerah per predikat', total: ov.regions_assessed })),
      section('Inovasi per tahapan', bars(stageOrder.map((s) => ({ label: stageLabel[s], value: ov.stages?.[s] || 0 })),
        { label: 'Jumlah inovasi per tahapan', total: totalInn }))),
    h('p', {}, h('a', { href: `#/peringkat?year=${ov.year}` }, `Lihat peringkat ${ov.year} →`)));
}

function stat(label, value, id, big) {
  return h('div', { class: 'stat' + (big ? ' big' : '') }, h('span', { class: 'label' }, label), h('span', { class: 'value', id }, value));
}

function recentEvents(res) {
  if (res instanceof Error) return section('Peristiwa terbaru', problemBox(res));
  return section('Peristiwa terbaru',
    h('ul', { class: 'events', id: 'recent-events' }, (res.items || []).map((e) => h('li', {},
      h('strong', {}, eventLabel[e.type] || e.type), ' · ',
      e.aggregate_type === 'innovation' ? ['inovasi ', h('a', { href: `#/inovasi/${e.aggregate_id}` }, shortId(e.aggregate_id))]
        : `${(entityLabel[e.aggregate_type] || e.aggregate_type).toLowerCase()} ${e.aggregate_type === 'bimtek' ? '' : e.aggregate_id}`,
      e.region ? [' · ', regionLink(e.region, undefined, { year: eventYear(e) })] : null,
      h('br'), h('span', { class: 'muted' }, `dicatat ${fmtDateTime(e.recorded_at)} oleh ${e.actor?.user || '?'} `), shortId(e.event_id)))),
    (res.items || []).length ? null : h('p', { class: 'muted' }, 'Belum ada peristiwa.'));
}
