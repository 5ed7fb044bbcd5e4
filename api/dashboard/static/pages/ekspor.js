// Ekspor: start a Kemendagri export of a year and download its files. The
// export API (POST /api/v1/exports, GET /api/v1/exports,
// GET /api/v1/exports/{id}/download) may not exist on this server yet: a 404
// shows "belum tersedia".
import { h, fill, api, can, field, table, loading, problemBox, apiForm, fmtDate, fmtDateTime, fmtNum, shortId, today, phaseLabel, ApiError, errorText } from '../lib.js';
import { loadYears } from './common.js';

export const title = 'Ekspor';
export const allowed = () => can.export();

const statusText = { queued: 'Dalam antrean', pending: 'Dalam antrean', running: 'Sedang dibuat', done: 'Selesai', ready: 'Selesai', failed: 'Gagal' };

export function page() {
  const formBox = h('div');
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const el = h('div', {}, h('h1', {}, 'Ekspor Kemendagri'),
    h('p', { class: 'muted' }, 'Ekspor berisi tabel Daerah, Inovasi dan Bimtek (XLSX, CSV, JSON) dengan manifest SHA-256, dapat dibuat ulang persis dari peristiwa.'),
    formBox, body);
  let built = false;

  async function refresh() {
    let res;
    try {
      res = await api('/api/v1/exports');
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) {
        fill(formBox);
        fill(body, h('div', { class: 'notice info', id: 'export-unavailable', role: 'status' },
          h('strong', {}, 'Ekspor belum tersedia'), ' di server ini. Fitur ini sedang dibangun; coba lagi setelah pembaruan Jejak.'));
        return;
      }
      fill(body, problemBox(err));
      return;
    }
    if (!built) {
      const years = await loadYears();
      const form = h('form', { id: 'form-export', class: 'card', novalidate: true }, h('h2', {}, 'Buat ekspor'),
        h('div', { class: 'form-grid' },
          field({ name: 'year', label: 'Tahun', value: String((years.find((p) => p.phase === 'published') || years[0])?.year ?? ''),
            options: years.map((p) => [p.year, `${p.year} (${phaseLabel[p.phase] || p.phase})`]) }),
          field({ name: 'as_of', label: 'Per tanggal (opsional)', type: 'date', attrs: { max: today() },
            hint: 'Kosongkan untuk keadaan terkini.' })),
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Mulai ekspor')));
      apiForm(form, (d) => ({ path: '/api/v1/exports', success: 'Ekspor dimulai.',
        body: d.as_of ? { year: Number(d.year), as_of: d.as_of } : { year: Number(d.year) } }), () => refresh());
      fill(formBox, form);
      built = true;
    }
    const items = res.items || [];
    fill(body, table('Daftar ekspor', [{ label: 'Dibuat' }, { label: 'Tahun' }, { label: 'Per tanggal' }, { label: 'Diminta oleh', cls: 'hide-sm' },
      { label: 'Snapshot', cls: 'hide-sm' }, { label: 'Status' }, { label: 'Unduh' }],
      items.map((x) => [fmtDateTime(x.created_at || x.requested_at), String(x.year ?? '–'),
        x.as_of ? fmtDate(x.as_of) : 'terkini', x.requested_by || '–',
        x.snapshot_sha256 ? [`posisi ${fmtNum(x.position)}`, h('br'), shortId(x.snapshot_sha256), files(x.files)] : '–',
        [statusText[x.status] || x.status || '–', x.status === 'running' && x.total ? ` (${x.done}/${x.total})` : '',
          x.error ? h('span', { class: 'hint' }, ` ${x.error}`) : ''],
        ['done', 'ready', 'completed'].includes(x.status) || x.download_url ? downloadButton(x) : '–']), { id: 'export-table' }));
  }
  return { el, refresh };
}

// downloadButton fetches the file with the token (a plain link cannot send
// the Authorization header) and saves it.
function downloadButton(x) {
  const url = x.download_url || `/api/v1/exports/${encodeURIComponent(x.id)}/download`;
  const msg = h('span', { role: 'status' });
  return [h('button', { type: 'button', class: 'secondary', onclick: async () => {
    msg.textContent = ' Mengunduh…';
    try {
      const res = await api(url, { raw: true });
      const blob = await res.blob();
      const name = /filename="?([^";]+)/.exec(res.headers.get('Content-Disposition') || '')?.[1] || `jejak-ekspor-${x.year}-${x.id}.zip`;
      const a = h('a', { href: URL.createObjectURL(blob), download: name });
      document.body.append(a);
      a.click();
      a.remove();
      msg.textContent = ' Selesai.';
    } catch (err) {
      msg.textContent = ' Gagal: ' + errorText(err);
    }
  } }, 'Unduh'), msg];
}

// files lists an export's files with their SHA-256, as in its manifest.
function files(list) {
  if (!list?.length) return '';
  return h('details', { class: 'files' }, h('summary', {}, `${list.length} berkas`),
    h('ul', {}, list.map((f) => h('li', {}, h('code', {}, f.name), ` ${fmtNum(f.size)} B `, h('code', { class: 'wrap' }, f.sha256)))));
}
