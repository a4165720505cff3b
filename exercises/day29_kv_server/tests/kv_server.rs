//! What "done" means for day 29: RESP parsing and encoding, then a real server over TCP whose
//! data survives a restart. Time is a `ManualClock`, so expiry tests never sleep.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use day29_kv_server::{AOF_FILE, Db, Frame, ManualClock, parse_frame, serve};

const WAIT: Duration = Duration::from_secs(5);

/// Opens the database in `dir` and serves it on a free port.
async fn start(dir: &Path, clock: &Arc<ManualClock>) -> (SocketAddr, JoinHandle<()>) {
    let db = Db::open(dir, clock.clone()).expect("Db::open should open or create the log");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let _ = serve(listener, db).await;
    });
    (addr, server)
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(1_700_000_000_000))
}

/// A tiny RESP client, written independently of the code under test.
struct Client {
    stream: BufReader<TcpStream>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Client {
        let stream = timeout(WAIT, TcpStream::connect(addr))
            .await
            .expect("connecting timed out")
            .expect("connect to the server");
        Client {
            stream: BufReader::new(stream),
        }
    }

    /// Sends raw bytes, exactly as given.
    async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.get_mut().write_all(bytes).await.unwrap();
    }

    /// Sends a command as an array of bulk strings, like every Redis client does.
    async fn send(&mut self, parts: &[&str]) {
        self.send_raw(&encode_command(parts)).await;
    }

    /// Reads one reply and returns its raw text, e.g. "+OK\r\n" or "$3\r\nbar\r\n".
    async fn reply(&mut self) -> String {
        timeout(WAIT, self.read_reply())
            .await
            .expect("no complete reply within 5 s: does the server answer every command?")
    }

    async fn read_reply(&mut self) -> String {
        let mut line = Vec::new();
        let n = self.stream.read_until(b'\n', &mut line).await.unwrap();
        assert!(
            n > 0,
            "the server closed the connection instead of replying"
        );
        let mut text = String::from_utf8_lossy(&line).into_owned();
        // A bulk string's header line says how many bytes follow ("$-1" is null: none).
        let bulk_len = text
            .strip_prefix('$')
            .and_then(|rest| rest.trim_end().parse::<usize>().ok());
        if let Some(len) = bulk_len {
            let mut payload = vec![0; len + 2];
            self.stream.read_exact(&mut payload).await.unwrap();
            text.push_str(&String::from_utf8_lossy(&payload));
        }
        text
    }

    async fn call(&mut self, parts: &[&str]) -> String {
        self.send(parts).await;
        self.reply().await
    }
}

fn encode_command(parts: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", parts.len());
    for part in parts {
        out.push_str(&format!("${}\r\n{part}\r\n", part.len()));
    }
    out.into_bytes()
}

fn bulk(text: &str) -> Frame {
    Frame::Bulk(text.as_bytes().to_vec())
}

#[test]
fn parse_frame_reads_a_command_sent_as_an_array_of_bulk_strings() {
    let bytes = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$4\r\na\r\nb\r\n";
    let parsed = parse_frame(bytes).expect("valid RESP must parse");
    let expected = Frame::Array(vec![bulk("SET"), bulk("key"), bulk("a\r\nb")]);
    assert_eq!(
        parsed,
        Some((expected, bytes.len())),
        "a bulk string's length is counted, not searched for: `$4` means the next 4 bytes, \
         even if they contain \\r\\n; the second value is how many bytes the frame used"
    );

    let two = [&bytes[..], b"*1\r\n$4\r\nPING\r\n"].concat();
    let (_, used) = parse_frame(&two)
        .unwrap()
        .expect("the first frame is complete");
    assert_eq!(
        used,
        bytes.len(),
        "parse_frame must report only the bytes of the first frame, so the next one can follow"
    );
}

#[test]
fn parse_frame_waits_for_a_complete_frame_and_rejects_garbage() {
    let bytes = b"*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n";
    for cut in 0..bytes.len() {
        assert_eq!(
            parse_frame(&bytes[..cut]),
            Ok(None),
            "the first {cut} bytes are an unfinished frame: expected Ok(None) (\"read more\")"
        );
    }
    assert!(
        parse_frame(b"?what\r\n").is_err(),
        "`?` starts no RESP type: expected an Err"
    );
    assert!(
        parse_frame(b"$abc\r\n").is_err(),
        "`$abc` is not a length: expected an Err"
    );
}

#[test]
fn frames_encode_to_the_resp_wire_format() {
    let cases = [
        (Frame::Simple("OK".into()), "+OK\r\n"),
        (Frame::Error("ERR nope".into()), "-ERR nope\r\n"),
        (Frame::Integer(-3), ":-3\r\n"),
        (bulk("héllo"), "$6\r\nhéllo\r\n"),
        (Frame::Null, "$-1\r\n"),
        (
            Frame::Array(vec![bulk("GET"), Frame::Integer(1)]),
            "*2\r\n$3\r\nGET\r\n:1\r\n",
        ),
    ];
    for (frame, wire) in cases {
        assert_eq!(
            String::from_utf8_lossy(&frame.to_bytes()),
            wire,
            "{frame:?} should encode as {wire:?} (bulk lengths count bytes)"
        );
    }
}

#[tokio::test]
async fn ping_answers_pong_on_every_connection_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _server) = start(dir.path(), &clock()).await;
    let mut idle = Client::connect(addr).await;
    let mut busy = Client::connect(addr).await;
    assert_eq!(
        busy.call(&["PING"]).await,
        "+PONG\r\n",
        "PING gets +PONG, even while another client is connected and idle (one task per client)"
    );
    assert_eq!(
        idle.call(&["ping", "hi"]).await,
        "$2\r\nhi\r\n",
        "PING with an argument echoes it"
    );
}

#[tokio::test]
async fn set_then_get_returns_the_value_and_a_missing_key_is_null() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _server) = start(dir.path(), &clock()).await;
    let mut client = Client::connect(addr).await;
    assert_eq!(
        client.call(&["SET", "greeting", "hello world"]).await,
        "+OK\r\n"
    );
    assert_eq!(
        client.call(&["GET", "greeting"]).await,
        "$11\r\nhello world\r\n",
        "GET returns the stored value as a bulk string"
    );
    assert_eq!(
        client.call(&["set", "greeting", "bye"]).await,
        "+OK\r\n",
        "command names are case-insensitive"
    );
    assert_eq!(
        client.call(&["GET", "greeting"]).await,
        "$3\r\nbye\r\n",
        "SET overwrites"
    );
    assert_eq!(
        client.call(&["GET", "nobody"]).await,
        "$-1\r\n",
        "a missing key is the null bulk string"
    );
}

#[tokio::test]
async fn del_removes_keys_and_counts_how_many_existed() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _server) = start(dir.path(), &clock()).await;
    let mut client = Client::connect(addr).await;
    client.call(&["SET", "a", "1"]).await;
    client.call(&["SET", "b", "2"]).await;
    assert_eq!(
        client.call(&["DEL", "a", "b", "c"]).await,
        ":2\r\n",
        "DEL a b c removes two keys (c never existed) and answers with the integer 2"
    );
    assert_eq!(client.call(&["GET", "a"]).await, "$-1\r\n", "a was deleted");
    assert_eq!(
        client.call(&["DEL", "a"]).await,
        ":0\r\n",
        "deleting a missing key counts 0"
    );
}

#[tokio::test]
async fn unknown_commands_and_wrong_arity_get_an_error_and_the_connection_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _server) = start(dir.path(), &clock()).await;
    let mut client = Client::connect(addr).await;
    let unknown = client.call(&["FLY", "away"]).await;
    assert!(
        unknown.starts_with("-ERR"),
        "an unknown command gets an -ERR reply, got {unknown:?}"
    );
    let arity = client.call(&["GET"]).await;
    assert!(
        arity.starts_with("-ERR"),
        "GET without a key gets an -ERR reply, got {arity:?}"
    );
    let arity = client.call(&["SET", "only-a-key"]).await;
    assert!(
        arity.starts_with("-ERR"),
        "SET without a value gets an -ERR reply, got {arity:?}"
    );
    assert_eq!(
        client.call(&["PING"]).await,
        "+PONG\r\n",
        "after an error reply the connection keeps working"
    );
}

#[tokio::test]
async fn pipelined_and_split_commands_get_their_replies_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _server) = start(dir.path(), &clock()).await;
    let mut client = Client::connect(addr).await;

    let batch = [
        encode_command(&["SET", "k", "v1"]),
        encode_command(&["GET", "k"]),
        encode_command(&["SET", "k", "v2"]),
        encode_command(&["GET", "k"]),
    ]
    .concat();
    client.send_raw(&batch).await;
    let mut replies = Vec::new();
    for _ in 0..4 {
        replies.push(client.reply().await);
    }
    assert_eq!(
        replies,
        ["+OK\r\n", "$2\r\nv1\r\n", "+OK\r\n", "$2\r\nv2\r\n"],
        "four commands in one write get four replies, in order"
    );

    let command = encode_command(&["GET", "k"]);
    let (first, second) = command.split_at(7);
    client.send_raw(first).await;
    client.stream.get_mut().flush().await.unwrap();
    tokio::task::yield_now().await;
    client.send_raw(second).await;
    assert_eq!(
        client.reply().await,
        "$2\r\nv2\r\n",
        "a command that arrives in two pieces is answered once it is complete"
    );
}

#[tokio::test]
async fn expire_and_ttl_follow_the_injected_clock() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let (addr, _server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    client.call(&["SET", "session", "abc"]).await;
    assert_eq!(
        client.call(&["TTL", "session"]).await,
        ":-1\r\n",
        "TTL of a key without expiry is -1"
    );
    assert_eq!(
        client.call(&["EXPIRE", "session", "10"]).await,
        ":1\r\n",
        "EXPIRE on an existing key answers 1"
    );
    assert_eq!(
        client.call(&["EXPIRE", "ghost", "10"]).await,
        ":0\r\n",
        "EXPIRE on a missing key answers 0"
    );

    clock.advance(Duration::from_secs(4));
    assert_eq!(
        client.call(&["TTL", "session"]).await,
        ":6\r\n",
        "4 s after EXPIRE 10, TTL is 6"
    );
    assert_eq!(
        client.call(&["GET", "session"]).await,
        "$3\r\nabc\r\n",
        "not expired yet"
    );

    clock.advance(Duration::from_secs(6));
    assert_eq!(
        client.call(&["GET", "session"]).await,
        "$-1\r\n",
        "10 s after EXPIRE 10 (by the injected clock) the key is gone"
    );
    assert_eq!(
        client.call(&["TTL", "session"]).await,
        ":-2\r\n",
        "TTL of a missing key is -2"
    );
}

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let (addr, server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    client.call(&["SET", "kept", "yes"]).await;
    client.call(&["SET", "changed", "old"]).await;
    client.call(&["SET", "changed", "new"]).await;
    client.call(&["SET", "deleted", "soon"]).await;
    client.call(&["DEL", "deleted"]).await;
    server.abort();
    drop(client);

    let (addr, _server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    assert_eq!(
        client.call(&["GET", "kept"]).await,
        "$3\r\nyes\r\n",
        "a key SET before the restart is back after it: append writes to {AOF_FILE} and replay it in Db::open"
    );
    assert_eq!(
        client.call(&["GET", "changed"]).await,
        "$3\r\nnew\r\n",
        "replay keeps the last value"
    );
    assert_eq!(
        client.call(&["GET", "deleted"]).await,
        "$-1\r\n",
        "a DEL is replayed too"
    );
}

#[tokio::test]
async fn an_expiry_survives_a_restart_as_a_deadline_not_a_duration() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let (addr, server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    client.call(&["SET", "token", "t"]).await;
    client.call(&["EXPIRE", "token", "10"]).await;
    server.abort();
    drop(client);

    clock.advance(Duration::from_secs(6));
    let (addr, server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    assert_eq!(
        client.call(&["TTL", "token"]).await,
        ":4\r\n",
        "6 s after EXPIRE 10, 4 s are left, restart or not"
    );
    server.abort();
    drop(client);

    clock.advance(Duration::from_secs(5));
    let (addr, _server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    assert_eq!(
        client.call(&["GET", "token"]).await,
        "$-1\r\n",
        "11 s after EXPIRE 10 the key is gone: log the absolute deadline (PEXPIREAT), \
         not \"10 seconds from whenever the log is replayed\""
    );
}

#[tokio::test]
async fn a_torn_command_at_the_end_of_the_log_is_dropped_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let (addr, server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    client.call(&["SET", "before", "crash"]).await;
    server.abort();
    drop(client);

    // The process "died" in the middle of appending a command.
    let log = dir.path().join(AOF_FILE);
    let mut bytes = std::fs::read(&log).expect("the server should have written its log");
    bytes.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$4\r\nlost");
    std::fs::write(&log, bytes).unwrap();

    let (addr, server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    assert_eq!(
        client.call(&["GET", "before"]).await,
        "$5\r\ncrash\r\n",
        "complete commands are replayed"
    );
    assert_eq!(
        client.call(&["GET", "lost"]).await,
        "$-1\r\n",
        "the torn command is ignored"
    );
    client.call(&["SET", "after", "restart"]).await;
    server.abort();
    drop(client);

    let (addr, _server) = start(dir.path(), &clock).await;
    let mut client = Client::connect(addr).await;
    assert_eq!(
        client.call(&["GET", "after"]).await,
        "$7\r\nrestart\r\n",
        "a write made after recovering from a torn log must survive the next restart: \
         cut the torn bytes off the file (File::set_len) before appending after them"
    );
}
