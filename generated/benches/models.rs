//! Decoding and encoding the generated models against hand-written serde structs of the same
//! shape: DigitalOcean's user answer and Yandex Cloud's finished `Operation`.
//!
//! `cargo bench -p dbaas-clients --bench models`; `cargo test -p dbaas-clients --bench models`
//! runs each benchmark once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark stops at a broken fixture

mod handwritten;

use dbaas_clients::{digitalocean, yandex_mongodb};
use divan::black_box;

fn main() {
    // Many short samples, so the medians settle to a few nanoseconds; under `cargo test`
    // each benchmark runs once.
    divan::Divan::from_args().sample_count(2_000).main();
}

/// The four benchmarks of one model, in a module of its own: decoding `$json` and encoding
/// the value it gives, as the generated type and as the hand-written one.
macro_rules! model_benches {
    ($module:ident, $json:expr, $generated:ty, $handwritten:ty) => {
        mod $module {
            use super::*;

            #[divan::bench]
            fn decode_generated() -> $generated {
                serde_json::from_str(black_box($json)).unwrap()
            }

            #[divan::bench]
            fn decode_handwritten() -> $handwritten {
                serde_json::from_str(black_box($json)).unwrap()
            }

            #[divan::bench]
            fn encode_generated(bencher: divan::Bencher) {
                let value: $generated = serde_json::from_str($json).unwrap();
                bencher.bench_local(|| serde_json::to_vec(black_box(&value)).unwrap());
            }

            #[divan::bench]
            fn encode_handwritten(bencher: divan::Bencher) {
                let value: $handwritten = serde_json::from_str($json).unwrap();
                bencher.bench_local(|| serde_json::to_vec(black_box(&value)).unwrap());
            }
        }
    };
}

model_benches!(digitalocean_user, handwritten::DIGITALOCEAN_USER, digitalocean::types::DatabaseUserResponse, handwritten::UserAnswer);

model_benches!(
    yandex_operation,
    handwritten::YANDEX_OPERATION,
    yandex_mongodb::types::UpdateUserOperation,
    handwritten::UpdateUserOperation
);
