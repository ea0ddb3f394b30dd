//! Library verifications per second on one thread, against a floor program
//! that runs the same SQL statements (`store::sqlite::sql`) with rusqlite
//! directly: same transactions, same statements, same parameters, every
//! returned column fetched (as a borrowed `ValueRef`, unconverted), but no
//! checksum check, no policy, no row-to-struct mapping, no events.
//!
//! Stores of 10^3 and 10^6 keys (10 per account), keys presented in random
//! order; `dry_run` is a read-only check, `spend` spends one lookup.
//!
//!     cargo bench --bench verify
//!
//! Absolute latencies; the ratios in BENCHMARKS.md come from
//! `benches/side_by_side.rs`, which alternates the two so that drift on a
//! shared machine hits both alike.

mod support;

use std::hint::black_box;
use std::time::Duration;

use apikey::{Store, VerifyCode, VerifyRequest};
use criterion::{Criterion, criterion_group, criterion_main};
use support::{Floor, Picker};

fn bench(c: &mut Criterion) {
    for keys in [1_000, 1_000_000] {
        let bench_store = support::store(keys);
        let secrets = &bench_store.secrets;
        let copy = bench_store.working_copy("verify");
        copy.prime(secrets);
        let mut group = c.benchmark_group(format!("verify/{keys}"));
        group
            .sample_size(30)
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(6));

        let mut store = Store::open(&copy.path).unwrap();
        let floor = Floor::open(&copy.path);
        let dry = VerifyRequest {
            dry_run: true,
            ..VerifyRequest::default()
        };
        let spend = VerifyRequest::default();

        let mut pick = Picker::new(7);
        group.bench_function("apikey/dry_run", |b| {
            b.iter(|| {
                let v = store.verify(pick.pick(secrets), &dry).unwrap();
                assert_eq!(v.code, VerifyCode::Valid);
                black_box(v.balance)
            });
        });
        let mut pick = Picker::new(7);
        group.bench_function("floor/dry_run", |b| {
            b.iter(|| black_box(floor.dry_run(pick.pick(secrets))));
        });
        copy.checkpoint();
        let mut pick = Picker::new(11);
        group.bench_function("apikey/spend", |b| {
            b.iter(|| {
                let v = store.verify(pick.pick(secrets), &spend).unwrap();
                assert_eq!(v.code, VerifyCode::Valid);
                black_box(v.balance)
            });
        });
        copy.checkpoint();
        let mut pick = Picker::new(11);
        group.bench_function("floor/spend", |b| {
            b.iter(|| black_box(floor.spend(pick.pick(secrets), apikey::Timestamp::now())));
        });
        group.finish();
        drop((store, floor));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
