import { html } from '../html.js';
import type { Box } from '../types.js';

/**
 * A photo with its detected faces outlined. Boxes are in image pixels; they are
 * placed in percent so the photo can be any displayed size.
 */
export function FacePhoto(props: {
  src: string;
  width: number;
  height: number;
  faces: Box[];
  alt: string;
  tone: 'ok' | 'bad';
}) {
  return html`<div class="face-photo">
    <img src=${props.src} alt=${props.alt} />
    ${props.faces.map(
      ([x1, y1, x2, y2], i) => html`<span key=${i} class=${`face-box face-box-${props.tone}`} aria-hidden="true"
        style=${{
          left: `${(100 * x1) / props.width}%`,
          top: `${(100 * y1) / props.height}%`,
          width: `${(100 * (x2 - x1)) / props.width}%`,
          height: `${(100 * (y2 - y1)) / props.height}%`,
        }}></span>`,
    )}
  </div>`;
}
