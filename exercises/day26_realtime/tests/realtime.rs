//! What "done" means for day 26: a real server on a free port, real SSE streams read over HTTP.
//! Every read is bounded by a timeout; nothing sleeps.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::time::timeout;

use backlings_support::{Request, Streaming, server_binary};
use day26_realtime::{AppState, router};

const WAIT: Duration = Duration::from_secs(5);
/// Long enough that keep-alive comments never show up in tests that do not ask for them.
const QUIET: Duration = Duration::from_secs(60);

async fn start(state: Arc<AppState>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    url
}

async fn create(url: &str, title: &str, body: &str) -> Value {
    let response = timeout(
        WAIT,
        reqwest::Client::new()
            .post(format!("{url}/posts"))
            .json(&json!({ "title": title, "body": body }))
            .send(),
    )
    .await
    .expect("POST /posts did not answer within 5 s")
    .expect("POST /posts should get a response");
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "creating a post answers 201 Created"
    );
    response
        .json()
        .await
        .expect("POST /posts answers with the post as JSON")
}

/// One SSE event as the client sees it.
#[derive(Debug, Default, PartialEq)]
struct SseEvent {
    event: String,
    id: Option<String>,
    data: String,
}

/// A minimal SSE client, independent of the code under test.
struct Subscriber {
    response: reqwest::Response,
    buffer: String,
}

impl Subscriber {
    async fn connect(url: &str, last_event_id: Option<&str>) -> Subscriber {
        let mut request = reqwest::Client::new().get(format!("{url}/posts/events"));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = timeout(WAIT, request.send())
            .await
            .expect("GET /posts/events sent no response head within 5 s")
            .expect("GET /posts/events should get a response");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "the event stream answers 200"
        );
        Subscriber {
            response,
            buffer: String::new(),
        }
    }

    /// The next block of lines (events end with an empty line), without the empty line.
    async fn next_block(&mut self) -> String {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block = self.buffer[..end].to_string();
                self.buffer.drain(..end + 2);
                return block;
            }
            let chunk = timeout(WAIT, self.response.chunk())
                .await
                .expect("no event arrived within 5 s")
                .expect("the event stream broke")
                .expect("the server ended the event stream");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next event, skipping comment-only blocks (keep-alives).
    async fn next_event(&mut self) -> SseEvent {
        loop {
            let block = self.next_block().await;
            let mut event = SseEvent::default();
            let mut is_event = false;
            for line in block.lines() {
                if line.starts_with(':') {
                    continue;
                }
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value).to_string();
                is_event = true;
                match field {
                    "event" => event.event = value,
                    "id" => event.id = Some(value),
                    "data" => event.data = value,
                    _ => {}
                }
            }
            if is_event {
                return event;
            }
        }
    }

    /// The next event, which must be a `post` event; returns its data as JSON.
    async fn next_post(&mut self) -> Value {
        let event = self.next_event().await;
        assert_eq!(
            event.event, "post",
            "expected an `event: post` line, got {event:?}"
        );
        let data: Value = serde_json::from_str(&event.data)
            .unwrap_or_else(|_| panic!("the data line should be the post as JSON, got {event:?}"));
        assert_eq!(
            event.id.as_deref(),
            Some(data["id"].to_string().as_str()),
            "the event's `id:` is the post's id (so that Last-Event-ID can resume), got {event:?}"
        );
        data
    }
}

#[tokio::test]
async fn creating_a_post_answers_201_with_the_stored_post() {
    let url = start(AppState::new(16, QUIET)).await;
    let first = create(&url, "Hello", "First post").await;
    assert_eq!(
        first,
        json!({ "id": 1, "title": "Hello", "body": "First post" })
    );
    let second = create(&url, "Again", "Second post").await;
    assert_eq!(second["id"], 2, "ids count up from 1");
}

#[tokio::test]
async fn the_stream_is_text_event_stream_and_never_cached() {
    let url = start(AppState::new(16, QUIET)).await;
    let subscriber = Subscriber::connect(&url, None).await;
    let headers = subscriber.response.headers();
    assert_eq!(
        headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("text/event-stream"),
        "an SSE response has Content-Type: text/event-stream (axum's `Sse` sets it)"
    );
    assert_eq!(
        headers.get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-cache"),
        "an event stream must not be cached"
    );
}

/// Told to the program itself (`cargo run -p day26_realtime`): a subscriber that connected
/// first receives each new post as an event, as `curl -N` would print it.
#[test]
fn a_subscriber_receives_each_new_post_as_a_post_event() {
    let server = backlings_support::Server::start(server_binary!());
    let mut events = server.open(Request::get("/posts/events"));
    events
        .expect_status(200)
        .expect_header("content-type", "text/event-stream");
    for (id, title) in [(1, "One"), (2, "Two")] {
        let post = json!({ "title": title, "body": id.to_string() });
        server
            .send(Request::post("/posts").json(&post))
            .expect_status(201);
        let expected = SseEvent {
            event: "post".to_string(),
            id: Some(id.to_string()),
            data: json!({ "id": id, "title": title, "body": id.to_string() }).to_string(),
        };
        let got = next_event(&mut events);
        if got != expected {
            events.fail(format!(
                "a post created after connecting arrives as an event: expected {expected:?}, got {got:?}"
            ));
        }
    }
}

/// The next event on the stream, skipping comments (keep-alives); its data re-encoded from
/// JSON, so the order of the keys does not matter.
fn next_event(events: &mut Streaming) -> SseEvent {
    loop {
        let block = events.read_until("\n\n");
        let mut event = SseEvent::default();
        let mut is_event = false;
        for line in block
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with(':'))
        {
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value).to_string();
            is_event = true;
            match field {
                "event" => event.event = value,
                "id" => event.id = Some(value),
                "data" => {
                    event.data =
                        serde_json::from_str::<Value>(&value).map_or(value, |json| json.to_string())
                }
                _ => {}
            }
        }
        if is_event {
            return event;
        }
    }
}

#[tokio::test]
async fn every_subscriber_receives_every_post_in_order() {
    let url = start(AppState::new(16, QUIET)).await;
    let mut subscribers = Vec::new();
    for _ in 0..3 {
        subscribers.push(Subscriber::connect(&url, None).await);
    }
    for title in ["a", "b", "c"] {
        create(&url, title, "x").await;
    }
    for (n, subscriber) in subscribers.iter_mut().enumerate() {
        let mut titles = Vec::new();
        for _ in 0..3 {
            titles.push(
                subscriber.next_post().await["title"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        assert_eq!(
            titles,
            ["a", "b", "c"],
            "subscriber {n} should get every post, in order (fan-out)"
        );
    }
}

#[tokio::test]
async fn a_new_subscriber_gets_only_posts_published_after_it_connected() {
    let url = start(AppState::new(16, QUIET)).await;
    create(&url, "old", "x").await;
    let mut subscriber = Subscriber::connect(&url, None).await;
    create(&url, "new", "x").await;
    assert_eq!(
        subscriber.next_post().await["title"],
        "new",
        "without Last-Event-ID a subscriber starts with the posts published after it connected"
    );
}

#[tokio::test]
async fn reconnecting_with_last_event_id_replays_what_was_missed_then_goes_live() {
    let url = start(AppState::new(16, QUIET)).await;
    for title in ["p1", "p2", "p3"] {
        create(&url, title, "x").await;
    }
    let mut subscriber = Subscriber::connect(&url, Some("1")).await;
    assert_eq!(
        subscriber.next_post().await["title"],
        "p2",
        "Last-Event-ID: 1 replays the posts after 1"
    );
    assert_eq!(
        subscriber.next_post().await["title"],
        "p3",
        "then the next one"
    );
    create(&url, "p4", "x").await;
    assert_eq!(
        subscriber.next_post().await["title"],
        "p4",
        "after the replay the stream goes live, with nothing sent twice"
    );
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_is_told_how_many_posts_it_missed() {
    // Room for 2 unread posts per subscriber.
    let state = AppState::new(2, QUIET);
    let url = start(state.clone()).await;
    let mut subscriber = Subscriber::connect(&url, None).await;
    // Publish 10 posts without yielding: the server gets no chance to send any in between, so
    // the subscriber is 8 posts behind when its stream runs again.
    for n in 1..=10 {
        state.publish(&format!("post {n}"), "x");
    }
    let event = subscriber.next_event().await;
    assert_eq!(
        event.event, "lagged",
        "a subscriber that lagged gets an `event: lagged` first, got {event:?}"
    );
    let data: Value = serde_json::from_str(&event.data).expect("the lagged event's data is JSON");
    assert_eq!(
        data,
        json!({ "missed": 8 }),
        "it says how many posts were lost (RecvError::Lagged(8))"
    );
    assert_eq!(
        subscriber.next_post().await["id"],
        9,
        "then the stream goes on with the oldest post still buffered"
    );
    assert_eq!(subscriber.next_post().await["id"], 10);
}

#[tokio::test]
async fn idle_streams_get_keep_alive_comments() {
    let url = start(AppState::new(16, Duration::from_millis(50))).await;
    let mut subscriber = Subscriber::connect(&url, None).await;
    let block = subscriber.next_block().await;
    assert!(
        block.lines().all(|line| line.starts_with(':')),
        "with no posts, the stream sends a comment line (starting with `:`) every keep-alive \
         interval so proxies do not close it as idle; got {block:?}"
    );
}
