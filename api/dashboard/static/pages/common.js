// Pieces several pages share: the year picker and the period list.
import { h, api, can, session, field, phaseLabel, withQuery } from '../lib.js';

// loadYears returns the assessment periods the viewer may read (the public
// sees published years only), newest first.
export async function loadYears() {
  const res = await api('/api/v1/periods');
  const items = (res.items || []).filter((p) => can.signedIn() || p.phase === 'published');
  return items.sort((a, b) => b.year - a.year);
}

// pickYear chooses the year from the query, else (for someone who works on
// the open period) the newest open year, else the newest published, else
// the newest.
export function pickYear(years, wanted, preferOpen = false) {
  const y = Number(wanted);
  if (years.some((p) => p.year === y)) return y;
  const open = preferOpen && years.find((p) => p.phase !== 'published');
  if (open) return open.year;
  const pub = years.find((p) => p.phase === 'published');
  return (pub || years[0] || {}).year || new Date().getFullYear();
}

// yearSelect is a labelled select of years with their phase.
export function yearSelect(years, year, onchange) {
  const f = field({ name: 'year', label: 'Tahun penilaian', value: year,
    options: years.map((p) => [p.year, `${p.year} (${phaseLabel[p.phase] || p.phase})`]) });
  f.querySelector('select').addEventListener('change', (e) => onchange(Number(e.target.value)));
  return f;
}

// unpublished says why a year's national results are not shown, and where
// a region's own provisional result is.
export function unpublished(year) {
  const own = session.me.region;
  return h('p', { class: 'notice info', id: 'unpublished' }, `Hasil ${year} belum diumumkan. Sampai diumumkan, setiap daerah hanya melihat hasilnya sendiri`,
    own && can.readRegion(own) ? [': ', h('a', { href: profileHref(own, { year }) }, `hasil sementara daerah Anda (${own})`), '.'] : '.');
}

// readableYears are the years whose results the viewer may read (of one
// region when code is given, else of all), and whether the year asked for
// is one it may not.
export function readableYears(years, wanted, code) {
  const readable = years.filter((p) => can.readResults(p, code));
  const hidden = years.find((p) => p.year === Number(wanted) && !can.readResults(p, code));
  return { readable, hidden: hidden ? hidden.year : null };
}

// regionLink links a region's profile. ctx carries what the reader was
// looking at (year, cluster) so that the profile opens on the same result:
// a link from the 2024 ranking shows 2024, not the newest year.
export function regionLink(code, name, ctx = {}) {
  return h('a', { href: profileHref(code, ctx) }, name || code);
}

// profileHref is the address of a region's profile on a year (and cluster).
export function profileHref(code, { year, cluster } = {}) {
  return withQuery(`#/daerah/${code}`, { year, cluster });
}

// eventYear is the assessment year an event belongs to, if any (an
// assessment's id is <year>-<region>), so its region link opens that year.
export function eventYear(e) {
  return e.aggregate_type === 'assessment' ? Number(String(e.aggregate_id).split('-')[0]) || undefined
    : e.aggregate_type === 'period' ? Number(e.aggregate_id) || undefined : undefined;
}
