// The lab page, loaded when a lab is first opened: it brings CodeMirror,
// markdown-it and DOMPurify, which the rest of the app does without.
import './labs.css';

export { mountLabPage } from './page.ts';
