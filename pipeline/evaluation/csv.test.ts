import { describe, expect, it } from 'vitest';
import { appearancesToCsv, evaluationToCsv, sweepToCsv, toCsv } from './csv.js';
import { makeAlert, makeTimeline, makeTruth } from '../../test/factories/evaluation.factory.js';
import { evaluate } from './metrics.js';

describe('toCsv', () => {
  it('quotes per RFC 4180 and writes nulls as empty cells', () => {
    expect(
      toCsv(
        ['a', 'b', 'c'],
        [
          ['x,y', 'say "hi"', null],
          ['line\nbreak', -0.5, true],
        ],
      ),
    ).toBe('a,b,c\r\n"x,y","say ""hi""",\r\n"line\nbreak",-0.5,true\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, not negative numbers', () => {
    expect(
      toCsv(
        ['name', 'n'],
        [
          ['=HYPERLINK("x")', -3],
          ['@sum', 2],
          ['-1+2', 1],
        ],
      ),
    ).toBe('name,n\r\n"\'=HYPERLINK(""x"")",-3\r\n\'@sum,2\r\n\'-1+2,1\r\n');
  });
});

describe('evaluation CSV', () => {
  const truth = makeTruth([{ identity: 'subject-a', start: 2, end: 6 }]);
  const evaluation = evaluate(truth, makeTimeline([], [makeAlert('subject-a', 3), makeAlert('other', 9)]));

  it('has one row per identity with the figures of the table', () => {
    const lines = evaluationToCsv(evaluation).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(',')).toHaveLength(17);
    expect(lines[1]).toBe('hand-built,other,false,0,0,,1,0,0,1,0,,,,,180,20');
    // No track at all: frame recall 0, frame precision undefined (no frame claimed).
    expect(lines[2]).toBe('hand-built,subject-a,true,1,1,1,1,1,0,0,1,0,,1,1,0,20');
  });

  it('lists appearances with their time to first alert', () => {
    expect(appearancesToCsv(evaluation).trim().split('\r\n')[1]).toBe('hand-built,subject-a,subject-a#1,2,3,1');
  });

  it('exports the sweep', () => {
    const csv = sweepToCsv([
      {
        threshold: 0.5,
        alerts: 1,
        correctAlerts: 1,
        falseAlerts: 0,
        falseAlertsPerHour: 0,
        appearanceRecall: 1,
        precision: 1,
        meanTimeToFirstAlert: 0.8,
      },
    ]);
    expect(csv).toBe(
      'threshold,alerts,correct_alerts,false_alerts,false_alerts_per_hour,appearance_recall,precision,mean_ttfa_s\r\n0.5,1,1,0,0,1,1,0.8\r\n',
    );
  });
});
