//! The optimizer: plans where mobile IKD activation teams go each working
//! day so a district reaches its target fastest within a budget.
//!
//! - [`params`], [`calendar`], [`district`], [`travel`]: the model's inputs.
//! - [`schedule`]: the greedy route builder; [`bound`]: the LP lower bound.
//! - [`validate`]: re-derives every plan from its itinerary.
//! - [`solve`]: plans, minimum budgets and budget curves.

pub mod bound;
pub mod calendar;
pub mod district;
pub mod itinerary;
pub mod params;
pub mod schedule;
pub mod solve;
pub mod travel;
pub mod validate;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
