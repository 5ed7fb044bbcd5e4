// Impor: a region's spreadsheet (XLSX or CSV) of innovations and SPD
// answers. The file is checked first (dry run: every row's problems, nothing
// appended); the import runs only when confirmed on the page.
import { h, fill, can, session, field, table, fmtNum, ApiError, problemBox, loading } from '../lib.js';
import { loadYears } from './common.js';

export const title = 'Impor';
export const allowed = () => can.write();

const statusText = {
  baru: 'Baru', dilanjutkan: 'Dilanjutkan', sama: 'Sudah tercatat', berubah: 'Berubah (tidak diimpor)',
  bermasalah: 'Bermasalah', gagal: 'Gagal',
};

// send posts the file to the import endpoint and returns the report.
async function send(file, params) {
  const hs = { Accept: 'application/json, application/problem+json', 'Content-Type': file.type || 'application/octet-stream' };
  if (session.token) hs.Authorization = 'Bearer ' + session.token;
  const res = await fetch('/api/v1/imports?' + new URLSearchParams(params), { method: 'POST', headers: hs, body: file });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data || { detail: `HTTP ${res.status}` });
  return data;
}

export function page() {
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  const form = h('form', { id: 'form-import', class: 'card', novalidate: true });
  const el = h('div', {}, h('h1', {}, 'Impor dari spreadsheet'),
    h('p', { class: 'muted' }, 'Unggah daftar inovasi daerah (dan, bila perlu, jawaban SPD tahun berjalan) dalam XLSX atau CSV dengan kolom seperti ',
      h('a', { href: '/api/v1/imports/template', download: 'templat-impor-jejak.xlsx', id: 'import-template' }, 'templat impor'),
      '. Berkas diperiksa dulu; tidak ada yang dicatat sebelum Anda menekan Impor. Mengimpor berkas yang sama lagi tidak menggandakan data.'),
    form, result);
  let built = false;
  let checked = null; // {file, params} of the last dry run

  function report(rep, file) {
    const counts = Object.entries(rep.counts || {}).map(([s, n]) => `${fmtNum(n)} ${(statusText[s] || s).toLowerCase()}`).join(', ') || 'tidak ada baris';
    const problems = rep.problems.length ? [h('h2', {}, 'Masalah per baris'),
      table('Masalah per baris', [{ label: 'Lembar' }, { label: 'Baris', num: true }, { label: 'Kolom' }, { label: 'Masalah' }],
        rep.problems.map((p) => [p.sheet, String(p.row || '–'), p.column || '–', p.message]), { id: 'import-problems' })] : [];
    const notes = rep.notes.length ? [h('h2', {}, 'Catatan'), h('ul', { id: 'import-notes' },
      ...rep.notes.map((n) => h('li', {}, `${n.sheet}${n.row ? ` baris ${n.row}` : ''}${n.column ? `, kolom ${n.column}` : ''}: ${n.message}`)))] : [];
    const rows = table('Baris berkas', [{ label: 'Baris', num: true }, { label: 'Lembar' }, { label: 'Isi' }, { label: 'Status' }, { label: 'Keterangan' }],
      rep.rows.map((r) => [String(r.row), r.sheet, r.id ? h('a', { href: `#/inovasi/${r.id}` }, r.subject) : r.subject,
        h('span', { class: `status-${r.status}` }, statusText[r.status] || r.status), r.detail || '']), { id: 'import-rows' });
    const invalid = rep.counts?.bermasalah || 0;
    let action = null;
    if (rep.dry_run) {
      const toAdd = (rep.counts?.baru || 0) + (rep.counts?.dilanjutkan || 0);
      const validOnly = form.querySelector('[name=valid_only]').checked;
      const ready = toAdd > 0 && (invalid === 0 || validOnly);
      action = h('div', { class: 'notice info', id: 'import-confirm' },
        h('p', {}, ready
          ? `Siap mengimpor ${fmtNum(toAdd)} baris${invalid ? ` (${fmtNum(invalid)} baris bermasalah dilewati)` : ''}.`
          : invalid ? `${fmtNum(invalid)} baris bermasalah: perbaiki berkas lalu periksa lagi, atau centang "impor baris yang valid saja".`
            : 'Tidak ada yang perlu diimpor.'),
        ready ? h('button', { type: 'button', id: 'import-go', onclick: () => run(file) }, `Impor ${fmtNum(toAdd)} baris`) : null);
    }
    fill(result, h('p', { id: 'import-summary', class: rep.applied ? 'notice ok' : 'muted' },
      rep.dry_run ? `Hasil pemeriksaan: ${counts}.` : rep.applied ? `Impor selesai: ${counts}; ${fmtNum(rep.commits)} commit dicatat.` : `Tidak diimpor: ${rep.refused}.`),
    action, ...problems, ...notes, rows);
  }

  async function run(file) {
    const params = { ...checked.params };
    delete params.dry_run;
    fill(result, loading());
    try {
      report(await send(file, params), file);
    } catch (err) {
      fill(result, problemBox(err));
    }
  }

  async function refresh() {
    if (built) return;
    built = true;
    const years = await loadYears();
    const open = years.find((p) => p.phase === 'penjaringan') || years[0];
    fill(form, h('h2', {}, 'Periksa berkas'),
      h('div', { class: 'form-grid' },
        field({ name: 'file', label: 'Berkas (XLSX atau CSV)', type: 'file', required: true, attrs: { accept: '.xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } }),
        field({ name: 'year', label: 'Tahun jawaban SPD', value: String(open?.year ?? ''), options: years.map((p) => [p.year, String(p.year)]) })),
      field({ name: 'valid_only', label: 'Impor baris yang valid saja (lewati baris bermasalah)', type: 'checkbox' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Periksa (tanpa mencatat)')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const file = form.querySelector('[name=file]').files[0];
      if (!file) {
        fill(result, h('p', { class: 'error', role: 'alert' }, 'Pilih berkas XLSX atau CSV dulu.'));
        return;
      }
      const params = { dry_run: 'true', year: form.querySelector('[name=year]').value };
      if (form.querySelector('[name=valid_only]').checked) params.valid_only = 'true';
      checked = { params };
      fill(result, loading());
      try {
        report(await send(file, params), file);
      } catch (err) {
        fill(result, problemBox(err));
      }
    });
  }
  return { el, refresh, live: false };
}
