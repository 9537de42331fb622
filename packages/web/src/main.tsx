/**
 * Entry point: start bundle pinning (the service worker), then render the
 * app over the client SDK. Everything runs same-origin: the page, the API
 * and the WebSocket come from the server that served this file.
 */
import { render } from 'preact';
import { App } from './app/app.js';
import { startPinning } from './pin/pin-client.js';
import { createSdkLauncher } from './sdk/launcher.js';
import './styles.css';

startPinning().catch(() => undefined);
const root = document.getElementById('app');
if (root) render(<App launcher={createSdkLauncher(location.origin)} />, root);
