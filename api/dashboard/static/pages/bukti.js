// Bukti dukung: an answer's files (fetched with the session's token: a PDF
// opens in the browser's own viewer, an image shows as a thumbnail, each
// with its hash and pages) and the picker that uploads files one request
// each, with a progress bar per file, after checking type and size here
// against the limits the server announces.
import { h, fill, api, session, ApiError, problemText, fieldMessage, fmtNum } from '../lib.js';

let limitsPromise = null;
// limits are the server's upload limits (GET /api/v1/evidence/limits).
export function limits() {
  limitsPromise ||= api('/api/v1/evidence/limits').catch((err) => { limitsPromise = null; throw err; });
  return limitsPromise;
}

// fmtBytes: 1.234.567 -> "1,2 MB" (MB = 2^20 bytes, as the limits).
export function fmtBytes(n) {
  const [v, unit] = n < 1024 ? [n, 'B'] : n < 1 << 20 ? [n / 1024, 'KB'] : [n / (1 << 20), 'MB'];
  return `${fmtNum(v, Number.isInteger(v) || unit === 'B' ? 0 : 1)} ${unit}`;
}

const typeLabel = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

// fetchEvidence reads one file's bytes as a Blob.
async function fetchEvidence(sha) {
  const res = await fetch(`/api/v1/evidence/${sha}`, { headers: session.token ? { Authorization: 'Bearer ' + session.token } : {} });
  if (!res.ok) {
    let p = null;
    try { p = await res.json(); } catch { p = null; }
    throw new ApiError(res.status, p);
  }
  return res.blob();
}

// evidenceFiles lists an answer's files.
export function evidenceFiles(files) {
  if (!files?.length) return null;
  return h('ul', { class: 'evidence-files' }, files.map(fileItem));
}

function fileItem(f) {
  const desc = [typeLabel[f.media_type] || f.media_type, f.pages ? `${fmtNum(f.pages)} halaman` : null, fmtBytes(f.size)].filter(Boolean).join(' · ');
  const info = h('span', { class: 'hint' }, ' ', desc, ' · ', h('code', { class: 'hash', title: `SHA-256 ${f.sha256}` }, f.sha256.slice(0, 12) + '…'));
  const status = h('span', { class: 'error', role: 'status' });
  const failed = (err) => fill(status, ' ', err instanceof ApiError ? problemText(err.problem, err.status) : 'gagal dibuka');
  if (f.media_type === 'application/pdf') {
    const open = (e) => {
      e.preventDefault();
      const tab = window.open('', '_blank'); // opened now, so no pop-up blocker
      fetchEvidence(f.sha256).then((b) => {
        const url = URL.createObjectURL(b);
        if (tab) tab.location = url; else window.location.assign(url);
      }, (err) => { tab?.close(); failed(err); });
    };
    return h('li', { class: 'evidence-file', 'data-sha256': f.sha256 },
      h('a', { href: `#bukti-${f.sha256}`, class: 'evidence-pdf', onclick: open, title: 'Buka PDF di penampil peramban' },
        h('span', { class: 'file-kind', 'aria-hidden': 'true' }, 'PDF'), ' ', f.name || 'PDF'),
      info, status);
  }
  const img = h('img', { class: 'evidence-thumb', alt: f.name || 'gambar', width: 96, height: 72 });
  const link = h('a', { href: `#bukti-${f.sha256}`, title: 'Buka gambar' }, img);
  fetchEvidence(f.sha256).then((b) => {
    const url = URL.createObjectURL(b);
    img.src = url;
    link.onclick = (e) => { e.preventDefault(); window.open(url, '_blank'); };
  }, failed);
  return h('li', { class: 'evidence-file', 'data-sha256': f.sha256 }, link, ' ', h('span', {}, f.name), info, status);
}

// sniff tells a file's type from its first bytes, as the server will.
async function sniff(file) {
  const b = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const starts = (...xs) => xs.every((x, i) => b[i] === x);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  return '';
}

// evidencePicker picks or takes dropped files and uploads each for region.
// hashes() are the uploaded files' SHA-256 for the answer; busy() is true
// while an upload runs.
export function evidencePicker(region) {
  const items = [];
  const list = h('ul', { class: 'upload-list', 'aria-live': 'polite' });
  const note = h('p', { class: 'hint' }, 'Memuat batas unggahan…');
  const input = h('input', { type: 'file', multiple: true, id: 'f-evidence-files', name: 'evidence-files',
    accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png' });
  const zone = h('div', { class: 'dropzone', tabindex: 0 },
    h('label', { for: input.id }, 'Pilih berkas bukti dukung'), ' atau seret berkas ke sini. ', input, note);
  limits().then((l) => fill(note, `PDF, JPEG atau PNG; paling besar ${fmtBytes(l.max_file_bytes)} per berkas dan ${fmtBytes(l.max_request_bytes)} sekali kirim.`),
    () => fill(note, 'Batas unggahan tidak dapat dimuat.'));
  const add = (files) => { for (const f of files) addFile(f); };
  input.addEventListener('change', () => { add(input.files); input.value = ''; });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); add(e.dataTransfer.files); });

  async function addFile(file) {
    const bar = h('progress', { max: 100, value: 0, 'aria-label': `Unggahan ${file.name}` });
    const state = h('span', { class: 'upload-state' });
    const it = { file, sha: '', busy: true };
    const li = h('li', { class: 'upload-item' }, h('span', { class: 'upload-name' }, file.name), ' ', bar, ' ', state,
      h('button', { type: 'button', class: 'link', onclick: () => { it.xhr?.abort(); items.splice(items.indexOf(it), 1); li.remove(); } }, 'Hapus'));
    items.push(it);
    list.append(li);
    const refuse = (msg) => { it.busy = false; bar.remove(); li.classList.add('refused'); fill(state, h('span', { class: 'error' }, msg)); };
    let l;
    try { l = await limits(); } catch { return refuse('Batas unggahan tidak dapat dimuat; coba lagi.'); }
    if (file.size === 0) return refuse('Ditolak: berkas kosong.');
    if (file.size > l.max_file_bytes) return refuse(`Ditolak: ${fmtBytes(file.size)}, lebih besar dari batas ${fmtBytes(l.max_file_bytes)}.`);
    const type = await sniff(file);
    if (!l.media_types.includes(type)) return refuse('Ditolak: menurut isinya bukan PDF, JPEG atau PNG.');
    const body = new FormData();
    body.append('region', region);
    body.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    it.xhr = xhr;
    xhr.open('POST', '/api/v1/evidence');
    if (session.token) xhr.setRequestHeader('Authorization', 'Bearer ' + session.token);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100); };
    fill(state, 'Mengunggah…');
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status !== 201 || !data?.files?.length) return refuse('Ditolak: ' + uploadProblem(xhr.status, data));
      const f = data.files[0];
      it.sha = f.sha256;
      it.busy = false;
      bar.value = 100;
      li.classList.add('done');
      li.dataset.sha256 = f.sha256;
      fill(state, h('span', { class: 'ok' }, 'Terunggah'), h('span', { class: 'hint' },
        ' · ', [typeLabel[f.media_type], f.pages ? `${fmtNum(f.pages)} halaman` : null, fmtBytes(f.size)].filter(Boolean).join(' · ')));
    };
    xhr.onerror = () => refuse('Gagal: tidak dapat menghubungi server.');
    xhr.onabort = () => { it.busy = false; };
    xhr.send(body);
  }

  return {
    el: h('div', { class: 'evidence-picker' }, zone, list),
    hashes: () => items.filter((it) => it.sha).map((it) => it.sha),
    busy: () => items.some((it) => it.busy),
    clear: () => { items.length = 0; list.replaceChildren(); },
  };
}

// uploadProblem says in Indonesian why an upload was refused.
function uploadProblem(status, p) {
  if (p?.code === 'unsupported_media_type') {
    const m = /is (\S+?);? by its content/.exec(p.detail || '') || /is (.+) by its content/.exec(p.detail || '');
    return `jenis berkas tidak diterima${m ? ` (menurut isinya ${m[1]})` : ''}; hanya PDF, JPEG atau PNG.`;
  }
  if (p?.code === 'too_large') return 'berkas terlalu besar.';
  const fe = p?.errors?.[0];
  if (fe) return fieldMessage(fe.message) + '.';
  return problemText(p, status) + '.';
}

// citedFiles names the files a point of the score rests on; readers of the
// region's working files can open each (fetched on click with the token).
export function citedFiles(files, readable) {
  if (!files?.length) return null;
  return h('span', { class: 'hint cited-files' }, 'Bukti: ', files.map((f, i) => {
    const label = [f.name || f.sha256.slice(0, 12) + '…', f.pages ? ` (${fmtNum(f.pages)} hlm.)` : ''];
    const sep = i ? ', ' : '';
    if (!readable) return [sep, h('span', { title: `SHA-256 ${f.sha256}` }, label)];
    const open = (e) => {
      e.preventDefault();
      const tab = window.open('', '_blank');
      fetchEvidence(f.sha256).then((b) => { const url = URL.createObjectURL(b); if (tab) tab.location = url; else window.location.assign(url); },
        () => tab?.close());
    };
    return [sep, h('a', { href: `#bukti-${f.sha256}`, title: `SHA-256 ${f.sha256}`, onclick: open }, label)];
  }));
}
