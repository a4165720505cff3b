//! Day 10: normalization (solution).
//!
//! A shop's order export repeats every fact on every line: the customer's name on each of their
//! orders, the product's name on each sale. This crate stores the same data in third normal
//! form, where each fact lives in exactly one row, and rebuilds the flat export with a join.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// The normalized schema: one table per kind of thing, and every column depends on its
/// table's key, the whole key, and nothing but the key.
///
/// - a customer's name and city depend on the customer, not on the order;
/// - a product's name depends on the product;
/// - the price paid depends on the order *and* the product (prices change; an old order keeps
///   the price it was sold at), so it lives on the order line.
pub const SCHEMA: &str = "
CREATE TABLE customers (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    city  TEXT NOT NULL
);

CREATE TABLE products (
    sku  TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    ordered_on  TEXT NOT NULL
);

CREATE TABLE order_items (
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku              TEXT NOT NULL REFERENCES products (sku),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (order_id, sku)
);
";

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
        let conn = Connection::open_in_memory()?;
        // SQLite checks REFERENCES clauses only when asked to, once per connection.
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// The underlying connection (the tests query the tables directly).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Imports export rows, all or nothing: one contradiction and no row is stored.
    pub fn import(&mut self, rows: &[ExportRow]) -> Result<(), ImportError> {
        let tx = self.conn.transaction()?;
        for (index, row) in rows.iter().enumerate() {
            import_row(&tx, row).map_err(|error| match error {
                ImportError::Inconsistent { reason, .. } => {
                    ImportError::Inconsistent { row: index, reason }
                }
                other => other,
            })?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Rebuilds the flat export from the normalized tables, ordered by order id, then sku.
    pub fn export(&self) -> Result<Vec<ExportRow>, rusqlite::Error> {
        let mut statement = self.conn.prepare(
            "SELECT o.id, o.ordered_on, c.email, c.name, c.city,
                    p.sku, p.name, i.unit_price_cents, i.quantity
             FROM order_items i
             JOIN orders o    ON o.id = i.order_id
             JOIN customers c ON c.id = o.customer_id
             JOIN products p  ON p.sku = i.sku
             ORDER BY o.id, p.sku",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(ExportRow {
                order_id: row.get(0)?,
                order_date: row.get(1)?,
                customer_email: row.get(2)?,
                customer_name: row.get(3)?,
                customer_city: row.get(4)?,
                sku: row.get(5)?,
                product_name: row.get(6)?,
                unit_price_cents: row.get(7)?,
                quantity: row.get(8)?,
            })
        })?;
        rows.collect()
    }

    /// The total of an order in cents (the sum of quantity × price over its lines), or `None`
    /// for an unknown order.
    pub fn order_total_cents(&self, order_id: i64) -> Result<Option<i64>, rusqlite::Error> {
        // SUM over no rows is NULL, which `Option` reads as None.
        self.conn.query_row(
            "SELECT SUM(quantity * unit_price_cents) FROM order_items WHERE order_id = ?1",
            [order_id],
            |row| row.get(0),
        )
    }

    /// Renames a customer: one row changes, and every order shows the new name.
    /// `Ok(false)` for an unknown email.
    pub fn rename_customer(&self, email: &str, new_name: &str) -> Result<bool, rusqlite::Error> {
        let changed = self.conn.execute(
            "UPDATE customers SET name = ?1 WHERE email = ?2",
            params![new_name, email],
        )?;
        Ok(changed == 1)
    }
}

/// Shorthand for a contradiction; `import` fills in the row number.
fn inconsistent(reason: String) -> ImportError {
    ImportError::Inconsistent { row: 0, reason }
}

/// Stores the facts of one export row, checking them against what is already stored.
fn import_row(tx: &Transaction<'_>, row: &ExportRow) -> Result<(), ImportError> {
    // The customer: insert it the first time, afterwards it must say the same thing.
    tx.execute(
        "INSERT INTO customers (email, name, city) VALUES (?1, ?2, ?3)
         ON CONFLICT (email) DO NOTHING",
        params![row.customer_email, row.customer_name, row.customer_city],
    )?;
    let (customer_id, name, city): (i64, String, String) = tx.query_row(
        "SELECT id, name, city FROM customers WHERE email = ?1",
        [&row.customer_email],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if (name.as_str(), city.as_str()) != (row.customer_name.as_str(), row.customer_city.as_str()) {
        return Err(inconsistent(format!(
            "customer {} is {name} from {city} elsewhere",
            row.customer_email
        )));
    }

    // The product.
    tx.execute(
        "INSERT INTO products (sku, name) VALUES (?1, ?2) ON CONFLICT (sku) DO NOTHING",
        params![row.sku, row.product_name],
    )?;
    let product_name: String = tx.query_row(
        "SELECT name FROM products WHERE sku = ?1",
        [&row.sku],
        |r| r.get(0),
    )?;
    if product_name != row.product_name {
        return Err(inconsistent(format!(
            "product {} is called {product_name} elsewhere",
            row.sku
        )));
    }

    // The order.
    tx.execute(
        "INSERT INTO orders (id, customer_id, ordered_on) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO NOTHING",
        params![row.order_id, customer_id, row.order_date],
    )?;
    let (order_customer, ordered_on): (i64, String) = tx.query_row(
        "SELECT customer_id, ordered_on FROM orders WHERE id = ?1",
        [row.order_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if order_customer != customer_id || ordered_on != row.order_date {
        return Err(inconsistent(format!(
            "order {} has another customer or date elsewhere",
            row.order_id
        )));
    }

    // The line itself: one per product and order.
    let duplicate = tx
        .query_row(
            "SELECT 1 FROM order_items WHERE order_id = ?1 AND sku = ?2",
            params![row.order_id, row.sku],
            |_| Ok(()),
        )
        .optional()?;
    if duplicate.is_some() {
        return Err(inconsistent(format!(
            "order {} lists {} twice",
            row.order_id, row.sku
        )));
    }
    tx.execute(
        "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents)
         VALUES (?1, ?2, ?3, ?4)",
        params![row.order_id, row.sku, row.quantity, row.unit_price_cents],
    )?;
    Ok(())
}
