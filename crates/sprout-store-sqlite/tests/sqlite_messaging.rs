//! The messaging store contract on a fresh SQLite file.

#[tokio::test]
async fn messaging_contract() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/sprout.db", dir.path().display());
    let store = sprout_store_sqlite::open(&url).await.unwrap();
    sprout_store::messaging::contract(&store).await;
}
