//! The loopback redirect of a browser sign-in (RFC 8252 §7.3): one HTTP request on
//! 127.0.0.1, parsed with `httparse`, answered with a page that says to go back to the app.
//! Anything else that connects (a favicon request, a port scan) gets a 404 and is ignored.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;
use workbench_remote::auth::AuthError;

/// The largest request head read; a browser's redirect is far smaller.
const MAX_HEAD: usize = 16 * 1024;

/// What the authorization server sent back through the browser.
pub struct Callback {
    pub code: String,
    pub state: String,
}

/// Waits for the browser to arrive at `/callback` and answers it.
pub async fn receive(listener: &TcpListener) -> Result<Callback, AuthError> {
    loop {
        let mut stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A failed accept (out of file descriptors, say) is retried, but never in a busy loop.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(Ok(Some(target))) =
            tokio::time::timeout(Duration::from_secs(10), read_target(&mut stream)).await
        else {
            continue;
        };
        let Some(query) = callback_query(&target) else {
            respond(&mut stream, "404 Not Found", "Nothing here.").await;
            continue;
        };
        let field = |name: &str| {
            query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        if let Some(error) = field("error") {
            respond(
                &mut stream,
                "200 OK",
                "Sign-in was not completed. You can close this tab and go back to Partner Workbench.",
            )
            .await;
            return Err(if error == "access_denied" {
                AuthError::Denied
            } else {
                AuthError::Refused {
                    error,
                    description: field("error_description").unwrap_or_default(),
                }
            });
        }
        match (field("code"), field("state")) {
            (Some(code), Some(state)) => {
                respond(
                    &mut stream,
                    "200 OK",
                    "Signed in. You can close this tab and go back to Partner Workbench.",
                )
                .await;
                return Ok(Callback { code, state });
            }
            _ => {
                respond(
                    &mut stream,
                    "400 Bad Request",
                    "The sign-in reply is incomplete.",
                )
                .await
            }
        }
    }
}

/// The request target of a `GET`, once the whole head has arrived; `None` for anything else.
async fn read_target(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&chunk[..read]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&head) {
            Ok(httparse::Status::Complete(_)) => {
                return Ok(match (request.method, request.path) {
                    (Some("GET"), Some(path)) => Some(path.to_owned()),
                    _ => None,
                });
            }
            Ok(httparse::Status::Partial) if head.len() < MAX_HEAD => {}
            _ => return Ok(None),
        }
    }
}

/// The query pairs of a `/callback` target.
fn callback_query(target: &str) -> Option<Vec<(String, String)>> {
    let url = Url::parse(&format!("http://127.0.0.1{target}")).ok()?;
    (url.path() == "/callback").then(|| url.query_pairs().into_owned().collect())
}

async fn respond(stream: &mut TcpStream, status: &str, message: &str) {
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>Partner Workbench</title><p>{message}</p>"
    );
    let reply = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}
