//! The foundation every jemput crate stands on, free of gRPC and SQL: the
//! district's calendar. One definition of "today" and of a date, so the
//! registry, the optimizer, the dashboard and the command line never
//! disagree about which day it is.

pub mod calendar;
