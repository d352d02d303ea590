//! End-to-end tests of cigate, one binary with a module per area.

mod actions;
mod classify_corpus;
mod commands;
mod github;
mod github_flow;
mod scenarios;
mod support;
