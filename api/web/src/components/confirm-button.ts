import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';

/**
 * A destructive action that asks once inline ("Delete? Yes / No") instead of a
 * modal dialog: keyboard-friendly and it cannot be triggered by a stray Enter.
 */
export function ConfirmButton(props: {
  label: string;
  confirm: string;
  onConfirm: () => void | Promise<void>;
  class?: string;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const yesRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!asking) return;
    yesRef.current?.focus();
    const t = setTimeout(() => setAsking(false), 8000);
    return () => clearTimeout(t);
  }, [asking]);
  if (!asking) {
    return html`<button type="button" class=${props.class ?? 'btn'} disabled=${props.disabled || busy}
      onClick=${() => setAsking(true)}>${props.label}</button>`;
  }
  const yes = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return html`<span class="confirm" role="group" aria-label=${props.confirm}>
    <span>${props.confirm}</span>
    <button type="button" class="btn btn-danger" disabled=${busy} onClick=${yes} ref=${yesRef}>Yes</button>
    <button type="button" class="btn" onClick=${() => setAsking(false)}>No</button>
  </span>`;
}
