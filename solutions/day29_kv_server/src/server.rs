//! The TCP side: accept connections, turn bytes into commands and replies back into bytes.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::db::{Db, command_args};
use crate::resp::{Frame, parse_frame};

/// Accepts connections forever, serving each one in its own task.
pub async fn serve(listener: TcpListener, db: Db) -> io::Result<()> {
    loop {
        let (socket, peer) = listener.accept().await?;
        let db = db.clone();
        tokio::spawn(async move {
            if let Err(error) = handle_connection(socket, db).await {
                eprintln!("connection from {peer} failed: {error}");
            }
        });
    }
}

/// Serves one client until it hangs up: every complete command in the buffer is executed and
/// answered, in order, then more bytes are read.
pub async fn handle_connection(mut socket: TcpStream, db: Db) -> io::Result<()> {
    let mut buffer: Vec<u8> = Vec::with_capacity(4096);
    let mut replies: Vec<u8> = Vec::new();
    loop {
        // A single read may hold several pipelined commands, or half of one.
        loop {
            match parse_frame(&buffer) {
                Ok(Some((frame, used))) => {
                    buffer.drain(..used);
                    let reply = match command_args(frame) {
                        Some(args) => db.execute(&args),
                        None => Frame::Error(
                            "ERR protocol error: send commands as arrays of bulk strings".into(),
                        ),
                    };
                    replies.extend_from_slice(&reply.to_bytes());
                }
                Ok(None) => break,
                Err(error) => {
                    // We cannot tell where the next command would start: answer and hang up.
                    replies.extend_from_slice(&Frame::Error(format!("ERR {error}")).to_bytes());
                    socket.write_all(&replies).await?;
                    return Ok(());
                }
            }
        }
        if !replies.is_empty() {
            socket.write_all(&replies).await?;
            replies.clear();
        }
        if socket.read_buf(&mut buffer).await? == 0 {
            return Ok(());
        }
    }
}
