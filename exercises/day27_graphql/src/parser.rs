//! A recursive-descent parser for the GraphQL subset: one operation, fields with aliases and
//! arguments, nested selection sets, and variables. No fragments, directives or literals other
//! than ints, strings, booleans and null.

use crate::ast::{Document, Field, GraphQLError, InputValue};
// You will need `crate::ast::OperationKind` too.
use crate::lexer::{Token, tokenize};

/// Parses a whole request document.
pub fn parse(source: &str) -> Result<Document, GraphQLError> {
    let mut parser = Parser {
        tokens: tokenize(source)?,
        pos: 0,
    };
    let document = parser.document()?;
    if let Some(token) = parser.peek() {
        return Err(GraphQLError::new(format!(
            "unexpected {token:?} after the operation (only one operation per request)"
        )));
    }
    Ok(document)
}

/// The tokens and a cursor into them. Each grammar rule is one method that consumes exactly
/// the tokens of its rule.
struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    /// Consumes the punctuation `c` if it comes next.
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Token::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), GraphQLError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{c}`")))
        }
    }

    fn name(&mut self) -> Result<String, GraphQLError> {
        match self.peek() {
            Some(Token::Name(name)) => {
                let name = name.clone();
                self.pos += 1;
                Ok(name)
            }
            _ => Err(self.unexpected("a name")),
        }
    }

    /// An error naming what was expected and what was found.
    fn unexpected(&self, expected: &str) -> GraphQLError {
        match self.peek() {
            Some(Token::Spread) => GraphQLError::new("fragments (`...`) are not supported"),
            Some(token) => GraphQLError::new(format!("expected {expected}, found {token:?}")),
            None => GraphQLError::new(format!("expected {expected}, found the end of the query")),
        }
    }

    /// document := selection_set | ("query" | "mutation") name? variable_definitions? selection_set
    fn document(&mut self) -> Result<Document, GraphQLError> {
        // TODO: a `{` starts an anonymous query. A `query` or `mutation` name starts a named
        // operation: consume the keyword, an optional operation name, and, after an optional
        // `(`, the variable definitions (`skip_variable_definitions`). Anything else is an
        // error (`self.unexpected(..)`). Then parse the selection set.
        todo!("parse an operation")
    }

    /// `($id: ID!, $tags: [String!] = ...)` after its `(`: the types are for validation, which
    /// this subset leaves to the resolvers, so the definitions are checked for shape and skipped.
    fn skip_variable_definitions(&mut self) -> Result<(), GraphQLError> {
        // TODO: until `)`: `$`, a name, `:`, a type (`skip_type`), and optionally `=` and a
        // default value.
        todo!("skip the variable definitions")
    }

    /// type := name "!"? | "[" type "]" "!"?
    fn skip_type(&mut self) -> Result<(), GraphQLError> {
        if self.eat('[') {
            self.skip_type()?;
            self.expect(']')?;
        } else {
            self.name()?;
        }
        self.eat('!');
        Ok(())
    }

    /// selection_set := "{" field+ "}"
    fn selection_set(&mut self) -> Result<Vec<Field>, GraphQLError> {
        // TODO: `{`, then at least one field, then more fields until `}`.
        todo!("parse a selection set")
    }

    /// field := (alias ":")? name arguments? selection_set?
    fn field(&mut self) -> Result<Field, GraphQLError> {
        // TODO: a name; if `:` follows, that name was the alias and the real name comes next.
        // Then optional arguments (after `(`) and an optional selection set (if `{` is next).
        todo!("parse a field")
    }

    /// arguments := "(" (name ":" value)+ ")", called after the "(".
    fn arguments(&mut self) -> Result<Vec<(String, InputValue)>, GraphQLError> {
        // TODO: loop: a name, `:`, a value; stop after the `)`.
        todo!("parse arguments")
    }

    /// value := "$" name | int | string | "true" | "false" | "null"
    fn value(&mut self) -> Result<InputValue, GraphQLError> {
        // TODO: `$name` is a Variable; an Int or Str token is a literal; the names `true`,
        // `false` and `null` are Boolean and Null. Anything else: `self.unexpected("a value")`.
        todo!("parse a value")
    }
}
