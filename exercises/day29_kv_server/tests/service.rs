//! Day 29 from the outside: `cargo run -p day29_kv_server` speaks RESP over TCP and keeps its
//! data in `DATA_DIR`, through a crash.

use backlings_support::{Server, server_binary};

/// A command as a RESP array of bulk strings, as redis-cli sends it.
fn command(words: &[&str]) -> Vec<u8> {
    let mut bytes = format!("*{}\r\n", words.len()).into_bytes();
    for word in words {
        bytes.extend_from_slice(format!("${}\r\n{word}\r\n", word.len()).as_bytes());
    }
    bytes
}

#[test]
fn the_program_answers_redis_commands_and_keeps_the_data_through_a_crash() {
    let mut server = Server::start(server_binary!());
    let mut conn = server.connect();
    conn.round_trip(&command(&["PING"]), b"+PONG\r\n")
        .round_trip(&command(&["SET", "city", "Oslo"]), b"+OK\r\n")
        .round_trip(&command(&["GET", "city"]), b"$4\r\nOslo\r\n")
        .round_trip(&command(&["GET", "nothing"]), b"$-1\r\n");
    drop(conn);

    // SIGKILL: no chance to flush anything. A write that was answered must be in the log.
    server.kill();
    server.start_again();
    server
        .connect()
        .round_trip(&command(&["GET", "city"]), b"$4\r\nOslo\r\n");
}
