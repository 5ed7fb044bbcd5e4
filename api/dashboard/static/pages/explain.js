// The score written out in plain Indonesian: every figure is the API's
// (the totals and the catalogue arithmetic of GET /api/v1/index/{year}/{region});
// nothing is computed here.
import { h, fmtDec, fmtIID, fmtNum, phaseLabel, section } from '../lib.js';

// final reports whether a phase's results are final (pleno or later).
export const final = (phase) => phase === 'pleno' || phase === 'published';

// provisionalNote says that a year's score is not a result yet.
export function provisionalNote(phase) {
  return h('p', { class: 'notice warn', id: 'provisional-note' }, h('strong', {}, 'Sementara. '),
    `Penilaian tahun ini masih pada tahap ${(phaseLabel[phase] || phase).toLowerCase()}. `,
    'Angka dapat berubah sampai pleno; predikat baru ditetapkan pada pleno.');
}

// band writes a predicate band as "35,00–60,00" or "≥ 60,01".
function band(b) {
  if (b.max_iid === undefined || b.max_iid === null) return `${fmtIID(b.min_iid)} ke atas`;
  if (b.max_iid === b.min_iid) return fmtIID(b.min_iid);
  return `${fmtIID(b.min_iid)} sampai ${fmtIID(b.max_iid)}`;
}

const v = (id, text) => h('strong', { id, class: 'calc' }, text);

// computation writes out how the verified IID of score comes about.
export function computation(score) {
  const t = score.verified, m = score.method;
  const n = t.counted_innovations;
  const counted36 = Math.min(n, m.max_innovations);
  const isFinal = final(score.phase);
  const steps = [
    h('li', {}, 'SPD (Satuan Pemerintahan Daerah): jumlah poin indikator SPD yang sudah diverifikasi = ', v('calc-spd', fmtDec(t.spd)), '.'),
    h('li', {}, 'Poin SID: jumlah poin ', v('calc-n', fmtNum(n)), ' inovasi yang dihitung = ', v('calc-sid-sum', fmtDec(t.sid_sum)),
      ', dibagi banyaknya inovasi itu, paling sedikit ', fmtNum(m.min_divisor), ': pembagi = maks(', fmtNum(m.min_divisor), '; ', fmtNum(n),
      ') = ', v('calc-divisor', fmtNum(t.divisor)), '. Hasilnya ', fmtDec(t.sid_sum), ' ÷ ', fmtNum(t.divisor), ' = ', v('calc-sid-mean', fmtDec(t.sid_mean)), '.'),
    h('li', {}, 'Indikator 36 (jumlah inovasi daerah): ', fmtDec(m.points_per_innovation), ' poin × ', fmtNum(counted36), ' inovasi',
      n > m.max_innovations ? ` (paling banyak ${fmtNum(m.max_innovations)})` : '', ' = ', v('calc-ind36', fmtDec(t.indicator_36)), '.'),
    h('li', {}, 'SID (Satuan Inovasi Daerah) = ', fmtDec(t.sid_mean), ' + ', fmtDec(t.indicator_36), ' = ', v('calc-sid', fmtDec(t.sid)), '.'),
    h('li', {}, 'Skor total = SPD + SID = ', fmtDec(t.spd), ' + ', fmtDec(t.sid), ' = ', v('calc-total', fmtDec(t.total)),
      ` (dari paling banyak ${fmtDec(m.max_total)}).`),
    h('li', {}, 'IID = skor total ÷ ', fmtDec(m.max_total), ' × 100 = ', fmtDec(t.total), ' ÷ ', fmtDec(m.max_total), ' × 100 = ',
      t.iid_unrounded === t.iid_text ? '' : [fmtDec(t.iid_unrounded), ', dibulatkan ke dua desimal menjadi '], v('calc-iid', fmtIID(t.iid)), '.'),
    h('li', {}, isFinal ? 'Predikat: IID ' : 'Predikat belum ditetapkan (sampai pleno). Bila angka ini tidak berubah, IID ',
      fmtIID(t.iid), ' berada pada rentang ', h('span', { id: 'calc-band' }, band(m.predicates.find((b) => b.name === t.predicate) || {})),
      isFinal ? ': ' : ', yaitu ', v('calc-predicate', t.predicate), '.',
      h('ul', { class: 'bands', id: 'predicate-bands' }, m.predicates.map((b) => h('li', { class: b.name === t.predicate ? 'current' : '' },
        `${b.name}: IID ${band(b)}`)))),
  ];
  return section(isFinal ? 'Cara IID dihitung' : 'Cara IID sementara dihitung',
    h('ol', { class: 'computation', id: 'computation' }, steps),
    score.published && score.changed_since_pleno ? h('p', { class: 'notice warn' },
      `Angka di atas memuat perubahan sesudah pleno. Yang diumumkan dan tetap berlaku: IID ${fmtIID(score.published.iid)} (${score.published.predicate}).`) : null,
    h('p', { class: 'muted' }, 'Hanya jawaban yang sudah diverifikasi yang dihitung. Rincian tiap indikator ada di tabel di bawah.'));
}
