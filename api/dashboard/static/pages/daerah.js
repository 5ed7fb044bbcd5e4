// Profil daerah: a region's IID with the explainable breakdown, funnel,
// Bimtek, score over time, an "as of" date, and the operator's write forms.
import { h, fill, api, can, withQuery, field, table, section, loading, problemBox, badge, fmtIID, fmtDec, fmtNum, scoreText,
  fmtDate, today, clusterLabel, phaseLabel, stageLabel, stageOrder, statusLabel, affairLabel, shortId, newKey, errorText } from '../lib.js';
import { bars, lineChart } from '../chart.js';
import { computation, final, provisionalNote } from './explain.js';
import { scoreHistory } from './history.js';
import { loadYears, pickYear, yearSelect, readableYears, unpublished } from './common.js';
import { proposeForm, bimtekForm, attendanceForm, answerForm } from './forms.js';
import { citedFiles } from './bukti.js';

export const title = 'Profil daerah';

export function page(ctx) {
  const code = ctx.parts[0];
  if (!code) return searchPage(ctx);
  const heading = h('h1', {}, 'Profil daerah ', code);
  const controls = h('form', { class: 'toolbar', 'aria-label': 'Tahun dan tanggal' });
  const asOfNote = h('div', { 'aria-live': 'polite' });
  const back = h('p', { class: 'back' });
  // The first screen holds the score and its history chart side by side
  // (one under the other on a phone); the explanation and tables follow.
  const scoreBox = h('div', { class: 'profile-score' }, loading());
  const historyBox = h('div', { class: 'profile-chart' });
  const firstScreen = h('div', { class: 'profile-top', id: 'profile-top' }, scoreBox, historyBox);
  const detailBox = h('div');
  const chartBox = h('div');
  const funnelBox = h('div');
  const innBox = h('div');
  const bimtekBox = h('div');
  const actions = h('div');
  const el = h('div', {}, back, heading, controls, asOfNote, firstScreen, detailBox, h('div', { class: 'grid' }, chartBox, funnelBox), innBox, bimtekBox, actions);
  let built = false;

  async function refresh() {
    const q = ctx.query;
    // Another region's results show once published; its working files
    // (innovations, Bimtek, statistics) are its own and the national roles'.
    const all = await loadYears();
    const { readable, hidden } = readableYears(all, q.get('year'), code);
    const years = all.filter((p) => readable.includes(p) || p.year === hidden);
    const year = hidden || pickYear(readable, q.get('year'), can.write(code));
    const asOf = q.get('as_of') || '';
    if (!built) {
      const asOfField = field({ name: 'as_of', label: 'Per tanggal', type: 'date', value: asOf, attrs: { max: today() },
        hint: 'Kosongkan untuk keadaan terkini' });
      fill(controls, yearSelect(years, year, () => {}), asOfField,
        h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Tampilkan')),
        h('div', { class: 'field' }, h('button', { type: 'button', class: 'secondary', onclick: () => {
          const asOfInput = controls.querySelector('[name=as_of]');
          asOfInput.value = '';
          asOfInput.dispatchEvent(new Event('change')); // the dd/mm/yyyy field shows it
          controls.requestSubmit();
        } }, 'Terkini')));
      controls.addEventListener('submit', (e) => {
        e.preventDefault();
        const d = Object.fromEntries(new FormData(controls).entries());
        ctx.setQuery({ year: d.year, as_of: d.as_of });
        refresh();
      });
      built = true;
    }
    const read = (path, params = {}) => api(withQuery(path, { ...params, as_of: asOf })).catch((e) => e);
    const working = can.readRegion(code); // the region's working files
    const shown = readable.length && !hidden;
    const [region, score, steps, hist, stats, sessions, inns] = await Promise.all([
      read(`/api/v1/regions/${code}`),
      shown ? read(`/api/v1/index/${year}/${code}`, { view: 'summary' }) : null,
      shown ? read(`/api/v1/index/${year}/${code}/history`) : null,
      read(`/api/v1/regions/${code}/scores`),
      working ? read('/api/v1/stats', { region: code, year }) : null,
      working ? read('/api/v1/bimtek', { region: code, limit: 200 }) : null,
      working ? read('/api/v1/innovations', { region: code, limit: 500 }) : null,
    ]);
    if (region instanceof Error) {
      fill(scoreBox, problemBox(region));
      fill(historyBox);
      fill(detailBox);
      firstScreen.classList.remove('with-chart');
      return;
    }
    fill(heading, region.name, h('span', { class: 'muted' }, ` · ${code}`));
    const cluster = q.get('cluster');
    fill(back, cluster && clusterLabel[cluster] ? h('a', { href: withQuery('#/peringkat', { year, cluster }), id: 'back-to-ranking' },
      `← Peringkat ${clusterLabel[cluster]} ${year}`) : '');
    document.title = `${region.name} · Jejak`;
    fill(asOfNote, asOf ? h('p', { class: 'notice warn', id: 'as-of-note' },
      `Menampilkan keadaan per ${fmtDate(asOf)}. Peristiwa sesudah tanggal itu tidak dihitung.`) : '');
    if (score && !(score instanceof Error)) {
      // The summary first (per innovation its totals and count rule); an
      // innovation's unit, reason and indicators and the list of warnings
      // are read when opened.
      score.loadInnovation = (id) => read(`/api/v1/index/${year}/${code}/innovations/${encodeURIComponent(id)}`);
      score.loadWarnings = () => read(`/api/v1/index/${year}/${code}/warnings`);
    }
    const view = scoreView(region, score, year, hidden);
    fill(scoreBox, ...view.head.filter(Boolean));
    fill(detailBox, ...(view.detail || []).filter(Boolean));
    fill(historyBox, scoreHistory(steps, score instanceof Error ? null : score, code));
    firstScreen.classList.toggle('with-chart', historyBox.firstElementChild !== null);
    fill(chartBox, history(hist));
    fill(funnelBox, working ? funnel(stats) : closedHint('Tahapan inovasi'));
    fill(innBox, working ? innovationList(inns) : '');
    fill(bimtekBox, working ? bimtekList(sessions, code, refresh) : closedHint('Bimtek dan kehadiran'));
    if (!actions.dataset.built) {
      fill(actions, ...(can.write(code) ? await operatorActions(code, years, year, refresh) : []));
      actions.dataset.built = '1';
    }
  }
  return { el, refresh };
}

// closedHint stands for a part the viewer may not read: the public is
// asked to sign in; another region is told whose data it is.
function closedHint(title) {
  if (!can.signedIn()) return section(title, h('p', { class: 'muted' }, h('a', { href: '#/masuk' }, 'Masuk'), ' untuk melihat bagian ini.'));
  return section(title, h('p', { class: 'muted region-private' },
    'Data kerja daerah (inovasi, jawaban, Bimtek) hanya dapat dibuka oleh daerah itu sendiri dan tim nasional. Hasil yang sudah diumumkan tampil di atas.'));
}

// scoreView is the region's result of year; hidden is a year asked for
// whose result the viewer may not read yet. head is the first screen (who
// the region is, the IID and its parts); detail, the explanation and tables.
function scoreView(region, score, year, hidden) {
  const info = h('p', { class: 'muted' }, `${region.kind === 'provinsi' ? 'Provinsi' : region.kind === 'kota' ? 'Kota' : 'Kabupaten'}`,
    region.province && region.kind !== 'provinsi' ? ` di ${region.province}` : '',
    region.office_name ? ` · ${region.office_name}` : '',
    ' · klaster: ', (region.clusters || []).join(', ').replaceAll('_', ' '),
    can.write(region.code) ? [' · ', h('button', { type: 'button', class: 'link', id: 'to-actions', onclick: () => {
      const target = document.getElementById('sec-tindakan');
      target?.scrollIntoView({ behavior: 'smooth' });
      target?.closest('section')?.querySelector('summary')?.focus();
    } }, 'Ke formulir (usulan, Bimtek, jawaban) ↓')] : '');
  if (hidden) return { head: [info, unpublished(hidden)] };
  if (!score) return { head: [info, h('p', { class: 'notice info' }, 'Belum ada periode penilaian yang dapat ditampilkan.')] };
  if (score instanceof Error) return { head: [info, problemBox(score)] };
  const v = score.verified, p = score.provisional;
  const shown = score.published || v;
  return { head: [info,
    h('div', { class: 'stats', id: 'score-summary' },
      h('div', { class: 'stat big' }, h('span', { class: 'label', id: 'region-iid-label' }, `IID ${year}`,
        score.published ? ' (diumumkan)' : final(score.phase) ? '' : ' sementara'),
      h('span', { class: 'value', id: 'region-iid' }, fmtIID(shown.iid)),
      final(score.phase) ? badge(shown.predicate) : h('span', { class: 'hint' }, 'predikat ditetapkan pada pleno')),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'IID sementara'), h('span', { class: 'value' }, fmtIID(p.iid)),
        h('span', { class: 'hint' }, 'termasuk jawaban yang menunggu verifikasi')),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'SPD'), h('span', { class: 'value' }, fmtDec(v.spd))),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'SID'), h('span', { class: 'value' }, fmtDec(v.sid)),
        h('span', { class: 'hint', title: 'Jumlah poin inovasi yang dihitung, dibagi banyaknya inovasi itu (dengan pembagi paling kecil menurut katalog), ditambah indikator 36.' },
          `(${fmtDec(v.sid_sum)} ÷ ${v.divisor}) + ${fmtDec(v.indicator_36)}`,
          v.divisor > v.counted_innovations ? ` · pembagi paling sedikit ${v.divisor}` : '')),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Skor total'), h('span', { class: 'value' }, fmtDec(v.total)),
        h('span', { class: 'hint' }, `${v.counted_innovations} inovasi dihitung`))),
    h('p', { class: 'report-link' }, h('a', { href: withQuery(`#/laporan/${score.region.code}`, { year }), id: 'to-report' }, 'Laporan daerah untuk dicetak (A4, PDF) →')),
    score.not_assessed ? h('p', { class: 'notice info' }, 'Daerah ini belum mengirim jawaban pada tahun ini.') : null,
    final(score.phase) ? null : provisionalNote(score.phase),
    score.changed_since_pleno ? h('p', { class: 'notice warn' }, 'Ada perubahan sesudah pleno; angka yang diumumkan tetap berlaku.') : null,
  ], detail: [
    computation(score),
    score.warning_count ? section('Peringatan', warningsBox(score)) : null,
    section('Urusan pelayanan dasar', h('ul', { class: 'checklist', id: 'basic-services' }, (score.basic_services || []).map((b) =>
      h('li', {}, b.covered ? h('span', { class: 'yes' }, '✓ ') : h('span', { class: 'no' }, '✗ '),
        h('span', { class: 'sr-only' }, b.covered ? 'tercakup: ' : 'belum tercakup: '), affairLabel(b.affair),
        b.innovation_ids.length ? h('span', { class: 'muted' }, ` (${b.innovation_ids.length} inovasi)`) : '')))),
    section('Rincian SPD (Satuan Pemerintahan Daerah)', indicatorTable('Indikator SPD', score.spd, score.region.code)),
    section('Rincian SID (Satuan Inovasi Daerah) per inovasi',
      score.innovations.length ? byWeight(score.innovations).map((inn) => {
        const detail = h('div', { class: 'sid-detail' });
        const box = h('details', { class: 'form-box sid' },
          h('summary', {}, inn.name, ' · ', inn.counted ? h('span', { class: 'yes' }, 'dihitung')
            : h('span', { class: 'no', title: 'Alasan lengkap tampil saat dibuka' }, `tidak dihitung (${countRuleLabel[inn.count_rule] || inn.count_rule})`),
          ` · ${fmtDec(inn.points)} poin`, inn.provisional_points !== inn.points ? ` (sementara ${fmtDec(inn.provisional_points)})` : '',
          inn.warning_count ? h('span', { class: 'no sid-warning-count' }, ` · ${fmtNum(inn.warning_count)} peringatan`) : ''),
          detail);
        box.addEventListener('toggle', () => innovationDetail(score, inn, detail), { once: true });
        return box;
      })
        : h('p', { class: 'muted' }, 'Belum ada inovasi.')),
  ] };
}

// countRuleLabel names, in a few words, the counting rule that kept an
// innovation out (the API's count_rule; the reason in full is read when the
// innovation is opened).
const countRuleLabel = {
  withdrawn: 'ditarik',
  not_implemented: 'belum tahap penerapan atau replikasi',
  started_after_close: 'penerapan sesudah penjaringan ditutup',
  started_before_window: 'penerapan dimulai terlalu lama sebelum penjaringan ditutup',
  rejected: 'ditolak untuk tahun ini',
  counted_years_used_up: 'sudah dihitung pada tahun-tahun sebelumnya',
};

// innovationDetail fills box, when the innovation is first opened, with
// what the summary leaves out: its unit and affair, the reason it counts or
// not, its warnings and its indicator table (GET .../innovations/{id}).
async function innovationDetail(score, inn, box) {
  fill(box, loading());
  const res = await score.loadInnovation(inn.id);
  if (res instanceof Error) {
    fill(box, problemBox(res));
    return;
  }
  const d = res.innovation, region = score.region.code;
  fill(box,
    h('p', {}, can.readRegion(region) ? [innovationRef(region, d.id), ' · '] : '', `${d.unit || '–'} · ${affairLabel(d.affair)}`),
    h('p', { class: d.counted ? 'muted sid-reason' : 'notice warn sid-reason' }, 'Alasan: ', scoreText(d.reason) || '–'),
    res.warnings.length ? h('ul', { class: 'sid-warnings' }, res.warnings.map((w) => h('li', {},
      h('strong', {}, `Indikator ${w.indicator}`), ': ', scoreText(w.message)))) : '',
    h('div', { class: 'sid-indicators' }, indicatorTable(`Indikator SID ${d.name}`, d.indicators || [], region)));
}

// warningsBox is the warnings section: the summary counts them; the list
// (mandatory indicators without points, which at national scale run to
// hundreds) is read when opened.
function warningsBox(score) {
  const list = h('div', { class: 'warnings-list' });
  const box = h('details', { id: 'warnings-box' }, h('summary', {},
    `${fmtNum(score.warning_count)} indikator wajib belum berpoin`,
    h('span', { class: 'muted' }, ' (tampilkan)')), list);
  box.addEventListener('toggle', async () => {
    fill(list, loading());
    const res = await score.loadWarnings();
    fill(list, res instanceof Error ? problemBox(res) : h('ul', { id: 'warnings' }, res.warnings.map((w) => h('li', {},
      h('strong', {}, `Indikator ${w.indicator}`), w.innovation_id ? [' (', innovationName(score, w.innovation_id), ')'] : '',
      ': ', scoreText(w.message)))));
  }, { once: true });
  return box;
}

function indicatorTable(caption, rows, region) {
  // The events behind a point are for auditors (labelled links into the
  // audit trail); everyone else reads what was decided, not ids.
  const auditor = can.audit();
  const cols = [{ label: 'Kode' }, { label: 'Indikator' }, { label: 'Bobot', num: true, cls: 'hide-sm' }, { label: 'Status' },
    { label: 'Opsi diklaim', num: true, cls: 'hide-sm' }, { label: 'Parameter', num: true }, { label: 'Poin', num: true },
    { label: 'Poin sementara', num: true, cls: 'hide-sm' }, auditor ? { label: 'Peristiwa' } : null].filter(Boolean);
  return table(caption, cols, rows.map((r) => [
    r.code,
    [r.name, r.mandatory ? h('span', { class: 'muted' }, ' (wajib)') : '', r.derived ? h('span', { class: 'muted' }, ' (turunan)') : '',
      r.note ? [h('br'), h('span', { class: 'hint' }, scoreText(r.note))] : '',
      r.files?.length ? [h('br'), citedFiles(r.files, can.readRegion(region))] : ''],
    fmtDec(r.bobot),
    r.derived ? 'Dihitung dari peristiwa' : (statusLabel[r.status] || (r.status ? r.status : 'Belum dijawab')),
    r.claimed_option || '–', r.parameter || '–', fmtDec(r.points), fmtDec(r.provisional_points),
    auditor ? (r.event_ids.length ? r.event_ids.map((id, i) => [eventRef(region, id, r.event_ids.length > 1 ? i + 1 : 0), ' '])
      : h('span', { class: 'muted' }, '–')) : null,
  ].filter((c) => c !== null)), { class: 'indicators' });
}

function history(res) {
  if (res instanceof Error) return section('Skor dari tahun ke tahun', problemBox(res));
  const pts = res.years.filter((y) => !y.not_assessed).map((y) => ({ x: y.year, y: y.iid,
    title: final(y.phase) ? `${y.year}: ${fmtIID(y.iid)} (${y.predicate})` : `${y.year}: ${fmtIID(y.iid)}, sementara (belum pleno)` }));
  if (!pts.length) return section('Skor dari tahun ke tahun', h('p', { class: 'muted' }, 'Belum ada skor.'));
  return section('Skor dari tahun ke tahun',
    lineChart(pts, { label: 'IID per tahun: ' + pts.map((p) => `${p.x} ${fmtIID(p.y)}`).join(', ') }),
    h('details', {}, h('summary', {}, 'Tabel skor'), table('Skor per tahun', [{ label: 'Tahun' }, { label: 'IID', num: true }, { label: 'Predikat' }],
      res.years.map((y) => [String(y.year), y.not_assessed ? '–' : fmtIID(y.iid),
        y.not_assessed ? 'Belum dinilai' : final(y.phase) ? y.predicate : `Sementara (tahap ${(phaseLabel[y.phase] || y.phase || '').toLowerCase()})`]))));
}

function funnel(res) {
  if (res instanceof Error) return section('Tahapan inovasi', problemBox(res));
  const st = res.stats;
  return section('Tahapan inovasi', h('div', { id: 'funnel' },
    bars(stageOrder.map((s) => ({ label: stageLabel[s], value: st.stages?.[s] || 0 })), { label: 'Inovasi per tahapan', total: st.innovations })),
    h('p', { class: 'muted' }, `${fmtNum(st.innovations)} inovasi.`));
}

function innovationList(res) {
  if (!res) return '';
  if (res instanceof Error) return section('Inovasi', problemBox(res));
  return section('Inovasi', table('Daftar inovasi', [{ label: 'Nama' }, { label: 'Perangkat daerah', cls: 'hide-sm' }, { label: 'Tahapan' },
    { label: 'Diusulkan', cls: 'hide-sm' }],
  res.items.map((i) => [h('a', { href: `#/inovasi/${i.id}` }, i.name), i.unit, stageLabel[i.stage] || i.stage, fmtDate(i.proposed_on)]),
  { id: 'innovation-table' }));
}

function bimtekList(res, code, refresh) {
  if (res instanceof Error) return section('Bimtek dan kehadiran', problemBox(res));
  const kinds = { bimtek: 'Bimtek', sosialisasi: 'Sosialisasi', workshop: 'Workshop' };
  const modes = { luring: 'luring', daring: 'daring', hybrid: 'hibrida' };
  return section('Bimtek dan kehadiran', res.items.length ? h('ul', { class: 'events', id: 'bimtek-list' }, res.items.map((s) => h('li', {},
    h('strong', {}, s.title), ` · ${kinds[s.kind] || s.kind}, ${modes[s.mode] || s.mode || ''}`, h('br'),
    `${fmtDate(s.date)}${s.venue ? ', ' + s.venue : ''} · `, h('span', { class: 'attendance' }, `${fmtNum(s.attendance)} peserta dari ${fmtNum(s.units)} unit`),
    s.closed ? h('span', { class: 'muted' }, ' · ditutup') : '',
    can.signedIn() && s.attendance ? attendeeList(s) : null,
    can.write(code) && !s.closed ? [attendanceForm(s, refresh), closeButton(s, refresh)] : null)))
    : h('p', { class: 'muted' }, 'Belum ada Bimtek.'));
}

// attendeeList loads a session's attendance when opened.
function attendeeList(s) {
  const list = h('div', {}, loading());
  const box = h('details', { class: 'attendees' }, h('summary', {}, `Daftar hadir (${fmtNum(s.attendance)})`), list);
  box.addEventListener('toggle', async () => {
    if (!box.open || box.dataset.loaded) return;
    try {
      const full = await api(`/api/v1/bimtek/${s.id}`);
      box.dataset.loaded = '1';
      fill(list, h('ul', {}, (full.attendees || []).map((a) => h('li', { class: 'attendee' },
        // names only for the region's operators, coordinators and admins; others see the subject id
        h('strong', {}, a.name || (a.subject ? 'Subjek ' + shortId(a.subject) : 'Peserta')),
        a.nip && a.nip !== a.name ? ` · NIP ${a.nip}` : '', a.position ? ` · ${a.position}` : '', ` · ${a.unit}`, a.role ? ` · ${a.role}` : '',
        can.erase() && a.subject && a.name !== '[dihapus]' ? eraseButton(a.subject) : null))));
    } catch (err) {
      fill(list, problemBox(err));
    }
  });
  return box;
}

// eraseButton erases a person's personal data (admins): their key is
// destroyed, the attendance still counts.
function eraseButton(subject) {
  const status = h('span', { role: 'status' });
  return h('span', {}, ' ', h('button', { type: 'button', class: 'secondary erase-person', onclick: async (e) => {
    const reason = prompt('Hapus data pribadi peserta ini? Nama, NIP, jabatan dan kontaknya tidak dapat dibaca lagi; kehadirannya tetap dihitung.\nAlasan (nomor permintaan):');
    if (!reason) return;
    e.target.disabled = true;
    try {
      await api(`/api/v1/people/${encodeURIComponent(subject)}/erasure`, { method: 'POST', body: { reason }, headers: { 'Idempotency-Key': newKey() } });
      status.textContent = ' Data pribadi dihapus.';
    } catch (err) {
      e.target.disabled = false;
      status.textContent = ' Gagal: ' + errorText(err);
    }
  } }, 'Hapus data pribadi'), status);
}

// closeButton closes a session: no attendance is recorded after that.
function closeButton(s, refresh) {
  const status = h('span', { role: 'status' });
  return h('p', {}, h('button', { type: 'button', class: 'secondary close-session', onclick: async (e) => {
    if (!confirm(`Tutup sesi "${s.title}"? Sesudah ditutup, kehadiran tidak dapat dicatat lagi.`)) return;
    e.target.disabled = true;
    try {
      await api(`/api/v1/bimtek/${s.id}/close`, { method: 'POST', headers: { 'Idempotency-Key': newKey() } });
      refresh();
    } catch (err) {
      e.target.disabled = false;
      status.textContent = ' Gagal: ' + errorText(err);
    }
  } }, 'Tutup sesi'), status);
}

async function operatorActions(code, years, year, refresh) {
  const open = years.filter((p) => p.phase === 'penjaringan');
  return [section('Tindakan',
    h('p', { class: 'muted' }, 'Formulir di bawah mencatat peristiwa baru untuk daerah ini.'),
    proposeForm(code, refresh),
    bimtekForm(code, refresh),
    open.length ? await answerForm(code, open, null, refresh) : h('p', { class: 'muted' }, 'Tidak ada periode penjaringan yang terbuka untuk menjawab indikator.'))];
}

function searchPage(ctx) {
  const results = h('div', { 'aria-live': 'polite' });
  const form = h('form', { role: 'search', class: 'toolbar', 'aria-label': 'Cari daerah' },
    field({ name: 'q', label: 'Nama atau kode daerah', type: 'search', value: ctx.query.get('q') || '' }),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Cari')));
  async function refresh() {
    const q = ctx.query.get('q') || '';
    if (!q) {
      fill(results, h('p', { class: 'muted' }, 'Contoh: Berau, Lampung Barat, 18.04.'));
      return;
    }
    const res = await api(withQuery('/api/v1/regions', { q, limit: 50 }));
    fill(results, res.items.length ? h('ul', {}, res.items.map((r) => h('li', {},
      h('a', { href: `#/daerah/${r.code}` }, r.name), h('span', { class: 'muted' }, ` · ${r.code}${r.province && r.kind !== 'provinsi' ? ' · ' + r.province : ''}`))))
      : h('p', {}, 'Tidak ada daerah yang cocok.'));
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.setQuery({ q: new FormData(form).get('q') });
    refresh();
  });
  return { el: h('div', {}, h('h1', {}, 'Profil daerah'), form, results), refresh };
}

// byWeight lists counted innovations first, then by points.
function byWeight(list) {
  return [...list].sort((a, b) => (b.counted - a.counted) || (Number(b.points) - Number(a.points)) || a.name.localeCompare(b.name, 'id'));
}

// innovationRef links an innovation's page for those who may open it (the
// region itself and the national roles); others read its name, not its id.
function innovationRef(region, id, label) {
  if (can.readRegion(region)) return h('a', { href: `#/inovasi/${id}` }, label || shortId(id));
  return label || '';
}

// innovationName names an innovation of the explanation by its name.
function innovationName(score, id) {
  const inn = score.innovations.find((i) => i.id === id);
  return innovationRef(score.region.code, id, inn ? inn.name : shortId(id));
}

// eventRef opens an event in the audit trail (who recorded it, when, and
// what it changed); n numbers it when a point rests on several.
function eventRef(region, id, n) {
  return h('a', { href: `#/audit?region=${region}&event=${id}`, class: 'event-ref', title: `Peristiwa ${id}` },
    n ? `lihat peristiwa ${n}` : 'lihat peristiwa');
}
