// The installable packages: `./dev test` builds a .deb and an .rpm with Tauri's bundler (`tauri build --bundles
// deb,rpm`), installs the .deb on this machine with apt, then runs this test. It checks what the package put on the
// machine (the binary it just built, a desktop entry that starts it and that desktop-file-validate accepts, the
// icons, an AppStream entry that appstreamcli validates; pwb and partner-sandbox with their manual pages, pwb's shell
// completions, the copyright file and the control data's long description and homepage), that the .rpm holds the
// same files, then starts the INSTALLED app in the real window (tauri-driver + WebKitWebDriver under Xvfb), on a
// fresh data folder: it starts its embedded sandbox and shows the demo apps, as a partner sees it after installing.
//
// Needs PWB_DEB (the .deb just built and installed; `dev` deletes earlier bundles before building), PWB_RPM (the
// .rpm built beside it), a display (xvfb-run) and tauri-driver on PATH.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, startDriver } from '../desktop/webdriver.mjs';

const deb = process.env.PWB_DEB;
assert.ok(deb, 'PWB_DEB must name the .deb that was installed');
const rpm = process.env.PWB_RPM;
assert.ok(rpm, 'PWB_RPM must name the .rpm built beside it');

const PACKAGE = 'partner-workbench';
const dpkgField = (field, file) =>
  execFileSync('dpkg-deb', ['--field', file, field]).toString().trim();

let dataDir;
before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pwb-installed-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A file's bytes as the .deb holds them (its data archive, read by dpkg-deb and tar; entries with or without `./`). */
const packed = (path) =>
  execFileSync('tar', ['--extract', '--to-stdout', '--wildcards', `*${path.slice(1)}`], {
    input: execFileSync('dpkg-deb', ['--fsys-tarfile', deb], { maxBuffer: 1 << 30 }),
    maxBuffer: 1 << 30,
  });

/** The files the installed package owns, from dpkg's own records. */
function installedFiles() {
  const status = execFileSync('dpkg-query', ['--show', '--showformat=${Status} ${Version}', PACKAGE]).toString();
  assert.match(status, /^install ok installed /, `the package is installed: ${status}`);
  assert.equal(status.split(' ').pop(), dpkgField('Version', deb), 'the installed version is the one just built');
  return execFileSync('dpkg-query', ['--listfiles', PACKAGE]).toString().split('\n').filter(Boolean);
}

test('the package installs the binary it holds, a desktop entry that starts it, and the icons', () => {
  assert.equal(dpkgField('Package', deb), PACKAGE);
  const depends = dpkgField('Depends', deb);
  assert.match(depends, /libwebkit2gtk-4\.1-0/, `the package depends on the WebKitGTK it links: ${depends}`);

  const files = installedFiles();
  const binary = `/usr/bin/${PACKAGE}`;
  assert.ok(files.includes(binary), `the package installs ${binary}: ${files.join(', ')}`);
  assert.equal(sha256(readFileSync(binary)), sha256(packed(binary)), 'the installed binary is the one the new .deb holds');

  // The desktop entry is named after the binary, as the window's WM class is, so the shell matches the two.
  const desktop = `/usr/share/applications/${PACKAGE}.desktop`;
  assert.ok(files.includes(desktop), `the package installs ${desktop}: ${files.join(', ')}`);
  const validated = spawnSync('desktop-file-validate', [desktop], { encoding: 'utf8' });
  assert.equal(validated.status, 0, `desktop-file-validate accepts the entry:\n${validated.stdout}${validated.stderr}`);
  assert.equal(validated.stdout.trim(), '', `desktop-file-validate has nothing to say about the entry`);
  const entry = readFileSync(desktop, 'utf8');
  assert.match(entry, /^Name=Partner Workbench$/m);
  assert.match(entry, new RegExp(`^Exec=${PACKAGE}\\b`, 'm'), `the entry starts the app:\n${entry}`);
  const icon = entry.match(/^Icon=(.+)$/m)?.[1];
  assert.ok(icon, 'the entry names an icon');
  assert.ok(
    files.some((f) => f.startsWith('/usr/share/icons/') && f.endsWith(`/${icon}.png`) && existsSync(f)),
    `the icon ${icon} is installed under /usr/share/icons`,
  );
});

test('the package carries an AppStream entry that appstreamcli validates and that names the desktop entry', () => {
  const files = installedFiles();
  const metainfo = '/usr/share/metainfo/com.partnerworkbench.desktop.metainfo.xml';
  assert.ok(files.includes(metainfo), `the package installs ${metainfo}`);
  const run = spawnSync('appstreamcli', ['validate', '--no-net', metainfo], { encoding: 'utf8' });
  assert.equal(run.status, 0, `appstreamcli validate:\n${run.stdout}${run.stderr}`);
  assert.doesNotMatch(run.stdout, /^[EW]: /m, `no error or warning:\n${run.stdout}`);
  const xml = readFileSync(metainfo, 'utf8');
  const launchable = xml.match(/<launchable type="desktop-id">([^<]+)<\/launchable>/)?.[1];
  assert.ok(launchable && files.includes(`/usr/share/applications/${launchable}`), `it launches ${launchable}`);
  assert.match(xml, /<binary>pwb<\/binary>/, 'it says the package provides pwb');
  assert.equal(xml.match(/<url type="homepage">([^<]+)</)?.[1], dpkgField('Homepage', deb), 'one homepage');
});

test('the .rpm, built by the same bundler, holds the same files with the same description', () => {
  const query = (...args) => execFileSync('rpm', ['-qp', ...args, rpm], { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(query('--queryformat', '%{NAME} %{VERSION}'), `${PACKAGE} ${dpkgField('Version', deb)}`);
  assert.equal(query('--queryformat', '%{URL}'), dpkgField('Homepage', deb));
  const lines = (text) => text.split('\n').map((line) => line.trim()).filter((line) => line && line !== '.');
  assert.deepEqual(
    lines(query('--queryformat', '%{DESCRIPTION}')).join(' '),
    lines(dpkgField('Description', deb)).slice(1).join(' '),
    'the long description',
  );
  const requires = query('--requires');
  assert.match(requires, /webkit2gtk4\.1/, `the .rpm requires the WebKitGTK it links: ${requires}`);

  // Files, not folders: a .deb lists its folders, an .rpm only what it holds. The changelog is compressed in the
  // .deb (Debian policy) and plain in the .rpm (rpm compresses the whole payload).
  const debFiles = execFileSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8', maxBuffer: 1 << 24 })
    .split('\n')
    .filter((line) => line.startsWith('-'))
    .map((line) => line.split(/\s+/).slice(5).join(' ').replace(/^\.?\/?/, '/').replace(/changelog\.gz$/, 'changelog'));
  const rpmFiles = lines(query('--list'));
  assert.deepEqual([...rpmFiles].sort(), [...debFiles].sort(), 'the .rpm and the .deb install the same files');
  // The bundler marks the app's own binary with the kind of package it went into (for Tauri's updater), so only
  // the two binaries staged beside it are byte for byte the same.
  const digests = Object.fromEntries(
    lines(query('--queryformat', '[%{FILENAMES} %{FILEDIGESTS}\n]')).map((line) => line.split(' ')),
  );
  for (const binary of ['/usr/bin/pwb', '/usr/bin/partner-sandbox']) {
    assert.equal(digests[binary], sha256(packed(binary)), `the .rpm's ${binary} is the .deb's`);
  }
});

test("the package carries pwb and the sandbox, their manual pages and pwb's shell completions", () => {
  const files = installedFiles();
  const description = dpkgField('Description', deb);
  const lines = description.split('\n');
  assert.ok(lines.length > 2 && !description.includes('(none)'), `a long description:\n${description}`);
  assert.ok(lines.every((line) => line.length <= 80), `its lines fit 80 columns (Debian policy):\n${description}`);
  assert.match(dpkgField('Maintainer', deb), /^[^<>]+ <[^@\s]+@[^@\s>]+>$/, 'a Maintainer with a name and an address');
  assert.match(dpkgField('Homepage', deb), /^https:\/\//, 'a homepage');
  assert.ok(files.includes('/usr/share/doc/partner-workbench/copyright'), 'a copyright file');

  for (const binary of ['/usr/bin/pwb', '/usr/bin/partner-sandbox']) {
    assert.ok(files.includes(binary), `the package installs ${binary}`);
    assert.equal(sha256(readFileSync(binary)), sha256(packed(binary)), `the installed ${binary} is the new .deb's`);
    const version = execFileSync(binary, ['--version']).toString();
    assert.match(version, /\d+\.\d+\.\d+/, `${binary} --version: ${version}`);
  }
  assert.match(execFileSync('/usr/bin/pwb', ['--help']).toString(), /Usage: pwb/);

  // A manual page for each program (and each pwb command), where man finds them.
  for (const page of ['pwb', 'pwb-validate', 'partner-sandbox', 'partner-workbench']) {
    const found = execFileSync('man', ['-w', page]).toString().trim();
    assert.ok(found.startsWith('/usr/share/man/man1/') && files.includes(found), `man -w ${page}: ${found}`);
  }

  // bash completes `pwb ap` to `apps`, from the script the package installed.
  const script = '/usr/share/bash-completion/completions/pwb';
  assert.ok(files.includes(script), 'the bash completion');
  const completed = execFileSync('bash', [
    '-c',
    `source ${script}; COMP_WORDS=(pwb ap); COMP_CWORD=1; COMP_LINE='pwb ap'; COMP_POINT=6; _pwb pwb ap pwb; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ])
    .toString()
    .split('\n')
    .filter(Boolean);
  assert.deepEqual(completed, ['apps'], 'pwb ap completes to apps');
  for (const other of ['/usr/share/zsh/vendor-completions/_pwb', '/usr/share/fish/vendor_completions.d/pwb.fish']) {
    assert.ok(files.includes(other), `the package installs ${other}`);
  }
});

test('lintian finds no error in the package, and its libc dependency covers what the binaries need', () => {
  const run = spawnSync('lintian', ['--tag-display-limit', '0', deb], { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.ok(run.status !== null, `lintian ran: ${run.error ?? run.stderr}`);
  const errors = run.stdout.split('\n').filter((line) => line.startsWith('E:'));
  assert.deepEqual(errors, [], `lintian's errors:\n${run.stdout}`);

  const needs = dpkgField('Depends', deb).match(/libc6 \(>= ([\d.]+)\)/)?.[1];
  assert.ok(needs, `the package depends on a libc6 version: ${dpkgField('Depends', deb)}`);
  const version = (text) => text.split('.').map(Number);
  const newer = (a, b) => {
    const [x, y] = [version(a), version(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
    return false;
  };
  for (const binary of [`/usr/bin/${PACKAGE}`, '/usr/bin/pwb', '/usr/bin/partner-sandbox']) {
    const symbols = execFileSync('objdump', ['-T', binary], { maxBuffer: 1 << 26 }).toString();
    const used = [...symbols.matchAll(/GLIBC_([\d.]+)/g)].map((m) => m[1]);
    const newest = used.reduce((a, b) => (newer(b, a) ? b : a), '0');
    assert.ok(!newer(newest, needs), `${binary} needs glibc ${newest}, the package depends on ${needs}`);
  }
});

test('the installed app starts its embedded sandbox and shows the demo apps', async () => {
  const env = { PWB_DATA_DIR: dataDir, PWB_SERVER: '', PWB_PROFILE: '' };
  const driver = await startDriver(env);
  const session = await openSession(driver.url, `/usr/bin/${PACKAGE}`);
  try {
    // The data folder is new, so its cache is empty: the apps can only come from the first sync with the sandbox.
    const names = await session.waitFor(
      `const names = Array.from(document.querySelectorAll('[data-testid="app-name"]'), (n) => n.textContent.trim());
       return names.length >= 3 && names;`,
      'the demo apps from the embedded sandbox',
      60_000,
    );
    await session.waitFor(
      `const el = document.querySelector('[data-testid="sync-indicator"]');
       return el !== null && el.getAttribute('data-state') === 'idle';`,
      'the first sync to finish',
    );
    assert.ok(names.includes('Acme CRM Connector'), `the demo apps are listed: ${names.join(', ')}`);
    const title = await session.execute('return document.title;');
    assert.match(title, /Partner Workbench/);
  } finally {
    await session.close();
    await driver.stop();
  }
});
