//! End-to-end tests of cigate, one binary with a module per area.

mod github;
