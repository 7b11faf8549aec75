//! A generated demo leaves a database whose stored state the audit trail vouches for,
//! record by record, although each generation is summarised in one entry.

use crate::{generate, generate_stress, DemoSpec};
use hoptac_store::audit::{self, Finding};

fn a_demo_province_verifies_as_intact(url: &str) {
    let reg = hoptac_app::testing::registry(url);
    let spec = DemoSpec {
        scale: 0.1,
        ..Default::default()
    };
    let made = generate(&reg, &spec).expect("demo");
    assert!(made.cooperatives > 10, "{made:?}");
    assert!(matches!(
        audit::verify(&reg.db, None).expect("verify"),
        Finding::Intact { .. }
    ));
    let state = audit::verify_state(&reg.db).expect("verify state");
    assert_eq!(state.findings, vec![]);
    assert!(state.records as usize > made.cooperatives * 2, "{state:?}");
}

fn a_stress_dataset_verifies_as_intact(url: &str) {
    let reg = hoptac_app::testing::registry(url);
    generate_stress(&reg, 3, 600, &|_, _| {}).expect("stress");
    let state = audit::verify_state(&reg.db).expect("verify state");
    assert_eq!(state.findings, vec![]);
    assert!(state.records >= 1_200, "{}", state.records);
}

hoptac_testkit::both_backends!(
    a_demo_province_verifies_as_intact,
    a_stress_dataset_verifies_as_intact
);
