import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { gatewayUrl } from './gateway-url.js';
import './app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App gateway={gatewayUrl(window.location)} />
  </StrictMode>,
);
