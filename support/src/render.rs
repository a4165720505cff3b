//! What a failed expectation prints: the exchanges so far (each request as a `curl` command a
//! learner can paste, each response as it came), then the server's last output lines.

use std::sync::{Arc, Mutex};

use crate::escape::escape_bytes;
use crate::http::{NoResponse, Request, Response};
use crate::process::OutputLog;

/// A body is shown up to this many bytes.
const BODY_CAP: usize = 2048;
/// A failure shows at most this many exchanges, the failing one last.
const EXCHANGES_SHOWN: usize = 4;
/// A failure shows at most this many of the server's output lines.
const OUTPUT_LINES_SHOWN: usize = 20;

/// Everything a test said to one server and heard back, rendered as it happened.
pub(crate) struct Transcript {
    entries: Mutex<Vec<String>>,
    output: Arc<OutputLog>,
}

impl Transcript {
    pub(crate) fn new(output: Arc<OutputLog>) -> Transcript {
        Transcript {
            entries: Mutex::new(Vec::new()),
            output,
        }
    }

    /// Adds one rendered exchange; returns its index.
    pub(crate) fn record(&self, entry: String) -> usize {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.push(entry);
        entries.len() - 1
    }

    /// Replaces an entry (a raw connection's, which grows as bytes come and go).
    pub(crate) fn update(&self, index: usize, entry: String) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = entries.get_mut(index) {
            *slot = entry;
        }
    }

    /// The text a failed expectation panics with: `message`, the exchanges up to `index`, and
    /// the server's last output lines.
    pub(crate) fn failure(&self, message: &str, index: usize) -> String {
        self.output.settle();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let end = index.saturating_add(1).min(entries.len());
        let start = end.saturating_sub(EXCHANGES_SHOWN);
        let mut text = format!("{message}\n");
        if start > 0 {
            text.push_str(&format!(
                "\n({start} earlier exchange{} not shown)\n",
                if start == 1 { " is" } else { "s are" }
            ));
        }
        for entry in &entries[start..end] {
            text.push('\n');
            text.push_str(entry);
        }
        text.push_str(&self.output.tail_report(OUTPUT_LINES_SHOWN));
        text
    }
}

/// The exchange as a person would have seen it with curl: the command, then the response.
pub(crate) fn http_exchange(
    base_url: &str,
    request: &Request,
    outcome: &Result<Response, NoResponse>,
) -> String {
    let url = format!("{base_url}{}", request.target);
    let mut text = format!(
        "$ {}\n",
        curl_command(&request.method, &url, &request.headers, &request.body)
    );
    match outcome {
        Ok(response) => {
            text.push_str(&format!(
                "HTTP/1.1 {} {}\n",
                response.status, response.reason
            ));
            for (name, value) in &response.headers {
                text.push_str(&format!("{name}: {value}\n"));
            }
            text.push('\n');
            text.push_str(&body(&response.body));
        }
        Err(no) => {
            text.push_str(&format!("(no response: {})\n", no.why));
            if !no.received.is_empty() {
                text.push_str(&format!(
                    "received before that: {}\n",
                    capped_escape(&no.received)
                ));
            }
        }
    }
    text
}

/// A response still arriving: the command, the head, the body so far (its end, if long).
pub(crate) fn streaming_exchange(command: &str, head: &str, so_far: &[u8], ended: bool) -> String {
    let mut text = format!("$ {command}\n{head}\n");
    let skipped = so_far.len().saturating_sub(BODY_CAP);
    if skipped > 0 {
        text.push_str(&format!("... ({skipped} earlier bytes)\n"));
    }
    let tail = String::from_utf8_lossy(&so_far[skipped..]);
    text.push_str(&tail);
    if !tail.is_empty() && !tail.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(if ended {
        "(the response ended)\n"
    } else {
        "(the response is still open)\n"
    });
    text
}

/// A body for a transcript: text as it is, capped; bytes that are not text escaped.
fn body(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "(empty body)\n".to_string();
    }
    let shown = &bytes[..bytes.len().min(BODY_CAP)];
    let more = bytes.len() - shown.len();
    let mut text = match std::str::from_utf8(shown) {
        Ok(text) => text.to_string(),
        // The cap may cut a character in two: show the valid part as text.
        Err(e) if more > 0 && e.error_len().is_none() => {
            String::from_utf8_lossy(&shown[..e.valid_up_to()]).into_owned()
        }
        Err(_) => format!("(not UTF-8) {}", escape_bytes(shown)),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if more > 0 {
        text.push_str(&format!("... ({more} more bytes)\n"));
    }
    text
}

pub(crate) fn capped_escape(bytes: &[u8]) -> String {
    let shown = &bytes[..bytes.len().min(BODY_CAP)];
    let mut text = escape_bytes(shown);
    if shown.len() < bytes.len() {
        text.push_str(&format!(" ... ({} more bytes)", bytes.len() - shown.len()));
    }
    text
}

/// A `curl` command line that sends the same request: paste it into a shell (with the port
/// of your own `cargo run`) to see what the test saw.
pub fn curl_command(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> String {
    let mut words = vec!["curl".to_string(), "-i".to_string()];
    match method {
        "GET" => {}
        "HEAD" => words[1] = "-I".to_string(),
        "POST" if !body.is_empty() => {}
        _ => words.extend(["-X".to_string(), method.to_string()]),
    }
    // curl reads `[`, `]`, `{` and `}` in a URL as a glob unless told not to.
    if url.contains(['[', ']', '{', '}']) {
        words.push("-g".to_string());
    }
    // curl squashes `/../` and `/./` before sending, unless told not to.
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path.contains("/../")
        || path.contains("/./")
        || path.ends_with("/..")
        || path.ends_with("/.")
    {
        words.push("--path-as-is".to_string());
    }
    words.push(quote(url));
    for (name, value) in headers {
        words.push("-H".to_string());
        words.push(quote(&format!("{name}: {value}")));
    }
    let has = |wanted: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(wanted));
    if !body.is_empty() {
        // curl would label a body form data; the test sent none, so neither does the command.
        if !has("content-type") {
            words.push("-H".to_string());
            words.push(quote("Content-Type:"));
        }
        match std::str::from_utf8(body) {
            Ok(text) => {
                words.push("--data-raw".to_string());
                words.push(quote(text));
            }
            Err(_) => words.push(format!(
                "--data-binary @body.bin  # {} bytes that are not text: {}",
                body.len(),
                capped_escape(body)
            )),
        }
    }
    words.join(" ")
}

/// A word a POSIX shell reads back unchanged: as it is when it is plain, else single-quoted.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::{body, curl_command, http_exchange};
    use crate::http::{NoResponse, Request, Response};

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    /// (method, url, headers, body, the command).
    type Case = (
        &'static str,
        &'static str,
        Vec<(String, String)>,
        &'static [u8],
        &'static str,
    );

    #[test]
    fn curl_commands_send_the_same_request() {
        let json = headers(&[("Content-Type", "application/json")]);
        let cases: &[Case] = &[
            (
                "GET",
                "http://127.0.0.1:3005/health",
                vec![],
                b"",
                "curl -i http://127.0.0.1:3005/health",
            ),
            ("HEAD", "http://h/x", vec![], b"", "curl -I http://h/x"),
            (
                "GET",
                "http://h/links?limit=2&x=1",
                vec![],
                b"",
                "curl -i 'http://h/links?limit=2&x=1'",
            ),
            (
                "POST",
                "http://h/links",
                json.clone(),
                br#"{"url":"https://x"}"#,
                r#"curl -i http://h/links -H 'Content-Type: application/json' --data-raw '{"url":"https://x"}'"#,
            ),
            (
                "POST",
                "http://h/logout",
                vec![],
                b"",
                "curl -i -X POST http://h/logout",
            ),
            (
                "PUT",
                "http://h/t/1",
                headers(&[("If-Match", "\"v1\"")]),
                b"it's",
                r#"curl -i -X PUT http://h/t/1 -H 'If-Match: "v1"' -H Content-Type: --data-raw 'it'\''s'"#,
            ),
            (
                "DELETE",
                "http://h/t/1",
                vec![],
                b"",
                "curl -i -X DELETE http://h/t/1",
            ),
            (
                "GET",
                "http://h/q?a[0]=1",
                vec![],
                b"",
                "curl -i -g 'http://h/q?a[0]=1'",
            ),
            (
                "GET",
                "http://h/files/../secret.txt",
                vec![],
                b"",
                "curl -i --path-as-is http://h/files/../secret.txt",
            ),
            (
                "GET",
                "http://h/files/x?up=/../",
                vec![],
                b"",
                "curl -i 'http://h/files/x?up=/../'",
            ),
        ];
        for (method, url, headers, body, expected) in cases {
            assert_eq!(curl_command(method, url, headers, body), *expected);
        }
        let binary = curl_command("POST", "http://h/b", &[], &[0xff, 0x00]);
        assert!(
            binary.contains(r#"--data-binary @body.bin  # 2 bytes that are not text: "\xff\0""#),
            "{binary}"
        );
    }

    #[test]
    fn bodies_are_capped_and_bytes_escaped() {
        assert_eq!(body(b""), "(empty body)\n");
        assert_eq!(body(b"ok"), "ok\n");
        assert_eq!(body(b"\xff\xfe"), "(not UTF-8) \"\\xff\\xfe\"\n");
        let long = "é".repeat(2000);
        let shown = body(long.as_bytes());
        assert!(
            shown.ends_with("... (1952 more bytes)\n"),
            "{}",
            &shown[shown.len() - 60..]
        );
        assert!(shown.starts_with("ééé"));
    }

    #[test]
    fn an_exchange_reads_like_a_curl_session() {
        let request = Request::post("/links")
            .header("Content-Type", "application/json")
            .body("{}");
        let response = Response {
            status: 422,
            reason: "Unprocessable Entity".into(),
            headers: headers(&[
                ("content-type", "application/json"),
                ("content-length", "17"),
            ]),
            body: br#"{"error":"no url"}"#.to_vec(),
        };
        assert_eq!(
            http_exchange("http://127.0.0.1:9", &request, &Ok(response)),
            "$ curl -i http://127.0.0.1:9/links -H 'Content-Type: application/json' --data-raw '{}'\n\
             HTTP/1.1 422 Unprocessable Entity\n\
             content-type: application/json\n\
             content-length: 17\n\
             \n\
             {\"error\":\"no url\"}\n"
        );
        let none = NoResponse {
            why: "the server closed the connection in the middle of its response".into(),
            received: b"HTTP/1.1 200 OK\r\n".to_vec(),
        };
        assert_eq!(
            http_exchange("http://h", &Request::get("/"), &Err(none)),
            "$ curl -i http://h/\n\
             (no response: the server closed the connection in the middle of its response)\n\
             received before that: \"HTTP/1.1 200 OK\\r\\n\"\n"
        );
    }
}
