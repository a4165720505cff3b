//! Turns query text into tokens. Whitespace, commas and `#` comments carry no meaning in
//! GraphQL, so they never become tokens.

use crate::ast::GraphQLError;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A name: `posts`, `query`, `true`, `authorId`...
    Name(String),
    Int(i64),
    /// A string literal, escapes already decoded.
    Str(String),
    /// One of `{ } ( ) : $ ! [ ] =`.
    Punct(char),
    /// `...`, the fragment spread, which this subset does not support.
    Spread,
}

/// Splits `source` into tokens.
pub fn tokenize(source: &str) -> Result<Vec<Token>, GraphQLError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            // Insignificant: whitespace, commas, a byte-order mark.
            c if c.is_whitespace() || c == ',' || c == '\u{feff}' => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '{' | '}' | '(' | ')' | ':' | '$' | '!' | '[' | ']' | '=' => {
                tokens.push(Token::Punct(c));
                i += 1;
            }
            '.' => {
                if chars[i..].starts_with(&['.', '.', '.']) {
                    tokens.push(Token::Spread);
                    i += 3;
                } else {
                    return Err(GraphQLError::new("unexpected `.`"));
                }
            }
            '"' => {
                let (text, next) = string(&chars, i + 1)?;
                tokens.push(Token::Str(text));
                i = next;
            }
            c if c == '-' || c.is_ascii_digit() => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                if i < chars.len() && matches!(chars[i], '.' | 'e' | 'E') {
                    return Err(GraphQLError::new("floats are not supported"));
                }
                let text: String = chars[start..i].iter().collect();
                let n = text
                    .parse()
                    .map_err(|_| GraphQLError::new(format!("invalid number `{text}`")))?;
                tokens.push(Token::Int(n));
            }
            c if c == '_' || c.is_ascii_alphabetic() => {
                let start = i;
                while i < chars.len() && (chars[i] == '_' || chars[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                tokens.push(Token::Name(chars[start..i].iter().collect()));
            }
            other => return Err(GraphQLError::new(format!("unexpected character `{other}`"))),
        }
    }
    Ok(tokens)
}

/// Reads a string literal whose opening quote is just before `i`; returns it and the index
/// after the closing quote.
fn string(chars: &[char], mut i: usize) -> Result<(String, usize), GraphQLError> {
    let mut text = String::new();
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(GraphQLError::new("unterminated string"));
        };
        i += 1;
        match c {
            '"' => return Ok((text, i)),
            '\n' => return Err(GraphQLError::new("unterminated string")),
            '\\' => {
                let escaped = match chars.get(i) {
                    Some('"') => '"',
                    Some('\\') => '\\',
                    Some('/') => '/',
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('r') => '\r',
                    _ => return Err(GraphQLError::new("unsupported escape in string")),
                };
                text.push(escaped);
                i += 1;
            }
            c => text.push(c),
        }
    }
}
