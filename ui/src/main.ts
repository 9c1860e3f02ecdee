import { markStartup } from './app/startup';
markStartup('script');
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { pickBackend } from './ipc';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

void pickBackend().then((backend) => {
  markStartup('backend');
  mount(App, { target, props: { backend } });
  markStartup('mounted');
});
