import { fmt, spread, table, type Spread } from './stats.js';

/** A ratio of two cases measured in the same round, with its target. */
export interface Goal {
  id: string;
  label: string;
  ratios: Spread;
  target: number;
  /** 'min': the ratio must be at least the target; 'max': at most; 'info': no target, shown for reference. */
  kind: 'min' | 'max' | 'info';
  verdict: 'met' | 'missed' | 'no data' | '';
  note?: string;
}

export function goal(
  id: string,
  label: string,
  values: number[],
  target: number,
  kind: Goal['kind'],
  note?: string,
): Goal {
  const ratios = spread(values);
  const met = kind === 'min' ? ratios.median >= target : ratios.median <= target;
  const verdict = kind === 'info' ? '' : ratios.n === 0 ? 'no data' : met ? 'met' : 'missed';
  return { id, label, ratios, target, kind, verdict, ...(note === undefined ? {} : { note }) };
}

export function goalTable(goals: readonly Goal[]): string {
  const rows = [['goal', 'median', '[min–max]', 'target', 'verdict']];
  for (const g of goals) {
    const target = g.kind === 'info' ? '–' : `${g.kind === 'min' ? '≥' : '≤'}${fmt(g.target, 2)}`;
    rows.push([
      `${g.id} ${g.label}`,
      fmt(g.ratios.median, 2),
      `[${fmt(g.ratios.min, 2)}–${fmt(g.ratios.max, 2)}]`,
      target,
      g.verdict + (g.note ? ` (${g.note})` : ''),
    ]);
  }
  return table(rows);
}
