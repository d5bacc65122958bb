// The Durable Lab page: the app shell (web/src/ui/app.ts) on #app.
import { startApp } from './ui/app.ts';
import './ui/styles.css';

startApp(document.getElementById('app')!);
