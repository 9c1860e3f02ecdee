// After the page's first frame was painted, tell the shell: the same signal as the app's first painted app list.
requestAnimationFrame(() => setTimeout(() => window.__TAURI__.core.invoke('painted'), 0));
