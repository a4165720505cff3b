//! The syntax tree of the GraphQL subset: one operation made of fields.

use std::fmt;

/// A parsed request document: one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub operation: OperationKind,
    /// The fields asked for at the top level.
    pub selection: Vec<Field>,
}

/// `query` (the default, also written as a bare `{ ... }`) or `mutation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    Mutation,
}

/// One field in a selection set: `alias: name(arg: value, ...) { sub-fields }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub alias: Option<String>,
    pub name: String,
    pub arguments: Vec<(String, InputValue)>,
    /// Empty for a scalar field such as `title`.
    pub selection: Vec<Field>,
}

impl Field {
    /// The key this field has in the response: its alias if it has one, else its name.
    pub fn response_key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// A value written in the query: a literal, or `$name` to be looked up in the variables.
#[derive(Debug, Clone, PartialEq)]
pub enum InputValue {
    Int(i64),
    String(String),
    Boolean(bool),
    Null,
    Variable(String),
}

/// What went wrong, as the client will read it in `"errors": [{"message": ...}]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphQLError {
    pub message: String,
}

impl GraphQLError {
    pub fn new(message: impl Into<String>) -> GraphQLError {
        GraphQLError {
            message: message.into(),
        }
    }
}

impl fmt::Display for GraphQLError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GraphQLError {}
