// Inovasi: one innovation's stage timeline, answers, evidence and
// verification state; operators advance its stage and answer SID indicators.
import { h, fill, api, can, section, table, loading, problemBox, fmtDate, fmtDateTime, stageLabel, statusLabel,
  affairLabel, shortId, initiatorLabel, formLabel } from '../lib.js';
import { loadYears, regionLink } from './common.js';
import { stageForm, answerForm, catalogue, publicityForm } from './forms.js';
import { evidenceFiles } from './bukti.js';

export const title = 'Inovasi';
export const allowed = () => can.signedIn();

export function page(ctx) {
  const id = ctx.parts[0];
  const heading = h('h1', {}, 'Inovasi');
  const body = h('div', {}, loading());
  const actions = h('div');
  const el = h('div', {}, heading, body, actions);

  async function refresh() {
    if (!id) {
      fill(body, h('p', {}, 'Pilih inovasi dari ', h('a', { href: '#/daerah' }, 'profil daerah'), '.'));
      return;
    }
    let inn;
    try {
      inn = await api(`/api/v1/innovations/${encodeURIComponent(id)}`);
    } catch (err) {
      fill(body, problemBox(err));
      return;
    }
    fill(heading, inn.name);
    document.title = `${inn.name} · Jejak`;
    const regionName = await api(`/api/v1/regions/${inn.region}`).then((r) => `${r.name} (${r.code})`, () => inn.region);
    const names = {};
    for (const a of inn.answers) {
      if (!names[a.year]) {
        try { names[a.year] = Object.fromEntries((await catalogue(a.year)).indicators.map((i) => [i.code, i])); } catch { names[a.year] = {}; }
      }
    }
    fill(body, 
      section('Ringkasan', h('dl', { class: 'kv', id: 'innovation-summary' },
        h('dt', {}, 'Daerah'), h('dd', {}, regionLink(inn.region, regionName)),
        h('dt', {}, 'Perangkat daerah'), h('dd', {}, inn.unit),
        h('dt', {}, 'Tahapan'), h('dd', { id: 'innovation-stage' }, stageLabel[inn.stage] || inn.stage),
        h('dt', {}, 'Urusan'), h('dd', {}, affairLabel(inn.affair)),
        h('dt', {}, 'Bentuk'), h('dd', {}, formLabel[inn.form] || inn.form, inn.digital ? ', digital' : ', non-digital'),
        h('dt', {}, 'Inisiator'), h('dd', {}, initiatorLabel[inn.initiator] || inn.initiator),
        inn.origin_innovation_id ? [h('dt', {}, 'Replikasi dari'), h('dd', {}, h('a', { href: `#/inovasi/${inn.origin_innovation_id}` }, inn.origin_innovation_id))] : null,
        inn.replicated_by?.length ? [h('dt', {}, 'Direplikasi oleh'), h('dd', {}, inn.replicated_by.join(', '))] : null,
        inn.withdrawn_on ? [h('dt', {}, 'Ditarik'), h('dd', {}, fmtDate(inn.withdrawn_on), ': ', inn.withdraw_reason)] : null,
        h('dt', {}, 'Tampil di basis data publik'), h('dd', { id: 'innovation-public' }, publicText(inn))),
        can.audit() ? h('p', {}, h('a', { href: `#/audit?entity=innovation/${inn.id}` }, 'Lihat jejak audit →')) : null),
      section('Linimasa tahapan', h('ol', { class: 'timeline', id: 'timeline' }, inn.timeline.map((st) => h('li', {},
        h('strong', {}, stageLabel[st.stage] || st.stage), ` · ${fmtDate(st.on)}`, h('br'),
        h('span', { class: 'muted' }, `oleh ${st.actor} · peristiwa `), shortId(st.event_id))))),
      inn.rejected_in ? section('Ditolak sebagai inovasi', h('ul', {}, Object.entries(inn.rejected_in).map(([y, r]) => h('li', {}, `${y}: ${r}`)))) : null,
      section('Jawaban indikator dan bukti dukung', table('Jawaban', [{ label: 'Tahun' }, { label: 'Indikator' }, { label: 'Opsi diklaim', num: true },
        { label: 'Status' }, { label: 'Opsi diverifikasi', num: true, cls: 'hide-sm' }, { label: 'Bukti dukung' }, { label: 'Dikirim', cls: 'hide-sm' }],
      inn.answers.map((a) => [String(a.year), `${a.indicator}. ${names[a.year]?.[a.indicator]?.name || ''}`, String(a.claimed_option),
        [statusLabel[a.status] || a.status, a.reason ? [h('br'), h('span', { class: 'hint' }, 'Alasan: ', a.reason)] : '',
          a.verified_by ? [h('br'), h('span', { class: 'hint' }, `oleh ${a.verified_by}`)] : ''],
        a.verified_option ? String(a.verified_option) : '–', evidence(a.evidence),
        [`${fmtDateTime(a.submitted_at)} oleh ${a.submitted_by}`, a.status === 'pending' ? h('span', { class: 'hint' }, ` · ${a.age_days} hari`) : '']]),
      { id: 'answers-table' })));
    const publicity = () => (inn.made_public || inn.stage !== 'ditarik' ? publicityForm(inn, refresh) : null);
    const publicKey = `${inn.made_public}/${inn.stage === 'ditarik'}`;
    if (!actions.dataset.built && can.write(inn.region)) {
      const open = (await loadYears()).filter((p) => p.phase === 'penjaringan');
      fill(actions, section('Tindakan', stageForm(inn, refresh), publicity(),
        open.length ? await answerForm(inn.region, open, inn.id, refresh) : h('p', { class: 'muted' }, 'Tidak ada periode penjaringan yang terbuka.')));
      actions.dataset.built = '1';
      actions.dataset.public = publicKey;
    } else if (actions.dataset.built && publicKey !== actions.dataset.public) {
      // the publicity (or withdrawal) changed: offer the other way
      const old = actions.querySelector('#form-publicity')?.closest('details');
      const next = publicity();
      if (old && next) old.replaceWith(next);
      else if (old) old.remove();
      else if (next) actions.querySelector('section')?.append(next);
      actions.dataset.public = publicKey;
    }
    if (actions.dataset.built && inn.stage !== actions.dataset.stage && actions.dataset.stage) {
      // the stage changed: offer the next step
      const old = actions.querySelector('#form-stage')?.closest('details');
      const next = stageForm(inn, refresh);
      if (old && next) old.replaceWith(next);
      else if (old) old.remove();
    }
    actions.dataset.stage = inn.stage;
  }
  return { el, refresh };
}

// publicText says whether the public database shows the innovation, and why.
function publicText(inn) {
  const link = h('a', { href: `#/basis-data/${inn.id}` }, 'lihat halaman publik');
  if (inn.made_public) return ['Ya, ditampilkan oleh daerah · ', link];
  if (inn.in_public_database) return ['Ya, tercantum pada penilaian yang sudah diumumkan · ', link];
  return 'Tidak (belum tercantum pada penilaian yang diumumkan)';
}

export function evidence(e) {
  if (!e) return '–';
  return [evidenceFiles(e.files), e.document_ref ? h('span', {}, 'Dok. ', e.document_ref) : '',
    e.link ? [e.document_ref ? h('br') : '', h('a', { href: e.link, rel: 'noopener noreferrer', target: '_blank' }, 'tautan')] : '',
    (e.links || []).map((l, i) => [h('br'), h('a', { href: l, rel: 'noopener noreferrer', target: '_blank' }, `tautan ${i + 2}`)]),
    e.note ? [h('br'), h('span', { class: 'hint' }, e.note)] : ''];
}
