// Periode penilaian: the assessment years with their phase and schedule.
// Kemendagri's coordinators (and admins) open a year and move it from phase
// to phase here; everyone signed in can read it.
import { h, fill, api, can, field, table, loading, problemBox, apiForm, fmtDate, fmtNum, phaseLabel, errorText, newKey, today } from '../lib.js';

export const title = 'Periode penilaian';
export const allowed = () => can.signedIn();

const phases = ['penjaringan', 'pengukuran', 'presentasi', 'validasi_lapangan', 'pleno', 'published'];

export function page() {
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const flash = h('div', { role: 'status', 'aria-live': 'polite' });
  const formBox = h('div');
  const summaryBox = h('section', { id: 'phase-summary', class: 'card', hidden: true, 'aria-label': 'Ringkasan sebelum pindah tahap' });
  const el = h('div', {}, h('h1', {}, 'Periode penilaian'),
    h('p', { class: 'muted' }, 'Setiap tahun penilaian melewati enam tahap: penjaringan, pengukuran, presentasi, validasi lapangan, pleno, lalu diumumkan. Hasil dibekukan saat pleno.'),
    flash, summaryBox, body, formBox);

  let shown = 0; // the position of the rendered list

  // refresh reads the periods; after a write, at least as of its position
  // (read your writes: the form for the next year depends on it).
  async function refresh(position) {
    let list;
    try {
      list = await api(Number.isInteger(position) ? `/api/v1/periods?min_position=${position}` : '/api/v1/periods');
    } catch (err) {
      fill(body, problemBox(err));
      return;
    }
    if (list.position < shown) return; // a later read already rendered
    shown = list.position;
    const years = (list.items || []).sort((a, b) => b.year - a.year);
    const details = await Promise.all(years.map((p) => api(`/api/v1/periods/${p.year}?min_position=${list.position}`).catch(() => null)));
    fill(body, table('Periode penilaian', [{ label: 'Tahun' }, { label: 'Tahap' }, { label: 'Jadwal' }, { label: 'Daerah dinilai', num: true },
      { label: 'Katalog', cls: 'hide-sm' }, { label: 'Tindakan' }],
    years.map((p, i) => [String(p.year), [h('strong', {}, phaseLabel[p.phase] || p.phase), p.frozen ? h('span', { class: 'hint' }, ' · hasil dibekukan') : ''],
      schedule(details[i]), fmtNum(p.regions_assessed), h('code', {}, p.catalogue_version), advance(p, details[i])]), { id: 'period-table' }));
    // The form proposes the year after the newest. Reads may arrive out of
    // order (a live update next to the form's own), and years only ever
    // grow: rebuild the form only for a later year, never an earlier one.
    const nextYear = (years[0]?.year || new Date().getFullYear()) + 1;
    if (can.coordinate() && !(Number(formBox.dataset.year) >= nextYear)) {
      formBox.dataset.year = String(nextYear);
      fill(formBox, openForm(nextYear, years, details));
    }
  }

  // advance offers to move a year to its next phase: the button opens the
  // summary of where the regions stand, confirmed in the page.
  function advance(p, detail) {
    const next = phases[phases.indexOf(p.phase) + 1];
    if (!can.coordinate() || !next) return '–';
    return h('button', { type: 'button', class: 'secondary advance', 'data-year': p.year, onclick: () => showSummary(p.year) }, `Ke ${phaseLabel[next]}`);
  }

  // showSummary reads where the regions of year stand and offers the move
  // to the next phase (confirmed here, not in a browser dialog).
  async function showSummary(year, position) {
    fill(summaryBox, loading());
    summaryBox.hidden = false;
    let sum, detail;
    try {
      const at = Number.isInteger(position) ? `?min_position=${position}` : '';
      [sum, detail] = await Promise.all([api(`/api/v1/periods/${year}/summary${at}`), api(`/api/v1/periods/${year}${at}`)]);
    } catch (err) {
      fill(summaryBox, problemBox(err));
      return;
    }
    const next = phases[phases.indexOf(sum.phase) + 1];
    const current = detail.schedule?.find((w) => w.phase === sum.phase);
    const early = current && current.end >= today() ? h('p', { class: 'notice warn' }, `Menurut jadwal, tahap ${phaseLabel[sum.phase]} baru berakhir ${fmtDate(current.end)}.`) : null;
    const missing = sum.regions_missing_mandatory;
    const status = h('p', { role: 'status' });
    const confirmBtn = next ? h('button', { type: 'button', id: 'phase-confirm', onclick: async () => {
      confirmBtn.disabled = true;
      try {
        const res = await api(`/api/v1/periods/${year}/advance`, { method: 'POST', body: { to: next },
          headers: { 'Idempotency-Key': newKey(), 'If-Match': `"${detail.version}"` } });
        fill(flash, h('p', { class: 'notice ok', id: 'phase-moved' }, `Periode ${year} sekarang pada tahap ${phaseLabel[next]}.`));
        await refresh(res?.position);
        await showSummary(year, res?.position);
      } catch (err) {
        confirmBtn.disabled = false;
        status.textContent = 'Gagal: ' + errorText(err);
      }
    } }, `Ya, pindahkan ke ${phaseLabel[next]}`) : null;
    fill(summaryBox, h('h2', {}, `Ringkasan periode ${year}: tahap ${phaseLabel[sum.phase] || sum.phase}`),
      h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Daerah yang mengirim jawaban'), h('span', { class: 'value', id: 'sum-submitted' }, fmtNum(sum.regions_submitted))),
        h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Jawaban menunggu verifikasi'), h('span', { class: 'value', id: 'sum-waiting' }, fmtNum(sum.answers_waiting))),
        h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Ditolak, menunggu dikirim ulang'), h('span', { class: 'value', id: 'sum-rejected' }, fmtNum(sum.rejected_awaiting_resubmission))),
        h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Daerah dengan indikator wajib kosong'), h('span', { class: 'value', id: 'sum-missing' }, fmtNum(missing.length)))),
      missing.length ? h('details', {}, h('summary', {}, 'Daerah dengan indikator wajib belum dijawab'),
        h('ul', { id: 'sum-missing-list' }, ...missing.map((m) => h('li', {}, h('a', { href: `#/kerja/${m.region}` }, `${m.name} (${m.region})`), `: ${m.indicators.join(', ')}`)))) : null,
      early,
      next ? h('p', {}, `Pindahkan periode ${year} dari ${phaseLabel[sum.phase]} ke ${phaseLabel[next]}? Setelah dipindah, tahap tidak dapat dikembalikan.`)
        : h('p', { class: 'muted' }, 'Ini tahap terakhir.'),
      h('div', { class: 'actions' }, confirmBtn,
        h('button', { type: 'button', class: 'secondary', id: 'phase-cancel', onclick: () => { summaryBox.hidden = true; } }, next ? 'Batal' : 'Tutup')),
      status);
    summaryBox.scrollIntoView({ block: 'nearest' });
    (confirmBtn || summaryBox.querySelector('#phase-cancel')).focus();
  }

  // openForm opens a new year; its schedule starts as last year's, a year on.
  function openForm(year, years, details) {
    const prev = details.find((d) => d?.schedule?.length);
    const shifted = (d) => (d ? `${Number(d.slice(0, 4)) + (year - prev.year)}${d.slice(4)}` : '');
    const windows = phases.map((ph) => prev?.schedule.find((w) => w.phase === ph));
    const catalogue = h('p', { class: 'hint', id: 'open-catalogue' });
    const form = h('form', { id: 'form-period', class: 'card', novalidate: true }, h('h2', {}, 'Buka periode baru'),
      h('div', { class: 'form-grid' }, field({ name: 'year', label: 'Tahun', type: 'number', value: String(year), required: true })),
      catalogue, h('input', { type: 'hidden', name: 'catalogue_version' }),
      h('div', { class: 'form-grid' }, phases.flatMap((ph, i) => [
        field({ name: `schedule.${ph}.start`, label: `${phaseLabel[ph]}: mulai`, type: 'date', value: shifted(windows[i]?.start) }),
        field({ name: `schedule.${ph}.end`, label: `${phaseLabel[ph]}: selesai`, type: 'date', value: shifted(windows[i]?.end) })])),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Buka periode')));
    const yearInput = form.querySelector('[name=year]');
    const lookup = async () => {
      const hidden = form.querySelector('[name=catalogue_version]');
      const submit = form.querySelector('button[type=submit]');
      try {
        const c = await api(`/api/v1/catalogue/${yearInput.value}`);
        hidden.value = c.version;
        catalogue.textContent = `Katalog indikator: ${c.version}`;
        submit.disabled = false;
      } catch {
        hidden.value = '';
        catalogue.textContent = `Belum ada katalog indikator untuk ${yearInput.value}; periode baru dapat dibuka setelah katalognya dimuat ke Jejak.`;
        submit.disabled = true;
      }
    };
    yearInput.addEventListener('change', lookup);
    lookup();
    apiForm(form, (d) => ({ path: '/api/v1/periods', success: 'Periode dibuka.',
      body: { year: Number(d.year), catalogue_version: d.catalogue_version,
        schedule: phases.map((ph) => ({ phase: ph, start: d[`schedule.${ph}.start`], end: d[`schedule.${ph}.end`] })) } }),
    (res) => refresh(res?.position));
    return form;
  }

  return { el, refresh };
}

function schedule(detail) {
  if (!detail?.schedule?.length) return '–';
  const now = detail.schedule.find((w) => w.phase === detail.phase);
  return h('details', {}, h('summary', {}, now ? `${phaseLabel[now.phase]}: ${fmtDate(now.start)} – ${fmtDate(now.end)}` : `penjaringan ditutup ${fmtDate(detail.closes_at)}`),
    h('ul', { class: 'plain' }, detail.schedule.map((w) => h('li', { class: w.phase === detail.phase ? 'current' : null },
      `${phaseLabel[w.phase] || w.phase}: ${fmtDate(w.start)} – ${fmtDate(w.end)}`))));
}
