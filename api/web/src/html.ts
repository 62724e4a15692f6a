/** preact through tagged templates: no JSX step, so tsc and vite read these files as plain TypeScript. */
export { html } from 'htm/preact';
