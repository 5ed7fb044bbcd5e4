// Ruang kerja: a region's work for the open year in one place. What is
// answered, what waits for verification, what was lowered or rejected and
// why, what is missing (mandatory first), each with its form one click
// away in the panel at the top; the score simulator; innovations, Bimtek
// attendance (a pasted list), withdrawal and replication.
import { h, fill, api, can, session, withQuery, field, table, section, loading, problemBox, fmtIID, fmtNum, fmtDateTime,
  statusLabel, phaseLabel, stageLabel, badge, today, newKey, errorText, ApiError, fieldLabel, fieldMessage } from '../lib.js';
import { loadYears } from './common.js';
import { catalogue, proposeForm, stageForm, bimtekForm } from './forms.js';

export const title = 'Ruang kerja';
export const allowed = () => can.signedIn() && (can.write() || can.national());

const signed = (n) => (n > 0 ? '+' : '') + fmtIID(n);

// lineProblem says what is wrong with one line: each field named.
const lineLabel = { nip: 'NIP', position: 'Jabatan', contact: 'Kontak' };
const lineText = [[/^must be 18 digits/, 'harus 18 angka'], [/^is required/, 'wajib diisi']];
function lineProblem(err) {
  const fields = err instanceof ApiError ? err.problem?.errors || [] : [];
  if (!fields.length) return errorText(err);
  return fields.map((f) => {
    const key = f.field.split('.').pop();
    const msg = lineText.find(([re]) => re.test(f.message))?.[1] || fieldMessage(f.message);
    return `${lineLabel[key] || fieldLabel[key] || f.field}: ${msg}`;
  }).join('; ') + '.';
}

// post sends one write with a fresh Idempotency-Key.
async function post(path, body) {
  return api(path, { method: 'POST', body, headers: { 'Idempotency-Key': newKey() } });
}

export function page(ctx) {
  const region = ctx.parts[0] || session.me.region || ctx.query.get('region') || '';
  const heading = h('h1', {}, 'Ruang kerja ', region);
  const panel = h('section', { id: 'work-panel', class: 'card', hidden: true, 'aria-label': 'Formulir' });
  const summary = h('div', { id: 'work-summary' }, loading());
  const lists = h('div', { id: 'work-lists' });
  const sim = h('div', { id: 'simulation' });
  const more = h('div', { id: 'work-more' });
  const el = h('div', {}, heading, summary, panel, lists, sim, more);
  let state = null; // the last data read

  if (!region) {
    fill(el, h('h1', {}, 'Ruang kerja'), regionPicker(ctx));
    return { el, refresh: async () => {} };
  }

  // open shows form in the panel, scrolled into view, its first field
  // focused.
  function open(titleText, form) {
    fill(panel, h('div', { class: 'panel-head' }, h('h2', {}, titleText),
      h('button', { type: 'button', class: 'link', id: 'work-panel-close', onclick: () => { panel.hidden = true; } }, 'Tutup')), form);
    panel.hidden = false;
    panel.scrollIntoView({ block: 'start' });
    form.querySelector('input:not([type=hidden]), select, textarea')?.focus();
  }

  async function refresh() {
    const years = await loadYears();
    const p = years.find((y) => y.phase === 'penjaringan') || years.find((y) => y.phase === 'pengukuran') || years[0];
    if (!p) {
      fill(summary, h('p', { class: 'muted' }, 'Belum ada periode penilaian.'));
      return;
    }
    const year = p.year;
    const [answers, simulation, score, inns, cat, sessions] = await Promise.all([
      api(withQuery(`/api/v1/assessments/${year}/${region}/answers`, { limit: 1000 })),
      api(`/api/v1/index/${year}/${region}/simulation`),
      api(`/api/v1/index/${year}/${region}`),
      api(withQuery('/api/v1/innovations', { region, limit: 500 })),
      catalogue(year),
      api(withQuery('/api/v1/bimtek', { region, limit: 200 })).catch(() => ({ items: [] })),
    ]);
    state = { year, phase: p.phase, answers: answers.items, simulation, score, inns: inns.items, cat, sessions: sessions.items };
    heading.textContent = `Ruang kerja ${score.region?.name || region}`;
    renderSummary();
    renderLists();
    renderSimulation();
    renderMore();
  }

  function renderSummary() {
    const { year, phase, simulation: s } = state;
    const waiting = state.answers.filter((a) => a.status === 'pending').length;
    fill(summary, h('p', { class: 'muted' }, `Tahun ${year} · tahap ${phaseLabel[phase] || phase}. `,
      phase === 'penjaringan' ? 'Jawaban dapat dikirim dan diubah sampai penjaringan ditutup.'
        : phase === 'pengukuran' ? 'Verifikasi berjalan; jawaban yang ditolak dapat dikirim ulang.' : 'Jawaban tidak dapat diubah lagi.'),
    h('div', { class: 'stats' },
      h('div', { class: 'stat big' }, h('span', { class: 'label' }, 'IID terverifikasi'), h('span', { class: 'value', id: 'work-iid' }, fmtIID(s.current.iid)), badge(s.current.predicate)),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Jika semua yang menunggu diterima'), h('span', { class: 'value', id: 'work-provisional' }, fmtIID(s.provisional.iid))),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Kasus terbaik'), h('span', { class: 'value', id: 'work-best' }, fmtIID(s.best_case.iid))),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Menunggu verifikasi'), h('span', { class: 'value', id: 'work-waiting' }, fmtNum(waiting)))));
  }

  // indicatorName names an indicator of the year's catalogue.
  const indicator = (code) => state.cat.indicators.find((i) => i.code === code);
  const innName = (id) => state.inns.find((i) => i.id === id)?.name || id;
  const label = (a) => `${a.indicator}. ${indicator(a.indicator)?.name || ''}${a.innovation_id ? ` · ${innName(a.innovation_id)}` : ' · SPD'}`;

  // answerButton opens the answer form for one indicator (of an innovation).
  function answerButton(text, indicatorCode, innovationID, cls = '') {
    if (!can.write(region)) return null;
    const changeable = state.phase === 'penjaringan' || (state.phase === 'pengukuran' && state.answers.some((a) =>
      a.indicator === indicatorCode && (a.innovation_id || '') === (innovationID || '') && a.status === 'rejected'));
    if (!changeable) return null;
    return h('button', { type: 'button', class: `secondary small ${cls}`, 'data-indicator': indicatorCode, 'data-innovation': innovationID || '',
      onclick: () => open(innovationID ? `Jawab indikator SID · ${innName(innovationID)}` : 'Jawab indikator SPD',
        answerForm(indicatorCode, innovationID)) }, text);
  }

  // answerForm answers the indicators of SPD or of one innovation; after
  // each answer it empties itself, moves to the next missing indicator and
  // keeps the focus for the next entry.
  function answerForm(code, innovationID) {
    const aspect = innovationID ? 'SID' : 'SPD';
    const inds = state.cat.indicators.filter((i) => i.aspect === aspect && !i.derived);
    const status = h('div', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
    const optBox = h('div');
    const select = h('select', { name: 'indicator', id: 'answer-indicator' }, inds.map((i) => h('option', { value: i.code, selected: i.code === code },
      `${i.code}. ${i.name}${i.mandatory ? ' (wajib)' : ''}`)));
    const showOptions = () => {
      const ind = inds.find((i) => i.code === select.value);
      fill(optBox, h('fieldset', {}, h('legend', {}, 'Parameter (opsi)'), ...(ind?.parameters || []).map((p, i) =>
        h('label', { class: 'radio block' }, h('input', { type: 'radio', name: 'option', value: i + 1, required: true }), ` ${i + 1}: ${p}`))));
    };
    select.addEventListener('change', showOptions);
    showOptions();
    const form = h('form', { id: 'work-answer', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'answer-indicator' }, 'Indikator'), select), optBox,
      h('fieldset', {}, h('legend', {}, 'Bukti dukung (isi salah satu)'),
        h('div', { class: 'form-grid' },
          field({ name: 'document_ref', label: 'Nomor dokumen' }),
          field({ name: 'link', label: 'Tautan', type: 'url', hint: 'https://…' }),
          field({ name: 'note', label: 'Catatan' }))),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Kirim jawaban')), status);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const d = Object.fromEntries(new FormData(form).entries());
      status.replaceChildren();
      if (!d.option) {
        status.append(h('p', { class: 'error' }, 'Pilih parameter (opsi).'));
        return;
      }
      form.setAttribute('aria-busy', 'true');
      try {
        const res = await post(`/api/v1/assessments/${state.year}/${region}/answers`, { indicator: d.indicator, innovation_id: innovationID || '',
          option: Number(d.option), evidence: { document_ref: d.document_ref, link: d.link, note: d.note } });
        const done = d.indicator;
        form.reset();
        // The next indicator still missing, else the same one.
        const answered = new Set(state.answers.filter((a) => (a.innovation_id || '') === (innovationID || '')).map((a) => a.indicator).concat(done));
        const next = inds.find((i) => !answered.has(i.code));
        select.value = next ? next.code : done;
        showOptions();
        status.append(h('p', { class: 'ok', id: 'work-answer-ok' }, `Jawaban indikator ${done} terkirim; menunggu verifikasi.`));
        select.focus();
        await refreshAt(res.position);
      } catch (err) {
        status.append(h('p', { class: 'error' }, errorText(err)));
      } finally {
        form.removeAttribute('aria-busy');
      }
    });
    return form;
  }

  // refreshAt re-reads once the projections passed position.
  async function refreshAt(position) {
    try {
      await api(withQuery('/api/v1/projections', { min_position: position }));
    } catch { /* the refresh shows what there is */ }
    await refresh();
  }

  function renderLists() {
    const { answers } = state;
    const byStatus = (s) => answers.filter((a) => a.status === s);
    const fix = [...byStatus('rejected'), ...byStatus('lowered')];
    const missing = missingAnswers();
    const row = (a, extra) => [label(a), String(a.claimed_option), extra];
    fill(lists,
      section('Perlu diperbaiki',
        fix.length ? table('Jawaban diturunkan atau ditolak', [{ label: 'Indikator' }, { label: 'Opsi', num: true }, { label: 'Keputusan dan alasan' }, { label: '' }],
          fix.map((a) => [...row(a, `${statusLabel[a.status]}${a.status === 'lowered' ? ` ke opsi ${a.verified_option}` : ''}: ${a.reason || ''}`),
            answerButton('Kirim ulang', a.indicator, a.innovation_id)]), { id: 'work-fix' })
          : h('p', { class: 'muted', id: 'work-fix' }, 'Tidak ada jawaban yang diturunkan atau ditolak.')),
      section('Belum dijawab',
        missing.length ? table('Indikator belum dijawab', [{ label: 'Indikator' }, { label: 'Wajib' }, { label: '' }],
          missing.map((m) => [`${m.code}. ${m.name}${m.innovation ? ` · ${innName(m.innovation)}` : ' · SPD'}`, m.mandatory ? h('strong', {}, 'wajib') : '',
            answerButton('Jawab', m.code, m.innovation, 'answer-missing')]), { id: 'work-missing' })
          : h('p', { class: 'muted', id: 'work-missing' }, 'Semua indikator sudah dijawab.')),
      section('Menunggu verifikasi',
        table('Jawaban menunggu verifikasi', [{ label: 'Indikator' }, { label: 'Opsi', num: true }, { label: 'Dikirim' }, { label: '' }],
          byStatus('pending').map((a) => [...row(a, `${fmtDateTime(a.submitted_at)} oleh ${a.submitted_by}`), answerButton('Ubah', a.indicator, a.innovation_id)]),
          { id: 'work-waiting-table' })),
      h('details', { class: 'card' }, h('summary', {}, `Diterima (${byStatus('accepted').length})`),
        table('Jawaban diterima', [{ label: 'Indikator' }, { label: 'Opsi', num: true }, { label: 'Alasan' }],
          byStatus('accepted').map((a) => row(a, a.reason || '')), { id: 'work-accepted' })));
  }

  // missingAnswers lists the hand-answered indicators without an answer:
  // SPD, then each counted innovation's SID; mandatory ones first.
  function missingAnswers() {
    const answered = new Set(state.answers.map((a) => `${a.innovation_id || ''}/${a.indicator}`));
    const out = [];
    for (const ind of state.cat.indicators.filter((i) => !i.derived)) {
      if (ind.aspect === 'SPD' && !answered.has(`/${ind.code}`)) out.push({ ...ind, innovation: '' });
      if (ind.aspect !== 'SID') continue;
      for (const inn of state.score.innovations.filter((i) => i.counted)) {
        if (!answered.has(`${inn.id}/${ind.code}`)) out.push({ ...ind, innovation: inn.id });
      }
    }
    return out.sort((a, b) => Number(b.mandatory) - Number(a.mandatory));
  }

  function renderSimulation() {
    const s = state.simulation;
    const actionText = { submit: 'kirim jawaban', verify: 'menunggu keputusan verifikator', resubmit: 'kirim ulang' };
    const top = s.suggestions.slice(0, 15);
    fill(sim, section('Simulasi skor',
      h('p', { class: 'muted' }, 'Apa yang paling menaikkan IID: tiap jawaban yang masih dapat berubah, dengan IID terverifikasi yang dicapai pada tiap parameter (yang lain tetap).'),
      h('ul', { class: 'plain', id: 'simulation-summary' },
        h('li', {}, `Sekarang: ${fmtIID(s.current.iid)} (${s.current.predicate}).`),
        h('li', {}, `Jika semua jawaban yang menunggu diterima sesuai klaim: ${fmtIID(s.provisional.iid)} (${s.provisional.predicate}).`),
        h('li', { id: 'simulation-best' }, `Kasus terbaik, semua saran pada parameter tertinggi: ${fmtIID(s.best_case.iid)} (${s.best_case.predicate}).`)),
      top.length ? table('Saran, kenaikan terbesar lebih dulu', [{ label: 'Indikator' }, { label: 'Keadaan' }, { label: 'Parameter → IID (kenaikan)' }, { label: '' }],
        top.map((g, i) => [
          [`${g.indicator}. ${g.name}`, g.innovation_name ? ` · ${g.innovation_name}` : ' · SPD', g.mandatory ? h('strong', {}, ' (wajib)') : ''],
          `${g.status ? statusLabel[g.status] : 'Belum dijawab'} · ${actionText[g.action] || g.action}`,
          h('span', { class: 'sim-options' }, ...g.options.map((o) => h('span', { class: 'sim-option', 'data-parameter': o.parameter, 'data-gain': o.gain_text },
            `${o.parameter} → ${fmtIID(o.iid)} (${signed(o.gain)}${o.predicate !== s.current.predicate ? `, ${o.predicate}` : ''}) `))),
          g.action === 'verify' ? '' : answerButton('Jawab', g.indicator, g.innovation_id, i === 0 ? 'sim-top' : ''),
        ]), { id: 'simulation-table' }) : h('p', { class: 'muted', id: 'simulation-table' }, 'Tidak ada jawaban yang masih dapat menaikkan skor pada tahap ini.'),
      s.rejections.length ? h('details', {}, h('summary', {}, 'Jika satu inovasi ditolak'),
        h('ul', { id: 'simulation-rejections' }, ...s.rejections.map((r) => h('li', {}, `${r.name}: IID ${fmtIID(r.iid)} (${signed(r.gain)}), ${r.predicate}`)))) : null));
  }

  function renderMore() {
    if (!can.write(region)) {
      fill(more);
      return;
    }
    const live = state.inns.filter((i) => i.stage !== 'ditarik');
    const openSessions = state.sessions.filter((s) => !s.closed);
    fill(more, section('Inovasi dan Bimtek',
      h('div', { class: 'actions wrap' },
        h('button', { type: 'button', class: 'secondary', id: 'open-propose', onclick: () => open('Usulkan inovasi', proposeForm(region, refresh).querySelector('form')) }, 'Usulkan inovasi'),
        h('button', { type: 'button', class: 'secondary', id: 'open-bimtek', onclick: () => open('Jadwalkan Bimtek', bimtekForm(region, refresh).querySelector('form')) }, 'Jadwalkan Bimtek'),
        openSessions.length ? h('button', { type: 'button', class: 'secondary', id: 'open-attendance', onclick: () => open('Catat kehadiran Bimtek', attendanceList(openSessions)) }, 'Catat kehadiran') : null,
        live.length ? h('button', { type: 'button', class: 'secondary', id: 'open-withdraw', onclick: () => open('Tarik inovasi', withdrawForm(live)) }, 'Tarik inovasi') : null,
        h('button', { type: 'button', class: 'secondary', id: 'open-replication', onclick: () => open('Catat replikasi', replicationForm()) }, 'Catat replikasi')),
      table('Inovasi daerah', [{ label: 'Inovasi' }, { label: 'Tahap' }, { label: '' }],
        state.inns.map((i) => [[h('a', { href: `#/inovasi/${i.id}` }, i.name),
          i.made_public ? [h('br'), h('span', { class: 'hint' }, 'Tampil di basis data publik (pilihan daerah)')] : ''], stageLabel[i.stage] || i.stage,
          ['inisiatif', 'uji_coba'].includes(i.stage) ? h('button', { type: 'button', class: 'secondary small', onclick: () => {
            const f = stageForm(i, refresh);
            if (f) open(`Naikkan tahap · ${i.name}`, f.querySelector('form'));
          } }, 'Naikkan tahap') : '']), { id: 'work-innovations' })));
  }

  // attendanceList records a pasted list of participants, one per line
  // ("Nama; NIP; Perangkat daerah; Peran; Jabatan; Kontak", or a CSV whose
  // first line names the columns), each line on its own; the form stays
  // open and keeps the lines that failed, each with its problem.
  function attendanceList(sessions) {
    const report = h('ol', { id: 'attendance-report', class: 'plain' });
    const form = h('form', { id: 'work-attendance', novalidate: true },
      field({ name: 'session', label: 'Sesi', options: sessions.map((s) => [s.id, `${s.title} (${s.date})`]) }),
      field({ name: 'list', label: 'Daftar peserta', type: 'textarea', required: true,
        hint: 'Satu peserta per baris: Nama; NIP (18 angka); Perangkat daerah; Peran; Jabatan; Kontak (pemisah titik koma, koma atau tab; tiga yang terakhir boleh kosong). Atau tempel CSV dengan baris judul kolom. Nama, NIP, jabatan dan kontak disimpan terenkripsi.',
        attrs: { rows: 6 } }),
      h('div', { class: 'form-grid' },
        field({ name: 'unit', label: 'Perangkat daerah (bawaan)' }),
        field({ name: 'role', label: 'Peran (bawaan)', value: 'pamong inovasi' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Catat kehadiran')), report);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const d = Object.fromEntries(new FormData(form).entries());
      const lines = d.list.split(/\r?\n/).filter((l) => l.trim());
      const split = (line) => line.split(line.includes('\t') ? '\t' : line.includes(';') ? ';' : ',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
      // A header line names the columns; otherwise they come in order.
      let cols = ['name', 'nip', 'unit', 'role', 'position', 'contact'];
      let first = 1;
      if (/^\s*nama\b/i.test(lines[0] || '')) {
        const names = { nama: 'name', nip: 'nip', 'perangkat daerah': 'unit', unit: 'unit', opd: 'unit', peran: 'role', jabatan: 'position', kontak: 'contact' };
        cols = split(lines.shift()).map((c) => names[c.toLowerCase()] || '');
        first = 2;
      }
      report.replaceChildren();
      const failed = [];
      let ok = 0;
      for (const [i, line] of lines.entries()) {
        const cells = split(line);
        const person = { name: '', nip: '', unit: d.unit, role: d.role, position: '', contact: '' };
        cols.forEach((c, n) => { if (c && cells[n]) person[c] = cells[n]; });
        const num = i + first;
        try {
          await post(`/api/v1/bimtek/${encodeURIComponent(d.session)}/attendance`, person);
          ok++;
          report.append(h('li', { class: 'ok' }, `Baris ${num}: ${person.name} dicatat.`));
        } catch (err) {
          failed.push(line);
          report.append(h('li', { class: 'error' }, `Baris ${num} (${person.name || 'tanpa nama'}): ${lineProblem(err)}`));
        }
      }
      report.prepend(h('li', { id: 'attendance-summary' }, `${ok} peserta dicatat${failed.length ? `, ${failed.length} baris bermasalah (tetap di kotak untuk diperbaiki)` : ''}.`));
      form.querySelector('[name=list]').value = failed.join('\n');
      form.querySelector('[name=list]').focus();
    });
    return form;
  }

  function withdrawForm(live) {
    const status = h('div', { role: 'status', 'aria-live': 'polite' });
    const form = h('form', { id: 'work-withdraw', novalidate: true },
      field({ name: 'innovation', label: 'Inovasi', options: live.map((i) => [i.id, i.name]) }),
      field({ name: 'reason', label: 'Alasan', type: 'textarea', required: true }),
      field({ name: 'on', label: 'Tanggal', type: 'date', value: today(), attrs: { max: today() } }),
      h('p', { class: 'hint' }, 'Inovasi yang ditarik tidak dihitung lagi dan jawabannya tidak dapat diubah.'),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Tarik inovasi')), status);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const d = Object.fromEntries(new FormData(form).entries());
      status.replaceChildren();
      try {
        const res = await post(`/api/v1/innovations/${encodeURIComponent(d.innovation)}/withdraw`, { reason: d.reason, on: d.on });
        status.append(h('p', { class: 'ok' }, 'Inovasi ditarik.'));
        form.reset();
        await refreshAt(res.position);
      } catch (err) {
        status.append(h('p', { class: 'error' }, errorText(err)));
      }
    });
    return form;
  }

  // replicationForm: the adopting region records that it replicated
  // another region's innovation (its id, from that region's page).
  function replicationForm() {
    const status = h('div', { role: 'status', 'aria-live': 'polite' });
    const form = h('form', { id: 'work-replication', novalidate: true },
      field({ name: 'origin', label: 'ID inovasi asal', required: true, hint: 'Dari halaman inovasi daerah asal' }),
      field({ name: 'unit', label: 'Perangkat daerah pelaksana di daerah ini', required: true }),
      field({ name: 'on', label: 'Tanggal mulai replikasi', type: 'date', value: today(), attrs: { max: today() } }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Catat replikasi')), status);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const d = Object.fromEntries(new FormData(form).entries());
      status.replaceChildren();
      try {
        const res = await post(`/api/v1/innovations/${encodeURIComponent(d.origin.trim())}/replications`, { adopter_region: region, unit: d.unit, on: d.on });
        status.append(h('p', { class: 'ok' }, 'Replikasi dicatat: ', h('a', { href: `#/inovasi/${res.id}` }, 'inovasi replikasi daerah ini'), '.'));
        form.reset();
        await refreshAt(res.position);
      } catch (err) {
        status.append(h('p', { class: 'error' }, err instanceof ApiError && err.status === 404 ? 'Inovasi asal tidak ditemukan.' : errorText(err)));
      }
    });
    return form;
  }

  // The panel's form keeps its input through live updates: only the lists
  // are drawn again.
  return { el, refresh, liveSafe: true };
}

function regionPicker(ctx) {
  const form = h('form', { class: 'toolbar' }, field({ name: 'region', label: 'Kode daerah', attrs: { placeholder: '64.03', size: 8 } }),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Buka')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/kerja/${encodeURIComponent(new FormData(form).get('region').trim())}`;
  });
  return form;
}
