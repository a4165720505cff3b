//! What "done" means for day 10: the flat export goes into a normalized SQLite schema and
//! comes back out unchanged, with the anomalies of the flat form gone.

use day10_normalization::{ExportRow, ImportError, Shop};

/// One export line written as `order|date|email|name|city|sku|product|price|quantity`.
fn row(line: &str) -> ExportRow {
    let f: Vec<&str> = line.split('|').map(str::trim).collect();
    ExportRow {
        order_id: f[0].parse().unwrap(),
        order_date: f[1].into(),
        customer_email: f[2].into(),
        customer_name: f[3].into(),
        customer_city: f[4].into(),
        sku: f[5].into(),
        product_name: f[6].into(),
        unit_price_cents: f[7].parse().unwrap(),
        quantity: f[8].parse().unwrap(),
    }
}

/// Five lines, three orders, two customers, three products. The keyboard sold at two prices.
fn export() -> Vec<ExportRow> {
    [
        "1 | 2024-03-01 | ada@example.com  | Ada  | London     | KB-1 | Keyboard | 4500 | 1",
        "1 | 2024-03-01 | ada@example.com  | Ada  | London     | MS-2 | Mouse    | 1500 | 2",
        "2 | 2024-03-02 | alan@example.com | Alan | Manchester | KB-1 | Keyboard | 4000 | 1",
        "3 | 2024-03-05 | ada@example.com  | Ada  | London     | CB-3 | Cable    |  500 | 3",
        "3 | 2024-03-05 | ada@example.com  | Ada  | London     | MS-2 | Mouse    | 1500 | 1",
    ]
    .into_iter()
    .map(row)
    .collect()
}

fn imported() -> Shop {
    let mut shop = Shop::open_in_memory().expect("open the shop");
    shop.import(&export()).expect("import the sample export");
    shop
}

fn count(shop: &Shop, table: &str) -> i64 {
    shop.connection()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("counting the rows of `{table}` failed: {e}"))
}

#[test]
fn the_schema_has_one_table_per_kind_of_thing() {
    let shop = Shop::open_in_memory().expect("open the shop");
    for table in ["customers", "products", "orders", "order_items"] {
        let exists: i64 = shop
            .connection()
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(exists, 1, "SCHEMA should create a table named `{table}`");
    }
}

#[test]
fn import_stores_each_fact_once() {
    let shop = imported();
    assert_eq!(count(&shop, "customers"), 2, "Ada and Alan, once each");
    assert_eq!(
        count(&shop, "products"),
        3,
        "keyboard, mouse and cable, once each"
    );
    assert_eq!(count(&shop, "orders"), 3, "orders 1, 2 and 3");
    assert_eq!(
        count(&shop, "order_items"),
        5,
        "one line per row of the export"
    );
}

#[test]
fn export_rebuilds_the_original_rows_with_a_join() {
    let shop = imported();
    assert_eq!(
        shop.export().unwrap(),
        export(),
        "the join of the four tables, ordered by order id then sku, should give back the \
         export unchanged, including the keyboard's two prices"
    );
}

#[test]
fn an_order_total_is_computed_from_its_lines() {
    let shop = imported();
    assert_eq!(
        shop.order_total_cents(1).unwrap(),
        Some(4500 + 2 * 1500),
        "order 1: one keyboard at 45.00 and two mice at 15.00"
    );
    assert_eq!(shop.order_total_cents(2).unwrap(), Some(4000));
    assert_eq!(
        shop.order_total_cents(99).unwrap(),
        None,
        "an unknown order has no total"
    );
}

#[test]
fn renaming_a_customer_changes_one_row_and_every_order_at_once() {
    let shop = imported();
    assert!(
        shop.rename_customer("ada@example.com", "Ada Lovelace")
            .unwrap()
    );
    let names: Vec<String> = shop
        .export()
        .unwrap()
        .into_iter()
        .filter(|r| r.customer_email == "ada@example.com")
        .map(|r| r.customer_name)
        .collect();
    assert_eq!(
        names, ["Ada Lovelace"; 4],
        "all four of Ada's lines should show the new name: no update anomaly"
    );
    assert_eq!(count(&shop, "customers"), 2);
    assert!(
        !shop.rename_customer("nobody@example.com", "X").unwrap(),
        "an unknown email renames nobody: Ok(false)"
    );
}

#[test]
fn a_contradicting_export_is_refused_and_nothing_is_imported() {
    let mut shop = Shop::open_in_memory().unwrap();
    let mut rows = export();
    rows.push(row(
        "4 | 2024-03-06 | alan@example.com | Alan | Manchester | MS-2 | Mouse Pro | 1500 | 1",
    ));
    let result = shop.import(&rows);
    assert!(
        matches!(result, Err(ImportError::Inconsistent { row: 5, .. })),
        "row 5 calls MS-2 \"Mouse Pro\" but row 1 calls it \"Mouse\": expected Err(Inconsistent {{ row: 5, .. }}), got {result:?}"
    );
    for table in ["customers", "products", "orders", "order_items"] {
        assert_eq!(
            count(&shop, table),
            0,
            "the import is all or nothing, but `{table}` kept rows"
        );
    }
}

#[test]
fn a_later_import_must_agree_with_what_is_stored() {
    let mut shop = imported();
    let more = [row(
        "4 | 2024-04-01 | alan@example.com | Alan | Manchester | CB-3 | Cable | 450 | 2",
    )];
    shop.import(&more)
        .expect("a new order from a known customer");
    assert_eq!(count(&shop, "customers"), 2, "Alan was already known");
    assert_eq!(count(&shop, "orders"), 4);

    let moved = [row(
        "5 | 2024-04-02 | alan@example.com | Alan | Leeds | CB-3 | Cable | 450 | 1",
    )];
    let result = shop.import(&moved);
    assert!(
        matches!(result, Err(ImportError::Inconsistent { row: 0, .. })),
        "the stored Alan lives in Manchester; a row saying Leeds contradicts it, got {result:?}"
    );
    assert_eq!(
        count(&shop, "orders"),
        4,
        "the refused order must not be stored"
    );
}

#[test]
fn foreign_keys_are_enforced() {
    let shop = imported();
    let orphan_line = shop.connection().execute(
        "INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES (99, 'KB-1', 1, 100)",
        [],
    );
    assert!(
        orphan_line.is_err(),
        "a line for order 99, which does not exist, must be refused (PRAGMA foreign_keys = ON)"
    );
    let customer_with_orders = shop
        .connection()
        .execute("DELETE FROM customers WHERE email = 'alan@example.com'", []);
    assert!(
        customer_with_orders.is_err(),
        "deleting a customer who has orders must be refused: their orders would point nowhere"
    );
}

#[test]
fn deleting_an_order_deletes_its_lines_but_keeps_the_products() {
    let shop = imported();
    shop.connection()
        .execute("DELETE FROM orders WHERE id = 3", [])
        .expect("deleting an order should cascade to its lines (ON DELETE CASCADE)");
    let lines_left: i64 = shop
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM order_items WHERE order_id = 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lines_left, 0, "order 3's lines go with it");
    assert_eq!(
        count(&shop, "products"),
        3,
        "the cable was only sold in order 3, but the product still exists: no delete anomaly"
    );
}
