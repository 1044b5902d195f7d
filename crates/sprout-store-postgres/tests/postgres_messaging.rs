//! The messaging store contract on a fresh PostgreSQL database (see
//! `postgres.rs`: without `SPROUT_TEST_POSTGRES_URL` it says so and returns,
//! except under CI).

use sprout_store_postgres::testing::with_fresh_db;

#[tokio::test]
async fn messaging_contract() {
    with_fresh_db(|store| async move {
        sprout_store::messaging::contract(&store).await;
    })
    .await;
}
