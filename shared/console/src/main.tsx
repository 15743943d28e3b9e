// The console's entry: read config.json, then render the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { consoleConfig } from './config.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
consoleConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  (e: unknown) => root.render(<p role="alert">控制台配置无法读取 / the console's configuration cannot be read: {String(e)}</p>),
);
