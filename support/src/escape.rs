//! Bytes shown as text a person can read and compare: the raw TCP transcript and binary bodies.

use std::fmt::Write as _;

/// `bytes` as one line of text between double quotes, the way a Rust byte string is written:
/// printable ASCII as itself, `\r`, `\n`, `\t`, `\0`, `\\` and `\"` escaped, anything else as
/// `\xNN`. So `+OK\r\n` reads as `"+OK\r\n"` and a stray byte cannot hide.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &byte in bytes {
        match byte {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\0' => out.push_str("\\0"),
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            0x20..=0x7e => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::escape_bytes;

    #[test]
    fn escapes_what_would_hide_or_break_the_line() {
        let cases: &[(&[u8], &str)] = &[
            (b"", r#""""#),
            (b"+OK\r\n", r#""+OK\r\n""#),
            (b"*1\r\n$4\r\nPING\r\n", r#""*1\r\n$4\r\nPING\r\n""#),
            (b"tab\there", r#""tab\there""#),
            (b"nul\0", r#""nul\0""#),
            (b"back\\slash \"quoted\"", r#""back\\slash \"quoted\"""#),
            (b"\x7f\xff\x01", r#""\x7f\xff\x01""#),
            ("é".as_bytes(), r#""\xc3\xa9""#),
        ];
        for (bytes, expected) in cases {
            assert_eq!(escape_bytes(bytes), *expected, "{bytes:?}");
        }
    }
}
