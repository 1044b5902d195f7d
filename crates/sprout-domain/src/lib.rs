//! Sprout's pure domain: the record model, ages, the access decision and other
//! pediatric rules.
//!
//! Nothing in this crate performs I/O, spawns tasks or reads the clock: "today" is
//! always an argument, so every rule can be tested at any date (DESIGN.md, house
//! style 1).

pub mod access;
pub mod age;
pub mod appointment;
pub mod cvx;
pub mod enrollment;
pub mod growth;
pub mod ids;
pub mod immunization;
pub mod messaging;
pub mod password;
pub mod people;
pub mod policy;
pub mod record;
pub mod refill;
pub mod release;
pub mod results;
pub mod security;
pub mod sensitivity;

pub use ids::{AccountId, ItemId, PatientId};
