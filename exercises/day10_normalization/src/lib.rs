//! Day 10: normalization.
//!
//! A shop's order export repeats every fact on every line: the customer's name on each of their
//! orders, the product's name on each sale. Today you store the same data in third normal form,
//! where each fact lives in exactly one row, and rebuild the flat export with a join. Read
//! `README.md` first.

use rusqlite::Connection;

/// The normalized schema. The tests read and write these tables directly, so use these names:
///
/// - `customers`: `id` (integer primary key), `email` (unique), `name`, `city`;
/// - `products`: `sku` (text primary key), `name`;
/// - `orders`: `id` (the export's order id), `customer_id` (references `customers`),
///   `ordered_on`;
/// - `order_items`: `order_id` (references `orders`, deleted with it), `sku` (references
///   `products`), `quantity`, `unit_price_cents`; one line per order and product.
///
/// Every column is `NOT NULL`. Ask yourself for each fact: what does it depend on?
// TODO: write the four CREATE TABLE statements, with their keys and REFERENCES clauses.
pub const SCHEMA: &str = "";

/// One line of the flat export, exactly as the old system wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub order_id: i64,
    pub order_date: String,
    pub customer_email: String,
    pub customer_name: String,
    pub customer_city: String,
    pub sku: String,
    pub product_name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
}

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Row `row` (0-based) contradicts a fact given earlier (in this import or a previous one):
    /// another name for the same customer or product, another date or customer for the same
    /// order, or the same product twice in one order.
    #[error("row {row} contradicts earlier data: {reason}")]
    Inconsistent { row: usize, reason: String },
    /// Any other database error.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// The shop's database.
pub struct Shop {
    conn: Connection,
}

impl Shop {
    /// Opens a fresh in-memory database with foreign keys enforced and the schema created.
    pub fn open_in_memory() -> Result<Self, rusqlite::Error> {
        // TODO: a fresh in-memory database that enforces foreign keys, with `SCHEMA` created.
        todo!("open the database")
    }

    /// The underlying connection (the tests query the tables directly).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Imports export rows, all or nothing: one contradiction and no row is stored.
    ///
    /// A row contradicts the data before it (in this import or a previous one) when it gives a
    /// known customer another name or city, a known product another name, a known order another
    /// date or customer, or lists a product a second time in one order. The error is
    /// `ImportError::Inconsistent { row, reason }` with the 0-based index of the row in `rows`.
    pub fn import(&mut self, rows: &[ExportRow]) -> Result<(), ImportError> {
        // TODO: store every row's facts in their tables, all rows or none (see above).
        let _ = rows;
        todo!("import the rows in one transaction")
    }

    /// Rebuilds the flat export from the normalized tables, ordered by order id, then sku.
    pub fn export(&self) -> Result<Vec<ExportRow>, rusqlite::Error> {
        // TODO: one `ExportRow` per order line, in the order above.
        todo!("join the tables back into export rows")
    }

    /// The total of an order in cents (the sum of quantity × price over its lines), or `None`
    /// for an unknown order.
    pub fn order_total_cents(&self, order_id: i64) -> Result<Option<i64>, rusqlite::Error> {
        // TODO: the order's total, or `None` when the order does not exist.
        let _ = order_id;
        todo!("sum the order's lines")
    }

    /// Renames a customer: one row changes, and every order shows the new name.
    /// `Ok(false)` for an unknown email.
    pub fn rename_customer(&self, email: &str, new_name: &str) -> Result<bool, rusqlite::Error> {
        // TODO: rename the customer; say whether the email was known.
        let _ = (email, new_name);
        todo!("rename the customer")
    }
}
