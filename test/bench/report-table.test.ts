import { describe, expect, it } from 'vitest';
import {
  applyAndReport,
  baselineMs,
  growth,
  type ProcessFigure,
  renderSizeTable,
  type SizeResult,
} from '../../src/bench/report-table.js';

const run = (ms: number, maxRssMb: number, load: [number, number] = [1, 1]): ProcessFigure => ({
  ms,
  maxRssMb,
  load,
});

function size(accounts: number, scale: number): SizeResult {
  return {
    accounts,
    regions: 4,
    days: 30,
    files: 117 * accounts,
    gzipBytes: 550_000 * accounts,
    jsonBytes: 4_500_000 * accounts,
    gunzip: run(15 * accounts, 300),
    parse: [run(30 * accounts, 400), run(28 * accounts, 410)],
    apply: run(100 * accounts, 900 * scale),
    report: run(80 * accounts, 1000 * scale, [1.2, 3.4]),
    secondReport: run(80 * accounts, 1000 * scale),
  };
}

describe('the report benchmark summary', () => {
  it('takes the faster baseline run, so drift never flatters the report', () => {
    expect(baselineMs(size(200, 1))).toBe(5600);
  });

  it('adds the times of apply and report and takes the larger peak', () => {
    expect(applyAndReport(size(200, 1))).toEqual({ ms: 36_000, maxRssMb: 1000 });
  });

  it('renders one Markdown row per size with the ratio to the baseline and the load range', () => {
    const table = renderSizeTable([size(200, 3)]);
    expect(table.split('\n')).toEqual([
      '| size | files | MB gzip | baseline s | apply+report s | ratio | peak RSS MB | second report s | peak RSS MB | nightly compact+report s | ratio | peak RSS MB | load (1 min) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      '| 200 × 4 × 30 | 23,400 | 110 | 5.6 | 36.0 | 6.43 | 3,000 | 16.0 | 3,000 | – | – | – | 1.0–3.4 |',
    ]);
  });

  it('shows the next morning (compact + report) against the baseline of that day', () => {
    const r = {
      ...size(200, 1),
      nightly: { run: run(2_900, 450, [0.5, 4.5]), baseline: run(5_800, 400), files: 23_390 },
    };
    expect(renderSizeTable([r]).split('\n')[2]).toBe(
      '| 200 × 4 × 30 | 23,400 | 110 | 5.6 | 36.0 | 6.43 | 1,000 | 16.0 | 1,000 | 2.9 | 0.50 | 450 | 0.5–4.5 |',
    );
  });

  it('compares the growth from the smallest to the largest size with linear growth', () => {
    const g = growth([size(200, 2), size(50, 1), size(100, 1.5)]);
    expect(g).toEqual({
      linear: 4,
      applyReportRss: 2,
      secondReportRss: 2,
      applyReportTime: 4,
      baselineTime: 4,
    });
  });

  it('has no growth to show for one size', () => {
    expect(growth([size(200, 1)])).toBeUndefined();
  });
});
