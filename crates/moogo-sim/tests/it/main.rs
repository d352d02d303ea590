//! End-to-end tests of the simulator over HTTP on 127.0.0.1.

mod auth;
mod binary;
mod bodies;
mod configs;
mod control;
mod devices;
mod faults;
mod lifecycle;
mod logs;
mod messages;
mod ota;
mod schedules;
mod support;
