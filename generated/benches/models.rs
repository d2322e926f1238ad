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
    // Many short samples: the medians settle to a few nanoseconds.
    divan::Divan::from_args().sample_count(2_000).run_benches();
}

mod digitalocean_user {
    use super::*;

    #[divan::bench]
    fn decode_generated() -> digitalocean::types::DatabasesUpdateUserResponse {
        serde_json::from_str(black_box(handwritten::DIGITALOCEAN_USER)).unwrap()
    }

    #[divan::bench]
    fn decode_handwritten() -> handwritten::UserAnswer {
        serde_json::from_str(black_box(handwritten::DIGITALOCEAN_USER)).unwrap()
    }

    #[divan::bench]
    fn encode_generated(bencher: divan::Bencher) {
        let value: digitalocean::types::DatabasesUpdateUserResponse = serde_json::from_str(handwritten::DIGITALOCEAN_USER).unwrap();
        bencher.bench_local(|| serde_json::to_vec(black_box(&value)).unwrap());
    }

    #[divan::bench]
    fn encode_handwritten(bencher: divan::Bencher) {
        let value: handwritten::UserAnswer = serde_json::from_str(handwritten::DIGITALOCEAN_USER).unwrap();
        bencher.bench_local(|| serde_json::to_vec(black_box(&value)).unwrap());
    }
}

mod yandex_operation {
    use super::*;

    #[divan::bench]
    fn decode_generated() -> yandex_mongodb::types::UpdateUserOperation {
        serde_json::from_str(black_box(handwritten::YANDEX_OPERATION)).unwrap()
    }

    #[divan::bench]
    fn decode_handwritten() -> handwritten::UpdateUserOperation {
        serde_json::from_str(black_box(handwritten::YANDEX_OPERATION)).unwrap()
    }

    #[divan::bench]
    fn encode_generated(bencher: divan::Bencher) {
        let value: yandex_mongodb::types::UpdateUserOperation = serde_json::from_str(handwritten::YANDEX_OPERATION).unwrap();
        bencher.bench_local(|| serde_json::to_vec(black_box(&value)).unwrap());
    }

    #[divan::bench]
    fn encode_handwritten(bencher: divan::Bencher) {
        let value: handwritten::UpdateUserOperation = serde_json::from_str(handwritten::YANDEX_OPERATION).unwrap();
        bencher.bench_local(|| serde_json::to_vec(black_box(&value)).unwrap());
    }
}
