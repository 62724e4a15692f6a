import { useEffect, useState } from 'preact/hooks';
import { type ApiClient, itemsOf, type Page } from './api-client.js';
import { useApp } from './app-context.js';
import type { Alert, AlertDetail, Case, PerpetratorDetail } from './types.js';

const perpetratorCache = new Map<string, Promise<PerpetratorDetail | null>>();
const alertDetailCache = new Map<string, { updatedAt: number; round: number; value: Promise<AlertDetail | null> }>();
let casesCache: { at: number; value: Promise<Case[]> } | null = null;

/** Names of cases and perpetrators change rarely: cached for the page's life, refreshed on edits. */
export function forgetLookups(): void {
  perpetratorCache.clear();
  casesCache = null;
}

function loadPerpetrator(api: ApiClient, id: string): Promise<PerpetratorDetail | null> {
  let p = perpetratorCache.get(id);
  if (!p) {
    p = api.get<PerpetratorDetail>(`/v1/perpetrators/${encodeURIComponent(id)}`).catch(() => null);
    perpetratorCache.set(id, p);
  }
  return p;
}

function loadCases(api: ApiClient): Promise<Case[]> {
  if (!casesCache || Date.now() - casesCache.at > 60_000) {
    casesCache = { at: Date.now(), value: api.get<Page<Case>>('/v1/cases?limit=200').then(itemsOf, () => []) };
  }
  return casesCache.value;
}

/** The enrolled profile (with photos) of a perpetrator, for roles that may read biometric data. */
export function usePerpetrator(id: string | null): PerpetratorDetail | null {
  const { api, can } = useApp();
  const [value, setValue] = useState<PerpetratorDetail | null>(null);
  useEffect(() => {
    if (!id || !can('readBiometrics')) return;
    let live = true;
    void loadPerpetrator(api, id).then((p) => live && setValue(p));
    return () => {
      live = false;
    };
  }, [id]);
  return value;
}

export function useCases(): Case[] | null {
  const { api, can } = useApp();
  const [value, setValue] = useState<Case[] | null>(null);
  useEffect(() => {
    if (!can('readCases')) return;
    let live = true;
    void loadCases(api).then((c) => live && setValue(c));
    return () => {
      live = false;
    };
  }, []);
  return value;
}

/** How often an alert with a webhook still undelivered is read again (its delivery state changes, the alert does not). */
const PENDING_DELIVERY_REFRESH_MS = 5000;

/**
 * An alert's evidence, history and deliveries (the list carries none of them);
 * refetched when the alert changes, and every few seconds while a delivery is pending.
 */
export function useAlertDetail(alert: Alert): AlertDetail | null {
  const { api } = useApp();
  const [value, setValue] = useState<AlertDetail | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let entry = alertDetailCache.get(alert.id);
    if (!entry || entry.updatedAt !== alert.updatedAt || entry.round !== round) {
      entry = {
        updatedAt: alert.updatedAt,
        round,
        value: api.get<AlertDetail>(`/v1/alerts/${encodeURIComponent(alert.id)}`).catch(() => null),
      };
      alertDetailCache.set(alert.id, entry);
    }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    void entry.value.then((d) => {
      if (!live || !d) return;
      setValue(d);
      if (d.deliveries.some((x) => x.status === 'pending'))
        timer = setTimeout(() => live && setRound((r) => r + 1), PENDING_DELIVERY_REFRESH_MS);
    });
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [alert.id, alert.updatedAt, round]);
  return value;
}
