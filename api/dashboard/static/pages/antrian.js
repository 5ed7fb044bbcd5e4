// Antrian verifikasi: pending evidence with its age; verifiers accept, lower
// or reject each answer with a reason.
import { h, fill, api, can, withQuery, field, table, loading, problemBox, fmtNum, fmtDateTime, statusLabel, phaseLabel } from '../lib.js';
import { loadYears } from './common.js';
import { verifyForm, catalogue } from './forms.js';
import { evidence } from './inovasi.js';

export const title = 'Antrian verifikasi';
export const allowed = () => can.verify();

export function page(ctx) {
  const controls = h('form', { class: 'toolbar', 'aria-label': 'Saring antrian' });
  const body = h('div', {}, loading());
  const flash = h('div', { role: 'status', 'aria-live': 'polite' });
  const el = h('div', {}, h('h1', {}, 'Antrian verifikasi'), controls, flash, body);
  let built = false;
  let phases = {};

  // decided confirms a decision: its row leaves the queue on refresh.
  const decided = (a) => () => {
    fill(flash, h('p', { class: 'notice ok' }, `Keputusan untuk indikator ${a.indicator} (${a.region}, ${a.year}) tersimpan.`));
    refresh();
  };

  async function refresh() {
    const q = ctx.query;
    if (!built) {
      const years = await loadYears();
      phases = Object.fromEntries(years.map((p) => [p.year, p.phase]));
      fill(controls, 
        field({ name: 'year', label: 'Tahun', value: q.get('year') || '', options: [['', 'Semua'], ...years.map((p) => [p.year, String(p.year)])] }),
        field({ name: 'region', label: 'Kode daerah', value: q.get('region') || '', attrs: { placeholder: '64.03', size: 8 } }),
        field({ name: 'status', label: 'Status', value: q.get('status') || 'pending', options: Object.entries(statusLabel) }),
        h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Terapkan')));
      controls.addEventListener('submit', (e) => {
        e.preventDefault();
        ctx.setQuery(Object.fromEntries(new FormData(controls).entries()));
        refresh();
      });
      built = true;
    }
    let res;
    try {
      res = await api(withQuery('/api/v1/verification-queue', { year: q.get('year'), region: q.get('region'), status: q.get('status'), limit: 200 }));
    } catch (err) {
      fill(body, problemBox(err));
      return;
    }
    const cats = {};
    for (const a of res.items) {
      if (!cats[a.year]) {
        try { cats[a.year] = Object.fromEntries((await catalogue(a.year)).indicators.map((i) => [i.code, i])); } catch { cats[a.year] = {}; }
      }
    }
    const status = q.get('status') || 'pending';
    fill(body, h('p', { class: 'muted', id: 'queue-count' }, `${fmtNum(res.total)} jawaban ${statusLabel[status].toLowerCase()}.`),
      table('Antrian verifikasi', [{ label: 'Umur', num: true }, { label: 'Daerah' }, { label: 'Indikator' }, { label: 'Opsi diklaim', num: true },
        { label: 'Bukti dukung' }, { label: 'Dikirim', cls: 'hide-sm' }, { label: 'Keputusan' }],
      res.items.map((a) => {
        const ind = cats[a.year]?.[a.indicator];
        return [status === 'pending' ? `${a.age_days} hari` : '–', [h('a', { href: `#/daerah/${a.region}?year=${a.year}` }, a.region_name || a.region),
          h('br'), h('span', { class: 'hint' }, `${a.region} · ${a.year}`)],
          [`${a.indicator}. ${ind?.name || ''}`, a.innovation_id ? [h('br'), 'Inovasi: ', h('a', { href: `#/inovasi/${a.innovation_id}` }, a.innovation_name || a.innovation_id)] : h('span', { class: 'hint' }, ' (SPD)')],
          [String(a.claimed_option), ind ? h('span', { class: 'hint' }, ` ${ind.parameters[a.claimed_option - 1] || ''}`) : ''],
          evidence(a.evidence), `${fmtDateTime(a.submitted_at)} oleh ${a.submitted_by}`,
          status !== 'pending' ? [statusLabel[a.status], a.reason ? `: ${a.reason}` : '']
            : phases[a.year] === 'pengukuran' ? verifyForm(a, ind?.parameters, decided(a))
              : h('p', { class: 'muted' }, `Verifikasi dibuka pada tahap Pengukuran (sekarang: ${phaseLabel[phases[a.year]] || phases[a.year] || '–'}).`)];
      }), { id: 'queue-table' }));
  }
  return { el, refresh };
}
