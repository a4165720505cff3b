//! Whether a loopback port is free, and who holds it when it is not (Linux: `/proc`).

use std::net::TcpListener;

/// Whether 127.0.0.1:`port` can be listened on now.
pub fn is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// Whether something listens on `port`, when the system can say without connecting (Linux:
/// `/proc/net/tcp`); a probe connection would show in the service's log as a request.
pub fn listening(port: u16) -> Option<bool> {
    let tables: Vec<String> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .collect();
    if tables.is_empty() {
        return None;
    }
    Some(tables.iter().any(|t| listening_inode(t, port).is_some()))
}

/// The process listening on `port`, as `pid 1234 (name)`, when the system says.
pub fn owner(port: u16) -> Option<String> {
    let inode = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .find_map(|table| listening_inode(&table, port))?;
    let target = format!("socket:[{inode}]");
    let procs = std::fs::read_dir("/proc").ok()?;
    procs.flatten().find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let fds = std::fs::read_dir(entry.path().join("fd")).ok()?;
        let holds = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|link| link.as_os_str() == target.as_str())
        });
        let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        holds.then(|| format!("pid {pid} ({})", name.trim()))
    })
}

/// The socket inode of the listener on `port` in a `/proc/net/tcp` table.
fn listening_inode(table: &str, port: u16) -> Option<String> {
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let local = fields.get(1)?;
        let (_, hex_port) = local.rsplit_once(':')?;
        let listening = fields.get(3) == Some(&"0A");
        (listening && u16::from_str_radix(hex_port, 16).ok()? == port)
            .then(|| fields.get(9).map(|inode| inode.to_string()))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0BBD 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 424242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0BBE 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 20 4 30 10 -1
";

    #[test]
    fn finds_the_listener_and_not_a_connection() {
        assert_eq!(listening_inode(TABLE, 3005).as_deref(), Some("424242"));
        assert_eq!(listening_inode(TABLE, 3006), None);
        assert_eq!(listening_inode(TABLE, 80), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn names_the_process_that_holds_a_port() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(!is_free(port));
        assert_eq!(listening(port), Some(true));
        let owner = owner(port).unwrap();
        assert!(
            owner.starts_with(&format!("pid {} ", std::process::id())),
            "{owner}"
        );
    }
}
