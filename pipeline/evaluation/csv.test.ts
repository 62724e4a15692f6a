import { describe, expect, it } from 'vitest';
import { appearancesToCsv, evaluationToCsv, sweepToCsv } from './csv.js';
import { makeAlert, makeTimeline, makeTruth } from '../../test/factories/evaluation.factory.js';
import { evaluate } from './metrics.js';

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
