// Shared helpers: DOM building, the API client, Indonesian formatting and
// forms that show problem+json errors next to their fields.

// h builds an element. attrs: plain attributes, plus "on*" handlers, "class",
// "dataset"; children: nodes, strings, numbers, arrays, null (skipped).
// Text always goes in as text, never as HTML.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') el.style.cssText = v; // CSSOM: allowed by the CSP, unlike a style attribute
    else if (k === 'value' && 'value' in el) el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

// s builds an SVG element.
export function s(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

// fill replaces el's children; like h, it skips null and flattens arrays.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// --- session and API ---------------------------------------------------

const tokenKey = 'jejak.token';
export const session = {
  token: sessionStorage.getItem(tokenKey) || '',
  me: { user: 'anonymous', role: 'public', region: '' },
  setToken(t) {
    this.token = t;
    if (t) sessionStorage.setItem(tokenKey, t);
    else sessionStorage.removeItem(tokenKey);
  },
};

// claimsOf reads whom a token names (the JWT's sub, role and region
// claims, as /api/v1/me answers them for a valid token) without checking
// its signature: the app starts with them while /api/v1/me checks the
// token, and the API decides every read and write whatever the dashboard
// believes. Null for what is not such a token, or one that has expired.
export function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(part.padEnd(Math.ceil(part.length / 4) * 4, '='));
    const c = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
    if (typeof c.sub !== 'string' || !c.sub || typeof c.role !== 'string' || !c.role) return null;
    if (typeof c.exp === 'number' && c.exp * 1000 <= Date.now()) return null;
    return { user: c.sub, role: c.role, region: typeof c.region === 'string' ? c.region : '' };
  } catch {
    return null;
  }
}

// can tells what the signed-in role may do; what it may not is not offered.
// The API decides (domain.Authorize); these mirror its rules so that the
// dashboard does not offer what it would refuse.
export const can = {
  signedIn: () => session.me.role !== 'public',
  // national: reads every region's working files and unpublished results.
  national: () => ['admin', 'coordinator', 'auditor'].includes(session.me.role) || (session.me.role === 'verifier' && !session.me.region),
  // readRegion: a region's working files (innovations, answers, Bimtek,
  // statistics): its own for operators and regional verifiers.
  readRegion: (code) => can.national() || (['operator', 'verifier'].includes(session.me.role) && !!session.me.region && code === session.me.region),
  // readResults: a year's results, of one region (code) or of all (rankings,
  // the national overview); published results are everyone's.
  readResults: (period, code) => period?.phase === 'published' || (code ? can.readRegion(code) : can.national()),
  write: (region) => {
    const { role, region: own } = session.me;
    if (role === 'admin' || role === 'coordinator') return true;
    return role === 'operator' && (!region || region === own);
  },
  verify: () => ['admin', 'verifier'].includes(session.me.role),
  audit: () => ['admin', 'auditor', 'coordinator'].includes(session.me.role),
  export: () => ['admin', 'coordinator', 'auditor'].includes(session.me.role),
  coordinate: () => ['admin', 'coordinator'].includes(session.me.role),
  // erase: a person's personal data (crypto-shredding), admins only.
  erase: () => session.me.role === 'admin',
};

// The API speaks English; these put its stable error codes and the common
// field messages into Bahasa Indonesia. The English detail is still shown,
// smaller, for whoever has to report the problem.
const codeText = {
  invalid: 'Isian belum benar',
  not_found: 'Tidak ditemukan',
  already_exists: 'Sudah ada',
  version_conflict: 'Data ini baru saja diubah orang lain; muat ulang halaman lalu coba lagi',
  precondition_failed: 'Data ini baru saja diubah orang lain; muat ulang halaman lalu coba lagi',
  illegal_transition: 'Langkah ini tidak dapat dilakukan pada tahap sekarang',
  phase_closed: 'Tahapan penilaian saat ini tidak mengizinkan langkah ini',
  forbidden: 'Peran Anda tidak diizinkan melakukan ini',
  out_of_scope: 'Di luar wilayah yang menjadi kewenangan Anda',
  four_eyes: 'Verifikator tidak boleh memverifikasi isian yang ia ajukan sendiri',
  duplicate: 'Sudah tercatat sebelumnya',
  too_large: 'Data terlalu besar',
  unavailable: 'Server sedang tidak dapat dihubungi; coba lagi sebentar lagi',
  timeout: 'Waktu tunggu habis; coba lagi',
  internal: 'Terjadi kesalahan di server (sudah dicatat)',
  malformed_request: 'Permintaan tidak dapat dibaca',
  unauthenticated: 'Perlu masuk dengan token yang berlaku',
  precondition_required: 'Versi data tidak dikenali; muat ulang halaman',
  idempotency_key_reused: 'Permintaan ini bertabrakan dengan permintaan sebelumnya; muat ulang halaman',
  route_not_found: 'Alamat tidak dikenal',
  method_not_allowed: 'Cara permintaan tidak didukung',
  unsupported_media_type: 'Jenis berkas tidak diterima; hanya PDF, JPEG atau PNG',
};

const fieldText = [
  [/^is required$/, () => 'wajib diisi'],
  [/^is empty$/, () => 'berkas kosong'],
  [/^is an encrypted PDF/, () => 'PDF terkunci (dienkripsi); unggah tanpa kata sandi atau perlindungan'],
  [/^is a damaged or password-protected PDF/, () => 'PDF rusak atau dilindungi kata sandi; tidak dapat dibaca'],
  [/^is a damaged PDF/, () => 'PDF rusak'],
  [/^is a PDF without pages$/, () => 'PDF tanpa halaman'],
  [/^detected type (.+)$/, (t) => `menurut isinya berjenis ${t}; hanya PDF, JPEG atau PNG`],
  [/^is larger than (\d+) bytes$/, (n) => `lebih besar dari ${fmtNum(Number(n) / (1 << 20), 1)} MB`],
  [/^file ([0-9a-f]{12})[0-9a-f]* was not uploaded for region (\S+)$/, (h, r) => `berkas ${h}… belum diunggah untuk daerah ${r}`],
  [/^is longer than (\d+) characters(?: \(\d+\))?$/, (n) => `lebih dari ${n} karakter`],
  [/^must be one line, without line breaks or tabs/, () => 'harus satu baris, tanpa ganti baris atau tab'],
  [/^must not contain control characters \((U\+[0-9A-F]+)\)$/, (u) => `tidak boleh memuat karakter kendali (${u})`],
  [/^must not contain bidirectional override or isolate characters/, () => 'tidak boleh memuat karakter pengubah arah teks'],
  [/^must not contain Unicode noncharacters/, () => 'tidak boleh memuat nonkarakter Unicode'],
  [/^is not valid UTF-8$/, () => 'bukan teks UTF-8 yang sah'],
  [/^appears more than once$/, () => 'muncul lebih dari sekali'],
  [/^unknown field \(names are case-sensitive\)$/, () => 'kolom tidak dikenal (huruf besar dan kecil dibedakan)'],
  [/^must be a whole number in range$/, () => 'harus bilangan bulat dalam rentang yang sah'],
  [/^must be a date from (\S+) to (\S+)$/, (a, b) => `harus tanggal antara ${fmtDate(a)} dan ${fmtDate(b)}`],
  [/^must be between (\S+) and (\S+)$/, (a, b) => `harus antara ${fmtDate(a)} dan ${fmtDate(b)}`],
  [/^must be 1 to 128 letters, digits/, () => 'harus 1–128 huruf, angka, titik atau tanda hubung, diawali huruf atau angka'],
  [/^at most (\d+) speakers$/, (n) => `paling banyak ${n} narasumber`],
  [/^must be an http\(s\) URL$/, () => 'harus berupa alamat http(s)'],
  [/^needs a document reference, a link or a note$/, () => 'perlu nomor dokumen, tautan, atau catatan'],
  [/^must be an assessment year$/, () => 'harus tahun penilaian yang ada'],
  [/^must be smaller than the claimed option (\d+)$/, (n) => `harus lebih kecil dari opsi yang diajukan (${n})`],
  [/^is not a known government affair \(urusan\)$/, () => 'bukan urusan pemerintahan yang dikenal'],
  [/^a region cannot replicate its own innovation$/, () => 'daerah tidak dapat mereplikasi inovasinya sendiri'],
  [/^an innovation cannot replicate one of its own region$/, () => 'inovasi tidak dapat mereplikasi inovasi dari daerahnya sendiri'],
  [/^no assessment period for (\d+)$/, (y) => `belum ada periode penilaian ${y}`],
  [/^is in the future; leave it out for the current state$/, () => 'belum terjadi; kosongkan untuk keadaan terkini'],
  [/^must not be before from$/, () => 'tidak boleh sebelum tanggal "Dari"'],
  [/^must be a date on which the ranking was published; movement compares with it$/, () => 'harus tanggal ketika peringkat sudah diumumkan'],
  [/^the owning unit \(OPD\) is required$/, () => 'perangkat daerah (OPD) pemilik wajib diisi'],
  [/^is required unless the session is daring$/, () => 'wajib diisi kecuali sesi daring'],
  [/^every verification decision needs a reason$/, () => 'setiap keputusan verifikasi perlu alasan'],
  [/^the date is required$/, () => 'tanggal wajib diisi'],
  [/^must be a date like 2025-08-06$/, () => 'harus tanggal seperti 2025-08-06'],
  [/^(\d{4}-\d{2}-\d{2}) is in the future$/, (d) => `${fmtDate(d)} belum terjadi`],
  [/^.+ on (\S+) would go back before (\S+): stage dates never go backwards$/, (a, b) => `${fmtDate(a)} lebih awal dari tahap sebelumnya (${fmtDate(b)}): tanggal tahapan tidak boleh mundur`],
  [/^no region with Kemendagri code "([^"]*)"$/, (c) => `tidak ada daerah dengan kode Kemendagri "${c}"`],
  [/^must be (.+) or ([^,]+)$/, (list, last) => `harus salah satu dari: ${list}, ${last}`],
];

const lowerFirst = (t) => t.charAt(0).toLowerCase() + t.slice(1);

// The explanation of a score (warnings, why an innovation counts or not,
// notes on derived indicators) comes from the API in English too.
const scoreTextRules = [
  [/^mandatory indicator "(.+)" has no points: the events it is derived from are missing$/, (n) => `indikator wajib "${n}" belum berpoin: peristiwa sumbernya belum ada`],
  [/^mandatory indicator "(.+)" is not answered$/, (n) => `indikator wajib "${n}" belum dijawab`],
  [/^mandatory indicator "(.+)" awaits verification$/, (n) => `indikator wajib "${n}" menunggu verifikasi`],
  [/^mandatory indicator "(.+)" was rejected$/, (n) => `indikator wajib "${n}" ditolak`],
  [/^withdrawn$/, () => 'inovasi ditarik'],
  [/^still in (\S+): only innovations in penerapan or replikasi count$/, (st) => `masih tahap ${(stageLabel[st] || st).toLowerCase()}: hanya inovasi tahap penerapan atau replikasi yang dihitung`],
  [/^implementation started (\S+), after the period closed on (\S+)$/, (a, b) => `penerapan dimulai ${fmtDate(a)}, sesudah penjaringan ditutup ${fmtDate(b)}`],
  [/^implementation started (\S+), more than (\d+) months before the period closed on (\S+)$/, (a, n, b) => `penerapan dimulai ${fmtDate(a)}, lebih dari ${n} bulan sebelum penjaringan ditutup ${fmtDate(b)}`],
  [/^rejected for the year: (.*)$/, (r) => `ditolak untuk tahun ini: ${r}`],
  [/^already counted in (.+) \(at most (\d+) years\)$/, (ys, n) => `sudah dihitung pada ${ys} (paling banyak ${n} tahun)`],
  [/^in (\S+) since (\S+), within (\d+) months before (\S+)$/, (st, a, n, b) => `tahap ${(stageLabel[st] || st).toLowerCase()} sejak ${fmtDate(a)}, dalam ${n} bulan sebelum ${fmtDate(b)}`],
  [/^(\d+) Bimtek sessions attended by (.+) between (\S+) and (\S+)$/, (n, u, a, b) => `${n} sesi Bimtek dihadiri ${u} antara ${fmtDate(a)} dan ${fmtDate(b)}`],
  [/^replicated by (\d+) other regions$/, (n) => `direplikasi oleh ${n} daerah lain`],
  [/^no trial yet$/, () => 'belum uji coba'],
  [/^(\d+) months from proposal to trial$/, (n) => `${n} bulan dari usulan sampai uji coba`],
];

// translate says text in Bahasa Indonesia by the first rule whose pattern
// matches it; null when none does.
function translate(rules, text) {
  for (const [re, say] of rules) {
    const m = re.exec(text || '');
    if (m) return say(...m.slice(1));
  }
  return null;
}

// scoreText puts a score explanation into Indonesian when it is a known one.
export function scoreText(message) {
  return translate(scoreTextRules, message) ?? message;
}

// fieldLabel names API fields for people, where a form has no input of
// that name (and in the audit trail's changes).
export const fieldLabel = {
  evidence: 'Bukti dukung', catalogue_version: 'Katalog indikator', schedule: 'Jadwal', year: 'Tahun', region: 'Daerah',
  indicator: 'Indikator', innovation_id: 'Inovasi', option: 'Opsi', claimed_option: 'Opsi diklaim', decision: 'Keputusan',
  reason: 'Alasan', verified_by: 'Diverifikasi oleh', submitted_by: 'Dikirim oleh', revision: 'Revisi', unit: 'Perangkat daerah',
  name: 'Nama', started_on: 'Mulai', proposed_on: 'Tanggal usulan', replicated_on: 'Tanggal replikasi', withdrawn_on: 'Tanggal ditarik',
  stage: 'Tahap', to: 'Tahap tujuan', on: 'Tanggal', phase: 'Tahap', from: 'Dari', initiator: 'Inisiator', form: 'Bentuk',
  digital: 'Digital', affair: 'Urusan', problem: 'Masalah', solution: 'Solusi', benefit: 'Manfaat', title: 'Judul', kind: 'Jenis',
  date: 'Tanggal', venue: 'Tempat', organiser: 'Penyelenggara', mode: 'Moda', speakers: 'Narasumber', participant: 'Peserta',
  adopter_region: 'Daerah pereplikasi', adopter_innovation_id: 'Inovasi pereplikasi', office_name: 'Nama kantor', office_kind: 'Jenis kantor',
  perbatasan: 'Daerah perbatasan', perbatasan_reason: 'Alasan perbatasan', origin_innovation_id: 'Inovasi asal', origin_region: 'Daerah asal',
  session_id: 'Sesi', rejected_by: 'Ditolak oleh', opened_by: 'Dibuka oleh', closes_at: 'Penjaringan ditutup',
  public: 'Tampil di basis data publik',
};

// entityLabel names aggregate types in Bahasa Indonesia.
export const entityLabel = { innovation: 'Inovasi', assessment: 'Penilaian', bimtek: 'Bimtek', period: 'Periode', region: 'Daerah',
  evidence: 'Berkas bukti', person: 'Orang' };

// problemText is the Indonesian headline of a problem document.
export function problemText(problem, status) {
  return translate(detailText, problem?.detail) ?? codeText[problem?.code] ?? (status ? `Permintaan gagal (HTTP ${status})` : 'Terjadi kesalahan');
}

// errorText is what went wrong in a sentence: the problem's Indonesian
// headline, or the error itself when the server was not reached.
export function errorText(err) {
  return (err instanceof ApiError ? problemText(err.problem, err.status) : err.message) + '.';
}

// detailText: details specific enough to say more than their code.
const detailText = [
  [/^no assessment period for (\d+)$/, (y) => `Belum ada periode penilaian ${y} pada waktu itu`],
  [/^no region with Kemendagri code "([^"]*)"$/, (c) => `Tidak ada daerah dengan kode Kemendagri "${c}"`],
  [/^the results of (\d+) are not published yet: role public /, (y) => `Hasil ${y} belum diumumkan; masuk untuk melihatnya`],
  [/^the results of (\d+) are not published yet: /, (y) => `Hasil ${y} belum diumumkan; sampai diumumkan, setiap daerah hanya melihat hasilnya sendiri`],
  [/^the (\d+) ranking was not published yet on (\S+)$/, (y, d) => `Peringkat ${y} belum diumumkan pada ${fmtDate(d)}; pergerakan hanya dibandingkan dengan peringkat yang sudah diumumkan`],
  [/^\S+ \S+ reads region (\S+) only, not /, (r) => `Anda hanya dapat membuka data daerah Anda sendiri (${r}); data kerja daerah lain hanya untuk daerah itu dan tim nasional`],
];

// fieldMessage puts a field problem into Indonesian when it is a known one.
export function fieldMessage(message) {
  return translate(fieldText, message) ?? message;
}

// ApiError carries an RFC 9457 problem document.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

// api fetches a JSON endpoint with the session's token. It throws ApiError
// for any non-2xx answer.
export async function api(path, { method = 'GET', body, headers = {}, raw = false } = {}) {
  const hs = { Accept: 'application/json, application/problem+json', ...headers };
  if (session.token) hs.Authorization = 'Bearer ' + session.token;
  if (body !== undefined) hs['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers: hs, body: body === undefined ? undefined : JSON.stringify(body) });
  if (raw && res.ok) return res;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data || { detail: `HTTP ${res.status}` });
  return data;
}

// withQuery appends the defined, non-empty params to path.
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

// --- formatting (Bahasa Indonesia) ---------------------------------------

const months = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

// fmtNum formats a number the Indonesian way: 1.234,5 (fixed decimals when given).
export function fmtNum(n, decimals) {
  if (n === null || n === undefined || n === '' || Number.isNaN(Number(n))) return '–';
  const x = Number(n);
  const str = decimals === undefined ? String(Math.round(x * 1000) / 1000) : x.toFixed(decimals);
  return groupDecimal(str);
}

// fmtDec formats an exact decimal string from the API ("29.75") without
// going through floating point: "29,75".
export function fmtDec(str) {
  if (str === null || str === undefined || str === '') return '–';
  // At least two decimals, so that a column of scores lines up (60,00 next
  // to 52,50); exact values with more (SID 96,518) keep them all.
  let [int, frac = ''] = String(str).split('.');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return groupDecimal(`${int}.${frac}`);
}

function groupDecimal(str) {
  let [int, frac] = str.split('.');
  const neg = int.startsWith('-');
  if (neg) int = int.slice(1);
  int = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return (neg ? '-' : '') + int + (frac ? ',' + frac : '');
}

// fmtIID formats an IID with two decimals: 32,37.
export const fmtIID = (n) => fmtNum(n, 2);

// fmtDate formats "2025-08-06" or an RFC 3339 time as "6 Agustus 2025".
// Date-only values are calendar days; times are shown in WIB (UTC+7).
export function fmtDate(v) {
  if (!v) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) return `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
  const d = wib(v);
  if (!d) return String(v);
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

// fmtDateTime: "6 Agustus 2025 09.30 WIB".
export function fmtDateTime(v) {
  const d = wib(v);
  if (!d) return '–';
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hh}.${mm} WIB`;
}

function wib(v) {
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return new Date(t + 7 * 3600 * 1000);
}

// fmtMonth: "2025-08" -> "Agustus 2025".
export function fmtMonth(v) {
  const m = /^(\d{4})-(\d{2})$/.exec(v || '');
  return m ? `${months[Number(m[2]) - 1]} ${m[1]}` : v;
}

// today is the date in WIB as YYYY-MM-DD.
export function today() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

export const stageLabel = {
  inisiatif: 'Inisiatif', uji_coba: 'Uji coba', penerapan: 'Penerapan', replikasi: 'Replikasi', ditarik: 'Ditarik',
};
export const stageOrder = ['inisiatif', 'uji_coba', 'penerapan', 'replikasi', 'ditarik'];
export const phaseLabel = {
  penjaringan: 'Penjaringan', pengukuran: 'Pengukuran', presentasi: 'Presentasi', validasi_lapangan: 'Validasi lapangan',
  pleno: 'Pleno', published: 'Diumumkan',
};
export const statusLabel = { pending: 'Menunggu verifikasi', accepted: 'Diterima', lowered: 'Diturunkan', rejected: 'Ditolak' };
export const clusterLabel = {
  nasional: 'Nasional', provinsi: 'Provinsi', kabupaten: 'Kabupaten', kota: 'Kota',
  daerah_tertinggal: 'Daerah tertinggal', daerah_perbatasan: 'Daerah perbatasan',
};
export const roleLabel = {
  admin: 'Admin', coordinator: 'Koordinator', operator: 'Operator', verifier: 'Verifikator', auditor: 'Auditor', public: 'Publik',
};
export const predicates = ['Sangat Inovatif', 'Inovatif', 'Kurang Inovatif', 'Tidak Dapat Dinilai'];
export const eventLabel = {
  'innovation.proposed': 'Inovasi diusulkan', 'innovation.trial_started': 'Uji coba dimulai',
  'innovation.implementation_started': 'Penerapan dimulai', 'innovation.replicated': 'Inovasi direplikasi',
  'innovation.withdrawn': 'Inovasi ditarik', 'innovation.publicity_set': 'Tampilan di basis data publik diubah',
  'assessment.started': 'Penilaian dimulai',
  'assessment.answer_submitted': 'Jawaban indikator dikirim', 'assessment.answer_verified': 'Jawaban diverifikasi',
  'assessment.innovation_rejected': 'Inovasi ditolak', 'bimtek.scheduled': 'Bimtek dijadwalkan',
  'bimtek.attendance_recorded': 'Kehadiran dicatat', 'bimtek.closed': 'Bimtek ditutup',
  'period.opened': 'Periode penilaian dibuka', 'period.phase_advanced': 'Tahap periode maju',
  'region.profile_updated': 'Profil daerah diubah', 'region.border_flag_set': 'Status perbatasan diubah',
  'person.erased': 'Data pribadi dihapus', 'evidence.uploaded': 'Berkas bukti diunggah',
};
// affairs are the government affairs (urusan) in the API's order: the six
// basic-service affairs first.
export const affairs = [
  ['pendidikan', 'Pendidikan'], ['kesehatan', 'Kesehatan'], ['sosial', 'Sosial'],
  ['pupr', 'Pekerjaan umum dan penataan ruang'], ['perumahan_rakyat', 'Perumahan rakyat dan kawasan permukiman'],
  ['trantibumlinmas', 'Ketenteraman, ketertiban umum dan pelindungan masyarakat'],
  ['tenaga_kerja', 'Tenaga kerja'], ['pemberdayaan_perempuan_perlindungan_anak', 'Pemberdayaan perempuan dan pelindungan anak'],
  ['pangan', 'Pangan'], ['pertanahan', 'Pertanahan'], ['lingkungan_hidup', 'Lingkungan hidup'],
  ['administrasi_kependudukan_pencatatan_sipil', 'Administrasi kependudukan dan pencatatan sipil'],
  ['pemberdayaan_masyarakat_desa', 'Pemberdayaan masyarakat dan desa'],
  ['pengendalian_penduduk_keluarga_berencana', 'Pengendalian penduduk dan keluarga berencana'], ['perhubungan', 'Perhubungan'],
  ['komunikasi_informatika', 'Komunikasi dan informatika'], ['koperasi_usaha_kecil_menengah', 'Koperasi, usaha kecil dan menengah'],
  ['penanaman_modal', 'Penanaman modal'], ['kepemudaan_olahraga', 'Kepemudaan dan olahraga'], ['statistik', 'Statistik'],
  ['persandian', 'Persandian'], ['kebudayaan', 'Kebudayaan'], ['perpustakaan', 'Perpustakaan'], ['kearsipan', 'Kearsipan'],
  ['kelautan_perikanan', 'Kelautan dan perikanan'], ['pariwisata', 'Pariwisata'], ['pertanian', 'Pertanian'],
  ['kehutanan', 'Kehutanan'], ['energi_sumber_daya_mineral', 'Energi dan sumber daya mineral'], ['perdagangan', 'Perdagangan'],
  ['perindustrian', 'Perindustrian'], ['transmigrasi', 'Transmigrasi'],
  ['penunjang_urusan_pemerintahan', 'Penunjang urusan pemerintahan'], ['lainnya', 'Lainnya'],
];
const affairNames = Object.fromEntries(affairs);
export const affairLabel = (a) => affairNames[a] || (a || '').replaceAll('_', ' ');

// predicateClass maps a predicate to a CSS modifier.
export function predicateClass(p) {
  return { 'Sangat Inovatif': 'p-si', Inovatif: 'p-i', 'Kurang Inovatif': 'p-ki' }[p] || 'p-tdd';
}

export function badge(predicate) {
  return h('span', { class: `badge ${predicateClass(predicate)}` }, predicate || 'Belum dinilai');
}

// shortId shows the last 8 characters of an id (UUIDv7 ids share their
// time-based start), with the whole id as title.
export function shortId(id) {
  return h('code', { class: 'id', title: id }, '…' + String(id).slice(-8));
}

export const initiatorLabel = { opd: 'Perangkat daerah', asn: 'ASN', kepala_daerah: 'Kepala daerah', dprd: 'Anggota DPRD', masyarakat: 'Masyarakat' };
export const formLabel = { pelayanan_publik: 'Pelayanan publik', tata_kelola_pemerintahan: 'Tata kelola pemerintahan', lainnya: 'Lainnya' };

// --- page furniture ------------------------------------------------------

export function loading() {
  return h('p', { class: 'muted', role: 'status' }, 'Memuat…');
}

// problemBox shows an error from the API; 401/403 say what to do.
export function problemBox(err) {
  const st = err instanceof ApiError ? err.status : 0;
  const text = err instanceof ApiError ? problemText(err.problem, st) : err.message;
  return h('div', { class: 'notice error', role: 'alert' },
    h('strong', {}, text + '.'),
    st === 401 || (st === 403 && !can.signedIn()) ? [' ', h('a', { href: '#/masuk' }, 'Masuk dengan token')] : null,
    err instanceof ApiError && err.problem.detail ? problemDetail(err.problem) : null);
}

// problemDetail gives what to quote when reporting a problem: the request's
// id. The API's own (English) wording is kept out of sight, on the element
// (data-detail), for whoever inspects the page.
function problemDetail(p) {
  return h('p', { class: 'problem-detail', dataset: { detail: p.detail || '' } },
    p.request_id ? `Kode permintaan untuk melaporkan masalah ini: ${p.request_id}` : '');
}

export function section(title, ...children) {
  const id = 'sec-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

// table builds an accessible table. cols: [{label, num, cls}], rows: arrays of cells.
export function table(caption, cols, rows, attrs = {}) {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', attrs,
      h('caption', { class: 'sr-only' }, caption),
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: cellClass(c) }, c.label)))),
      h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map((cell, i) =>
        withLabel(cell instanceof Node && cell.tagName === 'TD' ? cell : h('td', { class: cellClass(cols[i]) }, cell), cols[i]))))
        : h('tr', {}, h('td', { colspan: cols.length, class: 'muted' }, 'Tidak ada data.')))));
}

// withLabel names a cell's column on the cell: a phone shows rows as
// stacked cards, each value under its label (style.css).
function withLabel(td, col) {
  if (col?.label && !td.hasAttribute('data-label')) td.setAttribute('data-label', col.label);
  return td;
}

function cellClass(c) {
  return [c?.num ? 'num' : '', c?.cls || ''].join(' ').trim() || null;
}

// --- forms ----------------------------------------------------------------

export function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// field builds a labelled input. opts: {name, label, type, required, options:[[value,label]], hint, value}.
export function field({ name, label, type = 'text', required = false, options, hint, value, attrs = {} }) {
  const id = 'f-' + name.replace(/[^a-z0-9]/gi, '-') + '-' + Math.random().toString(36).slice(2, 7);
  const describedBy = hint ? id + '-hint' : null;
  let input;
  if (options) {
    input = h('select', { id, name, required, 'aria-describedby': describedBy, ...attrs },
      options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, l)));
  } else if (type === 'textarea') {
    input = h('textarea', { id, name, required, rows: 3, 'aria-describedby': describedBy, ...attrs }, value ?? '');
  } else if (type === 'checkbox') {
    input = h('input', { id, name, type, checked: !!value, ...attrs });
    return h('div', { class: 'field check' }, input, h('label', { for: id }, label));
  } else if (type === 'date') {
    return dateField({ id, name, label, required, value, hint, describedBy });
  } else {
    input = h('input', { id, name, type, required, value: value ?? '', 'aria-describedby': describedBy, ...attrs });
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input,
    hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null);
}

// dateField is a date written and shown as dd/mm/yyyy whatever the
// browser's locale (a native date input follows the locale: mm/dd/yyyy in
// an American browser). The visible text field has no name; a hidden input
// of the field's name carries the ISO date (2025-08-06) that forms send.
function dateField({ id, name, label, required, value, hint, describedBy }) {
  const iso = h('input', { type: 'hidden', name, value: value ?? '' });
  const text = h('input', { id, type: 'text', inputmode: 'numeric', autocomplete: 'off', placeholder: 'dd/mm/yyyy', required,
    value: dmy(value), 'aria-describedby': describedBy, class: 'date-dmy', maxlength: 10 });
  const sync = () => {
    const v = text.value.trim();
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
    const d = m && new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])));
    const ok = m && d.getUTCDate() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1;
    iso.value = ok ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : '';
    text.setCustomValidity(v && !ok ? 'Tulis tanggal sebagai dd/mm/yyyy, misalnya 06/08/2025' : '');
  };
  text.addEventListener('input', sync);
  // a script that sets the hidden value (a reset, "Terkini") shows it too
  iso.addEventListener('change', () => { text.value = dmy(iso.value); text.setCustomValidity(''); });
  return h('div', { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    text, iso, h('p', { class: 'hint', id: id + '-hint' }, hint ? `${hint} (dd/mm/yyyy)` : 'dd/mm/yyyy'));
}

// dmy writes an ISO date as dd/mm/yyyy ("" stays "").
export function dmy(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

// apiForm wires a form to a write endpoint. build(data) returns {path, body}
// from the form's values; onDone(result) runs after success. The
// Idempotency-Key is random per submission and reused when the same
// submission is retried after a failure the server may not have seen.
export function apiForm(form, build, onDone) {
  const status = h('div', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  form.append(status);
  let key = null;
  let lastBody = null;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form, status);
    const data = Object.fromEntries(new FormData(form).entries());
    for (const cb of form.querySelectorAll('input[type=checkbox]')) data[cb.name] = cb.checked;
    let req;
    try {
      req = build(data);
    } catch (err) {
      status.append(h('p', { class: 'error' }, err.message));
      return;
    }
    const bodyText = JSON.stringify(req);
    if (bodyText !== lastBody) key = newKey(); // a changed form is a new submission
    lastBody = bodyText;
    const btn = form.querySelector('button[type=submit]');
    if (btn) btn.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const res = await api(req.path, { method: req.method || 'POST', body: req.body, headers: { 'Idempotency-Key': key } });
      key = null;
      lastBody = null;
      status.append(h('p', { class: 'ok' }, req.success || 'Tersimpan.'));
      if (onDone) onDone(res, data);
    } catch (err) {
      showProblem(form, status, err);
      if (!(err instanceof ApiError) || err.status >= 500 || err.status === 0) {
        status.append(h('p', { class: 'hint' }, 'Kirim lagi untuk mencoba ulang; permintaan yang sama tidak tercatat dua kali.'));
      } else {
        key = null; // the server answered: a resubmission is a new request
        lastBody = null;
      }
    } finally {
      if (btn) btn.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

function clearErrors(form, status) {
  status.replaceChildren();
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => !x.endsWith('-err'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
}

// showProblem puts the problem's detail at the top and each errors[] entry
// next to the field of that name (or in the list when no field matches).
function showProblem(form, status, err) {
  const offline = !(err instanceof ApiError);
  const p = offline ? {} : err.problem;
  const box = h('div', { class: 'notice error', role: 'alert', tabindex: -1 },
    h('strong', {}, 'Gagal: ' + (offline ? 'tidak dapat menghubungi server' : lowerFirst(problemText(p, err.status))) + '.'),
    p.detail ? problemDetail(p) : null);
  const loose = [];
  let first = null;
  for (const fe of p.errors || []) {
    const input = form.querySelector(`[name="${CSS.escape(fe.field)}"]`);
    if (!input || input.type === 'hidden' || !input.closest('.field')) {
      loose.push(fe);
      continue;
    }
    const id = input.id + '-err';
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    input.closest('.field').append(h('p', { class: 'field-error', id }, fieldMessage(fe.message)));
    first ||= input;
  }
  if (loose.length) box.append(h('ul', {}, loose.map((fe) => h('li', {}, fieldLabel[fe.field] || fe.field, ': ', fieldMessage(fe.message)))));
  status.append(box);
  (first || box).focus?.();
}
