// Riwayat skor: every change of a region's verified and provisional IID in
// a year (GET /api/v1/index/{year}/{region}/history), as a step chart and a
// table; each step names its event, and auditors open it in the audit trail.
import { h, can, table, section, problemBox, fmtIID, fmtDateTime, eventLabel, roleLabel } from '../lib.js';
import { stepChart } from '../chart.js';

const change = (ba) => ba.before === ba.after ? fmtIID(ba.after) : `${fmtIID(ba.before)} → ${fmtIID(ba.after)}`;

// scoreHistory is the section; score names the innovations a step touched.
export function scoreHistory(res, score, region) {
  const title = 'Riwayat skor';
  if (!res) return '';
  if (res instanceof Error) return section(title, problemBox(res));
  const steps = res.items;
  if (!steps.length) return section(title, h('p', { class: 'muted' }, 'Skor tahun ini belum pernah berubah.'));
  const names = Object.fromEntries((score?.innovations || []).map((i) => [i.id, i.name]));
  const about = (st) => [st.indicator ? `Indikator ${st.indicator}` : '', st.indicator && st.innovation_id ? ', ' : '',
    st.innovation_id ? (names[st.innovation_id] || 'inovasi lain') : ''];
  const what = (st) => [eventLabel[st.type] || 'Peristiwa', st.events > 1 ? h('span', { class: 'muted' }, ` (dan ${st.events - 1} peristiwa lain sekaligus)`) : ''];
  const auditor = can.audit();
  const point = (st, ba) => ({ t: Date.parse(st.occurred_at), y: ba.after, href: `#step-${st.position}`,
    title: `${fmtDateTime(st.occurred_at)}: ${eventLabel[st.type] || st.type}, ${change(ba)}` });
  const chart = stepChart([
    { label: 'IID terverifikasi', cls: 'verified', points: steps.map((st) => point(st, st.verified)) },
    { label: 'IID sementara (termasuk jawaban yang menunggu verifikasi)', cls: 'provisional', points: steps.map((st) => point(st, st.provisional)) },
  ], { label: `Riwayat IID ${res.year}: ${steps.length} perubahan, terakhir ${fmtIID(steps.at(-1).verified.after)} terverifikasi dan ${fmtIID(steps.at(-1).provisional.after)} sementara` });
  const cols = [{ label: 'Waktu' }, { label: 'Peristiwa' }, { label: 'Oleh', cls: 'hide-sm' }, { label: 'Tentang' },
    { label: 'IID terverifikasi', num: true }, { label: 'IID sementara', num: true }, auditor ? { label: 'Peristiwa' } : null].filter(Boolean);
  const rows = [...steps].reverse().map((st) => [
    fmtDateTime(st.occurred_at), what(st),
    [roleLabel[st.actor.role] || st.actor.role, st.actor.user ? [h('br'), h('span', { class: 'hint' }, st.actor.user)] : ''],
    about(st), change(st.verified), change(st.provisional),
    auditor ? h('a', { href: `#/audit?region=${region}&event=${st.event_id}`, class: 'event-ref step-event', title: `Peristiwa ${st.event_id}` }, 'lihat peristiwa') : null,
  ].filter((c) => c !== null));
  const t = table(`Riwayat skor ${res.year}, terbaru di atas`, cols, rows, { id: 'history-table' });
  [...t.querySelectorAll('tbody tr')].forEach((tr, i) => { tr.id = `step-${steps[steps.length - 1 - i].position}`; });
  return section(title, chart,
    h('details', { id: 'history-details' }, h('summary', {}, `Tabel perubahan (${steps.length})`), t));
}
