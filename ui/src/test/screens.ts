// Vitest setup: the screens the window loads when first shown (`src/app/Lazy.svelte`) are imported once before each
// test file, so a test that opens one waits for the screen, not for Vite to transform its module graph on the spot
// (which can take longer than Testing Library's default wait). In the built window they are chunks of their own.
export {};

await Promise.all([
  import('../features/account/AccountPage.svelte'),
  import('../features/account/SignInPage.svelte'),
  import('../features/installations/InstallationsPage.svelte'),
  import('../features/clients/ClientsPage.svelte'),
  import('../features/versions/VersionPage.svelte'),
]);
