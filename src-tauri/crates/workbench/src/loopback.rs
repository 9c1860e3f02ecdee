//! The loopback redirect of a browser sign-in (RFC 8252 §7.3): one HTTP request on
//! 127.0.0.1, parsed with `httparse`, answered with a page that says to go back to the app.
//! Anything else that connects (a favicon request, a port scan) gets a 404 and is ignored, and
//! so is a callback whose `state` is not this sign-in's: any local process can connect to the
//! port, and one that could end the wait with a made-up reply could spoil or hijack a sign-in.
//! Only the caller's deadline ends the wait.

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

/// Waits for the browser to arrive at `/callback` with `state` and answers it.
pub async fn receive(listener: &TcpListener, state: &str) -> Result<Callback, AuthError> {
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
        if field("state").as_deref() != Some(state) {
            respond(
                &mut stream,
                "400 Bad Request",
                "This reply does not belong to the sign-in Partner Workbench is waiting for.",
            )
            .await;
            continue;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends one raw GET to the listener and reads the status line of its answer.
    async fn get(port: u16, target: &str) -> String {
        let mut stream = TcpStream::connect((std::net::Ipv4Addr::LOCALHOST, port))
            .await
            .unwrap();
        let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).await.unwrap();
        reply.lines().next().unwrap_or_default().to_owned()
    }

    #[tokio::test]
    async fn a_callback_with_another_state_is_refused_and_the_wait_goes_on() {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let waiting = tokio::spawn(async move { receive(&listener, "the-state").await });

        // Another local process: a code with the wrong state, an error with none, one with the
        // wrong state. None of them ends the wait.
        for target in [
            "/callback?code=stolen&state=forged",
            "/callback?error=access_denied",
            "/callback?error=access_denied&state=forged",
            "/callback?code=stolen",
        ] {
            let status = get(port, target).await;
            assert!(status.contains("400"), "{target}: {status}");
            assert!(!waiting.is_finished(), "{target} ended the wait");
        }

        // The browser with this sign-in's state does.
        let status = get(port, "/callback?code=real&state=the-state").await;
        assert!(status.contains("200"), "{status}");
        let callback = waiting.await.unwrap().expect("the real callback");
        assert_eq!(callback.code, "real");
        assert_eq!(callback.state, "the-state");
    }
}
