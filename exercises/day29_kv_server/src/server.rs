//! The TCP side: accept connections, turn bytes into commands and replies back into bytes.

use std::io;

use tokio::net::{TcpListener, TcpStream};

use crate::db::Db;

/// Accepts connections forever, serving each one in its own task.
pub async fn serve(listener: TcpListener, db: Db) -> io::Result<()> {
    // TODO: loop { accept; clone the Db; `tokio::spawn` a task that runs `handle_connection`
    // and prints its error, if any }.
    let _ = (listener, db);
    todo!("accept connections")
}

/// Serves one client until it hangs up: every complete command in the buffer is executed and
/// answered, in order, then more bytes are read.
pub async fn handle_connection(socket: TcpStream, db: Db) -> io::Result<()> {
    // TODO: keep a `Vec<u8>` buffer. Loop: while `parse_frame(&buffer)` gives a frame, drain
    // its bytes, run it (`command_args` + `db.execute`, or an -ERR reply for a frame that is
    // not a command) and write the reply. Then `read_buf` more bytes (0 means the client hung
    // up). On a ProtocolError, write an -ERR reply and close the connection.
    let _ = (socket, db);
    todo!("serve one connection")
}
