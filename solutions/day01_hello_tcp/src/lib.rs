//! Day 1: placeholder, being written.
