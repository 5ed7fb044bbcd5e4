// Laporan daerah: one region's result of a year on one printable page (A4,
// see the print stylesheet), with the computation, the SPD table, counted
// and not-counted innovations with reasons, the verifier decisions, the
// position it was computed at and a verification code; the server also
// gives it as a PDF. Every figure is the API's, read at one position.
import { h, fill, api, withQuery, table, section, loading, problemBox, fmtIID, fmtDec, fmtNum, fmtDateTime, statusLabel,
  scoreText, phaseLabel } from '../lib.js';
import { computation, final, provisionalNote } from './explain.js';
import { profileHref } from './common.js';

export const title = 'Laporan daerah';

export function page(ctx) {
  const code = ctx.parts[0];
  const body = h('div', { class: 'report' }, loading());
  async function refresh() {
    const year = ctx.query.get('year');
    if (!code || !year) {
      fill(body, h('p', {}, 'Buka laporan dari profil daerah.'));
      return;
    }
    let rep, score;
    try {
      // the code first, then the score as of the code's position: both
      // describe the same state
      rep = await api(withQuery(`/api/v1/index/${year}/${code}/report`, { as_of: ctx.query.get('as_of') }));
      score = await api(withQuery(`/api/v1/index/${year}/${code}`, { as_of: rep.position }));
    } catch (err) {
      fill(body, problemBox(err));
      return;
    }
    document.title = `Laporan ${score.region.name} ${year} · Jejak`;
    fill(body, ...report(score, rep));
  }
  return { el: body, refresh };
}

function report(sc, rep) {
  const v = sc.verified, r = sc.region;
  const isFinal = final(sc.phase);
  const shown = sc.published || v;
  const kind = r.kind === 'provinsi' ? 'Provinsi' : r.kind === 'kota' ? 'Kota' : 'Kabupaten';
  const decisions = {};
  const count = (ind) => { if (!ind.derived) { const k = statusLabel[ind.status] || 'Belum dijawab'; decisions[k] = (decisions[k] || 0) + 1; } };
  sc.spd.forEach(count);
  sc.innovations.forEach((i) => i.indicators.forEach(count));
  const innTable = (caption, list) => table(caption, [{ label: 'Inovasi' }, { label: 'Perangkat daerah' }, { label: 'Poin', num: true }, { label: 'Alasan' }],
    list.map((i) => [i.name, i.unit, fmtDec(i.points), scoreText(i.reason)]));
  const counted = sc.innovations.filter((i) => i.counted), notCounted = sc.innovations.filter((i) => !i.counted);
  return [
    h('p', { class: 'no-print toolbar' },
      h('a', { href: profileHref(r.code, { year: sc.year }) }, '← Profil daerah'), ' ',
      h('button', { type: 'button', onclick: () => window.print(), id: 'print' }, 'Cetak (A4)'), ' ',
      h('a', { href: withQuery(`/api/v1/index/${sc.year}/${r.code}/report`, { format: 'pdf', as_of: rep.position }), id: 'report-pdf', class: 'button secondary' }, 'Unduh PDF')),
    h('h1', {}, `Laporan Indeks Inovasi Daerah ${sc.year}`),
    h('p', { class: 'report-id' }, h('strong', {}, r.name), ` (kode ${r.code}) · ${kind}`, r.province && r.kind !== 'provinsi' ? ` di ${r.province}` : '',
      r.office_name ? ` · ${r.office_name}` : ''),
    h('p', { class: 'muted', id: 'report-asof' }, `Keadaan per ${fmtDateTime(rep.computed_at)}, posisi riwayat #${fmtNum(rep.position)}. Kode verifikasi: `,
      h('code', { id: 'report-code' }, rep.code)),
    h('div', { class: 'stats' },
      h('div', { class: 'stat big' }, h('span', { class: 'label' }, `IID ${sc.year}`, sc.published ? ' (diumumkan)' : isFinal ? '' : ' sementara'),
        h('span', { class: 'value', id: 'report-iid' }, fmtIID(shown.iid)),
        isFinal ? h('span', { class: 'predicate' }, shown.predicate) : h('span', { class: 'hint' }, `tahap ${(phaseLabel[sc.phase] || sc.phase).toLowerCase()}: predikat ditetapkan pada pleno`))),
    isFinal ? null : provisionalNote(sc.phase),
    computation(sc),
    section('Rincian SPD', table('Indikator SPD', [{ label: 'Kode' }, { label: 'Indikator' }, { label: 'Status' }, { label: 'Parameter', num: true }, { label: 'Poin', num: true }],
      sc.spd.map((i) => [i.code, i.name, i.derived ? 'Dihitung dari peristiwa' : (statusLabel[i.status] || 'Belum dijawab'), i.parameter || '–', fmtDec(i.points)]))),
    section(`Inovasi yang dihitung (${counted.length})`, innTable('Inovasi yang dihitung', counted)),
    section(`Inovasi yang tidak dihitung (${notCounted.length})`, innTable('Inovasi yang tidak dihitung', notCounted)),
    section('Keputusan verifikator', h('p', { id: 'report-decisions' },
      ['Diterima', 'Diturunkan', 'Ditolak', 'Menunggu verifikasi', 'Belum dijawab'].map((k) => `${k}: ${fmtNum(decisions[k] || 0)} jawaban`).join('; ') + '.')),
    h('p', { class: 'muted small' }, 'Periksa keaslian laporan ini: ', h('code', {}, `jejak verify-report ${rep.code}`), ', atau ', h('code', {}, `/api/v1/reports/verify?code=${rep.code}`), '. ',
      'Kode memuat tahun, daerah, posisi riwayat peristiwa dan sidik (SHA-256) keadaan skor yang dicetak.'),
  ];
}
