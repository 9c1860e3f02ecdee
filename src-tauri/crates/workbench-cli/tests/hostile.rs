//! A hostile server (issue 15, "bounds against the server"): a proxy on 127.0.0.1 in front of a
//! real sandbox that first serves honestly (so a first `pwb sync` fills a real cache), then
//! misbehaves in one way: a change feed whose cursor never moves, a feed that never ends, a
//! collection whose `_links.next` never ends (a new URL each time), a reply that never ends, one
//! that drips a byte every 2 s, a huge JSON reply, and a token endpoint answering a huge body.
//!
//! For each, the real `pwb` binary runs as a child process against it and must end by itself
//! within [`TIME_BOUND`], with a peak resident memory (the child's `ru_maxrss`, from `wait4`)
//! under [`MEMORY_BOUND`], exit code 5 and a message naming the server's fault; and the cache
//! files (the SQLite database and its WAL) must be byte-for-byte what they were before.
//!
//! Every hostile reply stops by itself (when the client hangs up, or after a safety limit), and
//! everything listens on 127.0.0.1 only. The drip test is the slow one: about
//! `REPLY_DEADLINE` (30 s); the others take a few seconds each.

// `wait4` and its `ru_maxrss` are how the peak memory of each run is measured.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::response::Response;
use futures_util::{StreamExt as _, stream};
use partner_api::oauth::paths as oauth_paths;
use partner_sandbox::{Config, ReviewMode, Sandbox};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The longest a `pwb` run against a hostile server may take. A safety bound, not a speed test:
/// the slowest case (the drip) ends at the client's reply deadline, 30 s.
const TIME_BOUND: Duration = Duration::from_secs(90);
/// The most resident memory a `pwb` run against a hostile server may reach at its peak.
const MEMORY_BOUND_KIB: u64 = 200 * 1024;
/// `pwb`'s exit code for "the server answered with an error or a reply that cannot be read".
const SERVER: i32 = 5;
/// A hostile reply that nobody hangs up on still stops after this long.
const SAFETY_STOP: Duration = Duration::from_secs(120);

/// How the proxy answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Forwards everything to the sandbox (the OAuth metadata rewritten to name the proxy).
    Honest,
    /// `GET /changes` answers a full page whose `next_cursor` is always the same.
    FeedCursorStuck,
    /// `GET /changes` answers full pages with a new `next_cursor` each time, forever.
    FeedEndless,
    /// `GET /changes` names an app as new; its versions collection has a `next` link to a new
    /// URL on every page, forever (each page with the app's real versions).
    EndlessNext,
    /// `GET /changes` answers 200 and a body that never ends, as fast as it can.
    EndlessBody,
    /// `GET /changes` answers 200 and then one byte every 2 s.
    Drip,
    /// `GET /changes` answers 96 MiB of valid JSON, with an honest `Content-Length`.
    HugeJson,
    /// The token endpoint answers 200 and a body that never ends.
    HugeToken,
}

struct ProxyState {
    target: String,
    base_url: String,
    http: reqwest::Client,
    mode: Mutex<Mode>,
    /// Hostile pages served, for the messages.
    served: AtomicUsize,
    /// The app the endless collection belongs to, and one real page of its versions.
    endless_app: Mutex<Option<(String, Value)>>,
}

/// The sandbox, the proxy in front of it, and a data folder for `pwb`.
struct Scene {
    runtime: tokio::runtime::Runtime,
    sandbox: Option<Sandbox>,
    proxy: Arc<ProxyState>,
    task: tokio::task::JoinHandle<()>,
    token: String,
    data: tempfile::TempDir,
    _sandbox_dir: tempfile::TempDir,
}

impl Scene {
    /// A demo sandbox (reviews wait, device codes polled every second), an honest proxy, and a
    /// cache filled through the proxy by a first `pwb sync`.
    fn synced() -> Scene {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the servers");
        let sandbox_dir = tempfile::tempdir().expect("a folder for the sandbox");
        let mut config = Config::new(sandbox_dir.path());
        config.review = ReviewMode::Manual;
        config.oauth.device_interval = Duration::from_secs(1);
        let sandbox = runtime
            .block_on(Sandbox::start(
                config,
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            ))
            .expect("the sandbox starts on a free loopback port");
        let token = sandbox
            .issue_token(&[])
            .expect("the sandbox issues a token in-process")
            .access_token;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .expect("a free loopback port for the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let proxy = Arc::new(ProxyState {
            target: sandbox.base_url().trim_end_matches('/').to_owned(),
            base_url: format!("http://{addr}"),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("an HTTP client"),
            mode: Mutex::new(Mode::Honest),
            served: AtomicUsize::new(0),
            endless_app: Mutex::new(None),
        });
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(proxy.clone());
        let task = runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let scene = Scene {
            runtime,
            sandbox: Some(sandbox),
            proxy,
            task,
            token,
            data: tempfile::tempdir().expect("a data folder for pwb"),
            _sandbox_dir: sandbox_dir,
        };
        let first = scene.run(scene.pwb(&["sync"]));
        assert_eq!(
            first.code, 0,
            "the first sync, through the honest proxy, fills the cache: {}",
            first.stderr
        );
        assert!(
            !scene.cache_files().is_empty(),
            "the first sync wrote a cache under {}",
            scene.data.path().display()
        );
        scene
    }

    fn set_mode(&self, mode: Mode) {
        if mode == Mode::EndlessNext {
            let page = self.runtime.block_on(self.first_versions_page());
            *self.proxy.endless_app.lock().expect("the proxy's state") = Some(page);
        }
        *self.proxy.mode.lock().expect("the proxy's state") = mode;
    }

    /// A demo app and the first page of its versions, straight from the sandbox.
    async fn first_versions_page(&self) -> (String, Value) {
        let get = |path: String| async move {
            self.proxy
                .http
                .get(format!("{}{path}", self.proxy.target))
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("the sandbox answers")
                .json::<Value>()
                .await
                .expect("JSON")
        };
        let apps = get("/apps".into()).await;
        let app = apps["_embedded"]["apps"][0]["id"]
            .as_str()
            .expect("the demo has an app")
            .to_owned();
        let page = get(partner_api::paths::versions(&app)).await;
        (app, page)
    }

    /// `pwb ARGS` with its data in this scene's folder, on the proxy by URL, with a token.
    fn pwb(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pwb"));
        command
            .args(args)
            .env("PWB_DATA_DIR", self.data.path())
            .env_remove("PWB_PROFILE")
            .env("PWB_SERVER", &self.proxy.base_url)
            .env("PWB_TOKEN", &self.token)
            .env("NO_COLOR", "1");
        command
    }

    /// The cache's files (the SQLite database and its WAL when there is one), each by checksum.
    fn cache_files(&self) -> BTreeMap<PathBuf, String> {
        let mut files = BTreeMap::new();
        let mut folders = vec![self.data.path().to_owned()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("the data folder lists") {
                let path = entry.expect("an entry").path();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if path.is_dir() {
                    folders.push(path);
                } else if name == workbench::CACHE_FILE
                    || name == format!("{}-wal", workbench::CACHE_FILE)
                {
                    let bytes = std::fs::read(&path).expect("a cache file reads");
                    files.insert(path, hex::encode(Sha256::digest(bytes)));
                }
            }
        }
        files
    }

    /// Whether a file named `name` is anywhere in the data folder.
    fn has_file(&self, name: &str) -> bool {
        let mut folders = vec![self.data.path().to_owned()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("the data folder lists") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.file_name().is_some_and(|n| n == name) {
                    return true;
                }
            }
        }
        false
    }

    /// Runs `command` as a child process and measures it.
    fn run(&self, command: Command) -> Run {
        run_measured(command)
    }

    /// Sets `mode`, runs `pwb ARGS` against it, and checks the run: it ended by itself within
    /// [`TIME_BOUND`], under [`MEMORY_BOUND_KIB`], with exit code 5, a message naming the
    /// server's fault and saying `why`, and the cache byte-for-byte as before.
    fn assert_stopped(&self, mode: Mode, args: &[&str], why: &str) -> Run {
        let before = self.cache_files();
        self.set_mode(mode);
        let run = self.run(self.pwb(args));
        let served = self.proxy.served.load(Ordering::Relaxed);
        eprintln!(
            "{mode:?}: `pwb {}` ended in {:.1} s, peak RSS {} MiB, exit {}, after {served} hostile replies: {}",
            args.join(" "),
            run.elapsed.as_secs_f64(),
            run.max_rss_kib / 1024,
            run.code,
            run.stderr.trim()
        );
        assert!(run.elapsed < TIME_BOUND, "{mode:?}: took {:?}", run.elapsed);
        assert!(
            run.max_rss_kib < MEMORY_BOUND_KIB,
            "{mode:?}: peak RSS {} KiB",
            run.max_rss_kib
        );
        assert_eq!(
            run.code, SERVER,
            "{mode:?}: exit code 5 (server error); stdout {} stderr {}",
            run.stdout, run.stderr
        );
        assert!(
            run.stderr.contains("the server misbehaved"),
            "{mode:?}: the message names the server's fault: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(why),
            "{mode:?}: the message says {why:?}: {}",
            run.stderr
        );
        assert_eq!(
            self.cache_files(),
            before,
            "{mode:?}: the cache files are byte-for-byte unchanged"
        );
        run
    }
}

impl Drop for Scene {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.stop());
        }
    }
}

/// How a child process ended.
#[derive(Debug)]
struct Run {
    code: i32,
    elapsed: Duration,
    /// Peak resident set size, KiB (`ru_maxrss` of `wait4`).
    max_rss_kib: u64,
    stdout: String,
    stderr: String,
}

/// Runs `command` with its output captured, reaps it with `wait4` for its peak memory, and kills
/// it (failing the test) if it has not ended by itself after [`TIME_BOUND`] and a margin.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by `wait4`, which also gives its peak memory"
)]
fn run_measured(mut command: Command) -> Run {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("pwb starts");
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain data; wait4 fills it in for our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits (without blocking) for our own child, with valid out-pointers.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4: {}", std::io::Error::last_os_error());
        if reaped == pid {
            break (status, usage);
        }
        if started.elapsed() > TIME_BOUND + Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "pwb did not end by itself within {TIME_BOUND:?}; killed. stderr so far: {}",
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -libc::WTERMSIG(status)
    };
    Run {
        code,
        elapsed,
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// The proxy: each request answered as the mode says, or forwarded to the sandbox.
async fn answer(
    axum::extract::State(state): axum::extract::State<Arc<ProxyState>>,
    request: axum::extract::Request,
) -> Response {
    let mode = *state.mode.lock().expect("the proxy's state");
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    // A full pull asks for the feed's end first; only a later sync's feed read is hostile.
    let feed_read = path == partner_api::CHANGES_PATH && !query.contains("cursor=latest");
    let hostile = |response: Response| {
        state.served.fetch_add(1, Ordering::Relaxed);
        response
    };
    match mode {
        Mode::FeedCursorStuck if feed_read => hostile(json_reply(&full_feed_page("stuck"))),
        Mode::FeedEndless if feed_read => {
            let n = state.served.load(Ordering::Relaxed);
            hostile(json_reply(&full_feed_page(&format!("endless-{n}"))))
        }
        Mode::EndlessNext if feed_read => {
            let (app, _) = endless_app(&state);
            hostile(json_reply(&json!({
                "changes": [{
                    "cursor": "after-app",
                    "kind": "app_registered",
                    "resource": {"type": "app", "id": app},
                }],
                "next_cursor": "after-app",
            })))
        }
        Mode::EndlessNext if path == partner_api::paths::versions(&endless_app(&state).0) => {
            let (app, mut page) = endless_app(&state);
            let n = state.served.fetch_add(1, Ordering::Relaxed);
            let next = format!("{}?page={}", partner_api::paths::versions(&app), n + 2);
            page["_links"]["next"] = json!({ "href": next });
            json_reply(&page)
        }
        Mode::EndlessBody if feed_read => hostile(endless_json()),
        Mode::Drip if feed_read => hostile(drip()),
        Mode::HugeJson if feed_read => hostile(huge_json(96 * 1024 * 1024)),
        Mode::HugeToken if path == oauth_paths::TOKEN => hostile(endless_json()),
        _ => forward(&state, request).await,
    }
}

fn endless_app(state: &ProxyState) -> (String, Value) {
    state
        .endless_app
        .lock()
        .expect("the proxy's state")
        .clone()
        .expect("set with the mode")
}

fn json_reply(value: &Value) -> Response {
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(value.to_string()))
        .expect("a response")
}

/// A change the client reads and does nothing with (an installation decided).
fn harmless_change(cursor: &str) -> Value {
    json!({
        "cursor": cursor,
        "kind": "installation_decided",
        "resource": {"type": "installation", "id": "inst-hostile"},
    })
}

/// A full page of the feed (so the client asks for more) that says to go on from `next`.
fn full_feed_page(next: &str) -> Value {
    let changes: Vec<Value> = (0..partner_api::MAX_CHANGES_PER_PAGE)
        .map(|i| harmless_change(&format!("{next}-{i}")))
        .collect();
    json!({ "changes": changes, "next_cursor": next })
}

/// 200 `application/json`, a body that starts like a feed page and never ends (until the
/// client hangs up, or [`SAFETY_STOP`]).
fn endless_json() -> Response {
    let filler = Bytes::from(format!("{},", harmless_change("endless")).repeat(512));
    let started = Instant::now();
    let chunks = stream::iter(std::iter::once(Bytes::from_static(b"{\"changes\":[")))
        .chain(
            stream::repeat(filler)
                .take_while(move |_| std::future::ready(started.elapsed() < SAFETY_STOP)),
        )
        .map(Ok::<_, std::io::Error>);
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from_stream(chunks))
        .expect("a response")
}

/// 200 `application/json`, then one byte every 2 s (60 bytes at most, so it stops after two
/// minutes whatever the client does).
fn drip() -> Response {
    let chunks = stream::unfold(0u32, |sent| async move {
        if sent >= 60 {
            return None;
        }
        if sent > 0 {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        let byte = if sent == 0 { "{" } else { " " };
        Some((Ok::<_, std::io::Error>(Bytes::from(byte)), sent + 1))
    });
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from_stream(chunks))
        .expect("a response")
}

/// 200 `application/json` of exactly `len` bytes, with that `Content-Length`: a valid feed page
/// whose `next_cursor` is one huge string.
fn huge_json(len: usize) -> Response {
    let head = b"{\"changes\":[],\"next_cursor\":\"";
    let tail = b"\"}";
    let mut left = len - head.len() - tail.len();
    let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
    let middle = stream::iter(std::iter::from_fn(move || {
        (left > 0).then(|| {
            let n = left.min(chunk.len());
            left -= n;
            chunk.slice(..n)
        })
    }));
    let chunks = stream::iter([Bytes::from_static(head)])
        .chain(middle)
        .chain(stream::iter([Bytes::from_static(tail)]))
        .map(Ok::<_, std::io::Error>);
    Response::builder()
        .header("content-type", "application/json")
        .header("content-length", len)
        .body(Body::from_stream(chunks))
        .expect("a response")
}

/// Forwards `request` to the sandbox as it is; the OAuth metadata comes back naming the proxy,
/// so the sign-in's requests come here too.
async fn forward(state: &ProxyState, request: axum::extract::Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .expect("the request body reads");
    let mut upstream = state
        .http
        .request(parts.method.clone(), format!("{}{path}", state.target))
        .body(body);
    for (name, value) in &parts.headers {
        if name != reqwest::header::HOST {
            upstream = upstream.header(name, value);
        }
    }
    let reply = upstream.send().await.expect("the sandbox answers");
    let mut response = Response::builder().status(reply.status());
    for (name, value) in reply.headers() {
        if name != reqwest::header::CONTENT_LENGTH && name != reqwest::header::TRANSFER_ENCODING {
            response = response.header(name, value);
        }
    }
    let mut bytes = reply.bytes().await.expect("the sandbox's reply reads");
    if parts.uri.path() == oauth_paths::METADATA {
        let text = String::from_utf8_lossy(&bytes).replace(&state.target, &state.base_url);
        bytes = Bytes::from(text);
    }
    response.body(Body::from(bytes)).expect("a response")
}

#[test]
fn a_feed_whose_cursor_never_moves_is_stopped() {
    let scene = Scene::synced();
    scene.assert_stopped(Mode::FeedCursorStuck, &["sync"], "goes round in a circle");
}

#[test]
fn a_feed_that_never_ends_is_stopped_at_its_cap() {
    let scene = Scene::synced();
    scene.assert_stopped(Mode::FeedEndless, &["sync"], "the change feed");
}

#[test]
fn a_collection_whose_next_link_never_ends_is_stopped_at_its_cap() {
    let scene = Scene::synced();
    scene.assert_stopped(
        Mode::EndlessNext,
        &["sync"],
        "the collection's next links did not end",
    );
}

#[test]
fn a_reply_that_never_ends_is_cut_at_its_size_cap() {
    let scene = Scene::synced();
    scene.assert_stopped(Mode::EndlessBody, &["sync"], "the reply is larger than");
}

#[test]
fn a_huge_json_reply_is_refused() {
    let scene = Scene::synced();
    scene.assert_stopped(Mode::HugeJson, &["sync"], "the reply is larger than");
}

#[test]
fn a_reply_that_drips_is_cut_at_its_deadline() {
    let scene = Scene::synced();
    let run = scene.assert_stopped(Mode::Drip, &["sync"], "did not arrive whole within");
    assert!(
        run.elapsed >= workbench_remote::bounds::REPLY_DEADLINE,
        "cut by the reply's deadline, not by anything sooner: {:?}",
        run.elapsed
    );
}

#[test]
fn a_token_endpoint_that_answers_a_huge_body_stops_the_sign_in() {
    let scene = Scene::synced();
    let run = scene.assert_stopped(
        Mode::HugeToken,
        &["login", "--file-store"],
        "the reply is larger than",
    );
    assert!(run.stderr.contains(oauth_paths::TOKEN), "{}", run.stderr);
    assert!(
        !scene.has_file("tokens.json"),
        "nothing is kept of a sign-in that did not complete"
    );
}

#[test]
fn a_token_endpoint_that_answers_a_huge_body_stops_a_refresh() {
    let scene = Scene::synced();
    scene.set_mode(Mode::HugeToken);
    let started = Instant::now();
    let error = scene.runtime.block_on(async {
        let client = workbench_remote::PartnerClient::new(&scene.proxy.base_url)
            .expect("a client of the proxy");
        let auth = workbench_remote::auth::AuthServer::discover(&client)
            .await
            .expect("the metadata is served honestly");
        auth.refresh(&workbench_remote::SecretToken::new("pwb_rt_any"), 0)
            .await
            .expect_err("a refresh whose reply never ends fails")
    });
    assert!(started.elapsed() < TIME_BOUND, "{:?}", started.elapsed());
    match error {
        workbench_remote::auth::AuthError::Remote(remote) => {
            assert!(remote.is_misbehaving(), "{remote}");
            assert!(
                remote.to_string().contains("larger than 64 KiB"),
                "{remote}"
            );
        }
        other => panic!("the server's fault, not {other}"),
    }
}
