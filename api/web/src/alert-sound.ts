/**
 * The audible cue for a new alert: two short tones from WebAudio (no media file).
 * Browsers only let a page make sound after a user gesture, so `unlock()` is
 * called from the sign-in click or the sound toggle; until then `ready` is false
 * and the header offers to turn sound on.
 */
export class AlertSound {
  private ctx: AudioContext | null = null;
  enabled = true;

  get ready(): boolean {
    return this.ctx?.state === 'running';
  }

  async unlock(): Promise<boolean> {
    try {
      this.ctx ??= new AudioContext();
      if (this.ctx.state !== 'running') await this.ctx.resume();
    } catch {
      return false;
    }
    return this.ready;
  }

  /** A rising two-tone chime, urgent but not harsh; repeated cues within 1.5 s merge into one. */
  private last = 0;
  play(): void {
    if (!this.enabled || !this.ctx || this.ctx.state !== 'running') return;
    const now = this.ctx.currentTime;
    if (now - this.last < 1.5) return;
    this.last = now;
    for (const [i, freq] of [660, 880].entries()) {
      const osc = this.ctx.createOscillator();
      const gain = this.ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t = now + i * 0.18;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.16);
      osc.connect(gain).connect(this.ctx.destination);
      osc.start(t);
      osc.stop(t + 0.17);
    }
  }
}
