import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context.js';
import { clockTime } from '../format.js';
import { html } from '../html.js';
import type { Case } from '../types.js';

interface Coverage {
  gaps: { caseId: string; district: string; from: number; to: number }[];
}

/** Protection hours in the next 24 h that nobody is rostered for (GET /v1/coverage), so they are filled ahead. */
export function CoverageGaps(props: { cases: Case[] | null; changed: number }) {
  const { api } = useApp();
  const [coverage, setCoverage] = useState<Coverage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<Coverage>('/v1/coverage')
      .then((c) => {
        setCoverage(c);
        setError(null);
      })
      .catch((err: Error) => setError(err.message));
  }, [props.changed]);
  const name = (id: string) => props.cases?.find((c) => c.id === id)?.victimRef ?? id;
  const now = Date.now();
  return html`<section class="band coverage-gaps" aria-labelledby="h-gaps">
    <h2 id="h-gaps">Coverage gaps, next 24 h <span class="count">${coverage?.gaps.length ?? '…'}</span></h2>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${
      coverage &&
      (coverage.gaps.length
        ? html`<ul class="gap-list">${coverage.gaps.map(
            (g) => html`<li key=${`${g.caseId}-${g.from}`} class="gap" data-case-id=${g.caseId}>
              <strong>${name(g.caseId)}</strong> (${g.district}): nobody on duty ${clockTime(g.from, now)}–${clockTime(g.to, now)}
            </li>`,
          )}</ul>`
        : html`<p class="empty">Every protected hour of the next 24 h has someone on duty.</p>`)
    }
  </section>`;
}
