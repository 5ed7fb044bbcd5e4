// The operator's and verifier's write forms. Each posts to one endpoint with
// an Idempotency-Key and shows problem+json errors next to the fields.
import { h, fill, api, field, apiForm, today, stageLabel, affairs } from '../lib.js';
import { evidencePicker } from './bukti.js';


function box(title, form, open = false) {
  return h('details', { class: 'form-box', open }, h('summary', {}, title), form);
}

// proposeForm: POST /api/v1/innovations.
export function proposeForm(region, onDone) {
  const result = h('div');
  const form = h('form', { id: 'form-propose', novalidate: true },
    h('div', { class: 'form-grid' },
      field({ name: 'name', label: 'Nama inovasi', required: true }),
      field({ name: 'unit', label: 'Perangkat daerah (OPD)', required: true, hint: 'Misalnya: Dinas Kesehatan' }),
      field({ name: 'initiator', label: 'Inisiator', options: [['opd', 'Perangkat daerah'], ['asn', 'ASN'], ['kepala_daerah', 'Kepala daerah'], ['dprd', 'Anggota DPRD'], ['masyarakat', 'Masyarakat']] }),
      field({ name: 'form', label: 'Bentuk', options: [['pelayanan_publik', 'Pelayanan publik'], ['tata_kelola_pemerintahan', 'Tata kelola pemerintahan'], ['lainnya', 'Lainnya']] }),
      field({ name: 'affair', label: 'Urusan', options: affairs }),
      field({ name: 'proposed_on', label: 'Tanggal usulan', type: 'date', required: true, value: today(), attrs: { max: today() } })),
    field({ name: 'digital', label: 'Inovasi digital', type: 'checkbox', value: true }),
    field({ name: 'problem', required: true, label: 'Masalah yang diatasi', type: 'textarea' }),
    field({ name: 'solution', required: true, label: 'Solusi', type: 'textarea' }),
    field({ name: 'benefit', required: true, label: 'Manfaat', type: 'textarea' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Usulkan inovasi')), result);
  apiForm(form, (d) => ({ path: '/api/v1/innovations', success: 'Inovasi diusulkan.',
    body: { region, name: d.name, unit: d.unit, initiator: d.initiator, form: d.form, digital: d.digital, affair: d.affair,
      problem: d.problem, solution: d.solution, benefit: d.benefit, proposed_on: d.proposed_on } }),
  (res) => {
    const name = form.querySelector('[name=name]').value;
    fill(result, h('p', { id: 'propose-result' }, 'Inovasi baru: ', h('a', { href: `#/inovasi/${res.id}`, 'data-id': res.id }, name)));
    form.reset(); // a new proposal starts empty, dated today
    form.querySelector('[name=proposed_on]').value = today();
    onDone?.();
  });
  return box('Usulkan inovasi', form);
}

// stageForm: POST /api/v1/innovations/{id}/stage.
export function stageForm(inn, onDone) {
  const next = { inisiatif: 'uji_coba', uji_coba: 'penerapan' }[inn.stage];
  if (!next) return null;
  const form = h('form', { id: 'form-stage', novalidate: true },
    h('input', { type: 'hidden', name: 'to', value: next }),
    h('p', {}, `Tahap berikutnya: ${stageLabel[next]}. Tahapan tidak dapat dilompati dan tanggal tidak boleh mundur.`),
    field({ name: 'on', label: `Tanggal mulai ${stageLabel[next].toLowerCase()}`, type: 'date', required: true, value: today(), attrs: { max: today() } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, `Mulai ${stageLabel[next].toLowerCase()}`)));
  apiForm(form, (d) => ({ path: `/api/v1/innovations/${encodeURIComponent(inn.id)}/stage`, body: { to: d.to, on: d.on },
    success: `Tahap ${stageLabel[next]} dicatat.` }), () => onDone?.());
  return box(`Naikkan tahap ke ${stageLabel[next]}`, form);
}

// publicityForm: POST /api/v1/innovations/{id}/publicity. The region shows
// the innovation in Basis data inovasi before a published year lists it, or
// no longer; what a published year lists stays public whatever it says.
export function publicityForm(inn, onDone) {
  const next = !inn.made_public;
  const form = h('form', { id: 'form-publicity', novalidate: true },
    h('p', {}, next
      ? 'Nama, perangkat daerah, urusan, bentuk, tahapan beserta tanggalnya, masalah, solusi, manfaat dan replikasinya akan tampil di Basis data inovasi untuk umum sebelum hasil penilaiannya diumumkan. Jawaban indikator, bukti dukung dan nama petugas tidak pernah ditampilkan. Pilihan ini dapat dibatalkan, tetapi salinan yang sudah diunduh orang lain tidak dapat ditarik kembali.'
      : 'Inovasi ini tidak lagi ditampilkan atas pilihan daerah. Jika tercantum pada penilaian yang sudah diumumkan, inovasi tetap tampil karena hasil penilaian bersifat publik.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'publicity-submit' }, next ? 'Tampilkan di basis data publik' : 'Jangan tampilkan lagi')));
  apiForm(form, () => ({ path: `/api/v1/innovations/${encodeURIComponent(inn.id)}/publicity`, body: { public: next },
    success: next ? 'Inovasi ditampilkan di basis data publik.' : 'Inovasi tidak lagi ditampilkan atas pilihan daerah.' }), () => onDone?.());
  return box(next ? 'Tampilkan di basis data publik' : 'Sembunyikan dari basis data publik', form);
}

// bimtekForm: POST /api/v1/bimtek.
export function bimtekForm(region, onDone) {
  const form = h('form', { id: 'form-bimtek', novalidate: true },
    h('div', { class: 'form-grid' },
      field({ name: 'title', label: 'Judul', required: true }),
      field({ name: 'kind', label: 'Jenis', options: [['bimtek', 'Bimtek'], ['sosialisasi', 'Sosialisasi'], ['workshop', 'Workshop']] }),
      field({ name: 'date', label: 'Tanggal', type: 'date', required: true, value: today() }),
      field({ name: 'mode', label: 'Cara', options: [['luring', 'Luring (tatap muka)'], ['daring', 'Daring'], ['hybrid', 'Hibrida']] }),
      field({ name: 'venue', label: 'Tempat', hint: 'Wajib kecuali daring' }),
      field({ name: 'organiser', label: 'Penyelenggara', required: true, hint: 'Misalnya: Brida' }),
      field({ name: 'speakers', label: 'Narasumber', hint: 'Pisahkan dengan koma' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Jadwalkan')));
  apiForm(form, (d) => ({ path: '/api/v1/bimtek', success: 'Bimtek dijadwalkan.',
    body: { region, title: d.title, kind: d.kind, date: d.date, mode: d.mode, venue: d.venue, organiser: d.organiser,
      speakers: d.speakers ? d.speakers.split(',').map((x) => x.trim()).filter(Boolean) : [] } }), () => onDone?.());
  return box('Jadwalkan Bimtek', form);
}

// attendanceForm: POST /api/v1/bimtek/{id}/attendance.
export function attendanceForm(session, onDone) {
  const form = h('form', { class: 'form-attendance', novalidate: true },
    h('div', { class: 'form-grid' },
      field({ name: 'name', label: 'Nama peserta', required: true }),
      field({ name: 'nip', label: 'NIP', required: true, hint: '18 angka. Nama, NIP, jabatan dan kontak disimpan terenkripsi.',
        attrs: { inputmode: 'numeric', pattern: '[0-9]{18}', maxlength: 18, autocomplete: 'off' } }),
      field({ name: 'position', label: 'Jabatan (opsional)' }),
      field({ name: 'contact', label: 'Kontak: telepon atau surel (opsional)', attrs: { autocomplete: 'off' } }),
      field({ name: 'unit', label: 'Perangkat daerah', required: true }),
      field({ name: 'role', label: 'Peran', required: true, value: 'pamong inovasi' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Catat kehadiran')));
  apiForm(form, (d) => ({ path: `/api/v1/bimtek/${encodeURIComponent(session.id)}/attendance`,
    body: { name: d.name, nip: d.nip, position: d.position || '', contact: d.contact || '', unit: d.unit, role: d.role },
    success: 'Kehadiran dicatat.' }), () => onDone?.());
  return box('Catat kehadiran', form);
}

const catalogues = {};
export async function catalogue(year) {
  catalogues[year] ||= api(`/api/v1/catalogue/${year}`);
  return catalogues[year];
}

// answerForm: POST /api/v1/assessments/{year}/{region}/answers. Without an
// innovation it answers SPD indicators, with one the SID indicators.
export async function answerForm(region, openYears, innovationID, onDone) {
  const year = openYears[0].year;
  const cat = await catalogue(year);
  const aspect = innovationID ? 'SID' : 'SPD';
  const inds = cat.indicators.filter((i) => i.aspect === aspect && !i.derived);
  const optionsBox = h('div');
  const indField = field({ name: 'indicator', label: 'Indikator', required: true, options: inds.map((i) => [i.code, `${i.code}. ${i.name}`]) });
  const showOptions = () => {
    const ind = inds.find((i) => i.code === indField.querySelector('select').value);
    fill(optionsBox, field({ name: 'option', label: 'Parameter (opsi)', required: true,
      options: (ind?.parameters || []).map((p, i) => [i + 1, `${i + 1}: ${p}`]) }));
  };
  indField.querySelector('select').addEventListener('change', showOptions);
  showOptions();
  const picker = evidencePicker(region);
  const form = h('form', { id: innovationID ? 'form-answer-sid' : 'form-answer-spd', novalidate: true },
    field({ name: 'year', label: 'Tahun', options: openYears.map((p) => [p.year, String(p.year)]) }),
    indField, optionsBox,
    h('fieldset', {}, h('legend', {}, 'Bukti dukung (berkas, atau isi salah satu)'),
      picker.el,
      h('div', { class: 'form-grid' },
        field({ name: 'evidence.document_ref', label: 'Nomor dokumen' }),
        field({ name: 'evidence.link', label: 'Tautan', type: 'url', hint: 'https://…' }),
        field({ name: 'evidence.note', label: 'Catatan' }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Kirim jawaban')));
  apiForm(form, (d) => {
    if (picker.busy()) throw new Error('Tunggu sampai semua berkas selesai diunggah.');
    return { path: `/api/v1/assessments/${d.year}/${region}/answers`, success: 'Jawaban terkirim; menunggu verifikasi.',
      body: { indicator: d.indicator, innovation_id: innovationID || '', option: Number(d.option),
        evidence: { document_ref: d['evidence.document_ref'], link: d['evidence.link'], note: d['evidence.note'], files: picker.hashes() } } };
  }, () => { picker.clear(); onDone?.(); });
  return box(innovationID ? 'Jawab indikator SID inovasi ini' : 'Jawab indikator SPD', form);
}

// verifyForm: POST /api/v1/assessments/{year}/{region}/verifications.
export function verifyForm(ans, parameters, onDone) {
  const opt = field({ name: 'option', label: 'Opsi setelah diturunkan',
    options: Array.from({ length: Math.max(0, ans.claimed_option - 1) }, (_, i) => [i + 1, `${i + 1}: ${parameters?.[i] || ''}`]) });
  const form = h('form', { class: 'form-verify', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Keputusan'),
      // Lowering needs a smaller option than the claimed one.
      ['accepted', ...(ans.claimed_option > 1 ? ['lowered'] : []), 'rejected'].map((d, i) => h('label', { class: 'radio' },
        h('input', { type: 'radio', name: 'decision', value: d, checked: i === 0 }), ' ',
        { accepted: 'Diterima', lowered: 'Diturunkan', rejected: 'Ditolak' }[d], ' '))),
    ans.claimed_option > 1 ? opt : null,
    field({ name: 'reason', label: 'Alasan', type: 'textarea', required: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Simpan keputusan')));
  // The lowered option only matters when lowering.
  const showOption = () => { opt.hidden = form.querySelector('[name=decision]:checked')?.value !== 'lowered'; };
  form.addEventListener('change', showOption);
  showOption();
  apiForm(form, (d) => ({ path: `/api/v1/assessments/${ans.year}/${ans.region}/verifications`, success: 'Keputusan tersimpan.',
    body: { indicator: ans.indicator, innovation_id: ans.innovation_id || '', decision: d.decision,
      option: d.decision === 'lowered' ? Number(d.option || 0) : d.decision === 'accepted' ? ans.claimed_option : 0, reason: d.reason } }),
  () => onDone?.());
  return box('Putuskan', form);
}
