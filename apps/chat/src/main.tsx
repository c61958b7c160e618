import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { fetchRuntimeConfig, resolveConfig } from './config.ts';
import './styles.css';

const runtime = await fetchRuntimeConfig(`${import.meta.env.BASE_URL}config.json`);
const config = resolveConfig(window.location, import.meta.env, runtime);
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App config={config} />
  </StrictMode>,
);
