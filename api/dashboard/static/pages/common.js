// Pieces several pages share: the year picker and the period list.
import { h, api, can, field, phaseLabel } from '../lib.js';

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

export function regionLink(code, name) {
  return h('a', { href: `#/daerah/${code}` }, name || code);
}
