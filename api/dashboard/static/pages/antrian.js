// Antrian verifikasi: pending evidence, oldest first, with its age; verifiers
// accept, lower or reject each answer with a reason, with the mouse or the
// keyboard (j/k to move, a/l/r to decide, Enter to save, Esc to cancel).
import { h, fill, api, can, withQuery, field, table, loading, problemBox, fmtNum, fmtDateTime, statusLabel, phaseLabel } from '../lib.js';
import { loadYears } from './common.js';
import { verifyForm, catalogue } from './forms.js';
import { evidence } from './inovasi.js';

export const title = 'Antrian verifikasi';
export const allowed = () => can.verify();

const keys = { a: 'accepted', l: 'lowered', r: 'rejected' };

export function page(ctx) {
  const controls = h('form', { class: 'toolbar', 'aria-label': 'Saring antrian' });
  const body = h('div', {}, loading());
  const flash = h('div', { role: 'status', 'aria-live': 'polite' });
  // changed offers a live update that waited while a decision was written:
  // apart from flash, so that it never replaces a decision's confirmation.
  const changed = h('div', { id: 'queue-changed', 'aria-live': 'polite' });
  const help = h('p', { class: 'hint', id: 'queue-keys' }, 'Pintasan: j / k pindah baris, a terima, l turunkan, r tolak (alasan wajib), Enter simpan, Esc batal.');
  const el = h('div', {}, h('h1', {}, 'Antrian verifikasi'), controls, help, flash, changed, body);
  let built = false;
  let phases = {};
  let selected = 0; // the row the keyboard works on

  // decided confirms a decision: its row leaves the queue on refresh and
  // the keyboard moves on to the row now in its place.
  const decided = (a) => async () => {
    fill(flash, h('p', { class: 'notice ok' }, `Keputusan untuk indikator ${a.indicator} (${a.region}, ${a.year}) tersimpan.`));
    await refresh();
    select(selected, true);
  };

  const rows = () => [...body.querySelectorAll('#queue-table tbody tr')];

  // select marks row i as the keyboard's, focusing it when asked.
  function select(i, focus) {
    const all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(i, all.length - 1));
    all.forEach((r, n) => r.classList.toggle('selected', n === selected));
    if (focus) all[selected].focus();
  }

  // decide opens the selected row's form with a decision chosen and the
  // reason focused.
  function decide(decision) {
    const row = rows()[selected];
    const form = row?.querySelector('.form-verify');
    if (!form) return;
    const radio = form.querySelector(`[name=decision][value=${decision}]`);
    if (!radio) {
      fill(flash, h('p', { class: 'notice warn' }, 'Opsi yang diklaim sudah 1; jawaban ini tidak dapat diturunkan.'));
      return;
    }
    form.closest('details').open = true;
    radio.checked = true;
    form.dispatchEvent(new Event('change', { bubbles: true }));
    (decision === 'lowered' ? form.querySelector('[name=option]') : form.querySelector('[name=reason]')).focus();
  }

  // Keys are read on the document while the page is shown, so that they
  // work also when a redraw took the focus away.
  const onKey = (e) => {
    if (!el.isConnected) {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('keyup', onKey);
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (e.type === 'keyup' && !keys[e.key]) return;
    if (t.matches('textarea[name=reason]') && e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      t.form.requestSubmit();
      return;
    }
    if (e.key === 'Escape' && t.closest('#queue-table')) {
      const d = t.closest('details');
      if (d) d.open = false;
      select(selected, true);
      return;
    }
    if (t.matches('input, textarea, select') && !t.matches('[type=radio]')) return;
    if (!t.closest('#queue-table') && t !== document.body) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); select(selected + 1, true); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); select(selected - 1, true); }
    // A decision opens on keyup: the key's own character must not land in
    // the reason it focuses.
    else if (keys[e.key]) { e.preventDefault(); if (e.type === 'keyup') decide(keys[e.key]); }
  };
  document.addEventListener('keydown', onKey);
  document.addEventListener('keyup', onKey);

  // writing tells whether a decision is being written: a row's form is
  // open (or being sent). A live update does not draw the table again
  // then, which would close the form and drop what was typed; it offers to.
  const writing = () => !!body.querySelector('#queue-table details[open], #queue-table form[aria-busy]');
  const offer = () => fill(changed, h('p', { class: 'notice info' }, 'Antrian berubah. ',
    h('button', { type: 'button', class: 'secondary small', onclick: () => refresh() }, 'Perbarui')));

  let drawn = 0; // a newer refresh wins over a slower, older one
  async function refresh(opts = {}) {
    const q = ctx.query;
    if (opts.live && built && writing()) {
      offer();
      return;
    }
    const n = ++drawn;

    if (!built) {
      const years = await loadYears();
      phases = Object.fromEntries(years.map((p) => [p.year, p.phase]));
      fill(controls,
        field({ name: 'year', label: 'Tahun', value: q.get('year') || '', options: [['', 'Semua'], ...years.map((p) => [p.year, String(p.year)])] }),
        field({ name: 'region', label: 'Kode daerah', value: q.get('region') || '', attrs: { placeholder: '64.03', size: 8 } }),
        field({ name: 'indicator', label: 'Indikator', value: q.get('indicator') || '', attrs: { placeholder: '14', size: 5 } }),
        field({ name: 'innovation', label: 'ID inovasi', value: q.get('innovation') || '', attrs: { size: 12 } }),
        field({ name: 'older_than', label: 'Umur minimal (hari)', type: 'number', value: q.get('older_than') || '', attrs: { min: 0, size: 5 } }),
        field({ name: 'status', label: 'Status', value: q.get('status') || 'pending', options: Object.entries(statusLabel) }),
        h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Terapkan')));
      controls.addEventListener('submit', (e) => {
        e.preventDefault();
        ctx.setQuery(Object.fromEntries(new FormData(controls).entries()));
        selected = 0;
        refresh();
      });
      built = true;
    }
    const filter = { year: q.get('year'), region: q.get('region'), indicator: q.get('indicator'), innovation: q.get('innovation'),
      older_than: q.get('older_than'), status: q.get('status') };
    let res;
    try {
      res = await api(withQuery('/api/v1/verification-queue', { ...filter, limit: 200 }));
    } catch (err) {
      if (n === drawn && !(opts.live && writing())) fill(body, problemBox(err));
      return;
    }
    const cats = {};
    for (const a of res.items) {
      if (!cats[a.year]) {
        try { cats[a.year] = Object.fromEntries((await catalogue(a.year)).indicators.map((i) => [i.code, i])); } catch { cats[a.year] = {}; }
      }
    }
    if (n !== drawn) return;
    // A decision may have been opened during the reads: checked again
    // just before the table is drawn.
    if (opts.live && writing()) {
      offer();
      return;
    }
    fill(changed); // the table drawn now is the current queue
    const active = document.activeElement;
    const keyboard = active === document.body || !!active?.closest?.('#queue-table tbody tr');
    const status = q.get('status') || 'pending';
    const left = res.remaining ?? res.total;
    fill(body, h('p', { class: 'muted', id: 'queue-count' }, `${fmtNum(left)} jawaban ${statusLabel[status].toLowerCase()}`,
      status === 'pending' ? ' tersisa, terlama lebih dulu' : '', left > res.items.length ? ` (${fmtNum(res.items.length)} ditampilkan)` : '', '.'),
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
    for (const [i, r] of rows().entries()) {
      r.tabIndex = 0;
      r.dataset.indicator = res.items[i].indicator;
      r.dataset.innovation = res.items[i].innovation_id || '';
      r.addEventListener('focusin', () => { if (selected !== i) select(i, false); });
    }
    select(selected, keyboard);
  }
  // The page keeps a decision being written through live updates itself
  // (writing, above); the filter form above the table is never drawn again.
  return { el, refresh, liveSafe: true };
}
