//! A recursive-descent parser for the GraphQL subset: one operation, fields with aliases and
//! arguments, nested selection sets, and variables. No fragments, directives or literals other
//! than ints, strings, booleans and null.

use crate::ast::{Document, Field, GraphQLError, InputValue, OperationKind};
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
        let operation = match self.peek() {
            Some(Token::Punct('{')) => OperationKind::Query,
            Some(Token::Name(keyword)) if keyword == "query" => OperationKind::Query,
            Some(Token::Name(keyword)) if keyword == "mutation" => OperationKind::Mutation,
            _ => return Err(self.unexpected("`{`, `query` or `mutation`")),
        };
        if matches!(self.peek(), Some(Token::Name(_))) {
            self.pos += 1; // the keyword
            if matches!(self.peek(), Some(Token::Name(_))) {
                self.pos += 1; // the operation's name, which we do not need
            }
            if self.eat('(') {
                self.skip_variable_definitions()?;
            }
        }
        let selection = self.selection_set()?;
        Ok(Document {
            operation,
            selection,
        })
    }

    /// `($id: ID!, $tags: [String!] = ...)` after its `(`: the types are for validation, which
    /// this subset leaves to the resolvers, so the definitions are checked for shape and skipped.
    fn skip_variable_definitions(&mut self) -> Result<(), GraphQLError> {
        while !self.eat(')') {
            self.expect('$')?;
            self.name()?;
            self.expect(':')?;
            self.skip_type()?;
            if self.eat('=') {
                self.value()?;
            }
        }
        Ok(())
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
        self.expect('{')?;
        let mut fields = vec![self.field()?];
        while !self.eat('}') {
            fields.push(self.field()?);
        }
        Ok(fields)
    }

    /// field := (alias ":")? name arguments? selection_set?
    fn field(&mut self) -> Result<Field, GraphQLError> {
        let first = self.name()?;
        let (alias, name) = if self.eat(':') {
            (Some(first), self.name()?)
        } else {
            (None, first)
        };
        let arguments = if self.eat('(') {
            self.arguments()?
        } else {
            Vec::new()
        };
        let selection = if self.peek() == Some(&Token::Punct('{')) {
            self.selection_set()?
        } else {
            Vec::new()
        };
        Ok(Field {
            alias,
            name,
            arguments,
            selection,
        })
    }

    /// arguments := "(" (name ":" value)+ ")", called after the "(".
    fn arguments(&mut self) -> Result<Vec<(String, InputValue)>, GraphQLError> {
        let mut arguments = Vec::new();
        loop {
            let name = self.name()?;
            self.expect(':')?;
            arguments.push((name, self.value()?));
            if self.eat(')') {
                return Ok(arguments);
            }
        }
    }

    /// value := "$" name | int | string | "true" | "false" | "null"
    fn value(&mut self) -> Result<InputValue, GraphQLError> {
        if self.eat('$') {
            return Ok(InputValue::Variable(self.name()?));
        }
        let value = match self.peek() {
            Some(Token::Int(n)) => InputValue::Int(*n),
            Some(Token::Str(text)) => InputValue::String(text.clone()),
            Some(Token::Name(name)) if name == "true" => InputValue::Boolean(true),
            Some(Token::Name(name)) if name == "false" => InputValue::Boolean(false),
            Some(Token::Name(name)) if name == "null" => InputValue::Null,
            _ => return Err(self.unexpected("a value")),
        };
        self.next();
        Ok(value)
    }
}
