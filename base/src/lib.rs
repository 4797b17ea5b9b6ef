//! The foundation every jemput crate stands on, free of gRPC and SQL: the
//! district's calendar, how numbers, money and dates are written, and where
//! the data directory is. One
//! definition of "today", of a date and of each format, so the registry,
//! the optimizer, the dashboard and the command line never disagree about
//! which day it is or how a number reads.

pub mod calendar;
pub mod data;
pub mod format;
